/** Shared helpers of the mechanism tests (not part of the package: `_test-*` files are not built). */
import { expect } from 'vitest';
import { CostwiseError } from '../errors.js';

/** mulberry32: a tiny deterministic PRNG so the random cases are reproducible. Returns values in [-1, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomMatrix(next: () => number, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, next));
}

export function expectInvalidInput(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CostwiseError);
  expect(caught).toMatchObject({ code: 'INVALID_INPUT' });
}

export function expectRowsClose(
  actual: readonly (readonly number[])[],
  expected: readonly (readonly number[])[],
  tol: number,
): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i] ?? [];
    expect(row).toHaveLength(want.length);
    row.forEach((v, j) => {
      expect(Math.abs(v - (want[j] ?? Number.NaN))).toBeLessThanOrEqual(tol);
    });
  });
}
