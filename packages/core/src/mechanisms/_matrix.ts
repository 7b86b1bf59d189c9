import { invalidInput } from '../errors.js';

/** A dense row-major matrix of numbers: rows × cols. */
export type Matrix = readonly (readonly number[])[];
export type Vector = readonly number[];

export function shapeOf(m: Matrix): [number, number] {
  return [m.length, m[0]?.length ?? 0];
}

export function matmul(a: Matrix, b: Matrix): number[][] {
  const [n, k] = shapeOf(a);
  const [k2, m] = shapeOf(b);
  if (k !== k2) throw invalidInput('matrix', `cannot multiply ${n}×${k} by ${k2}×${m}`);
  return a.map((row) =>
    Array.from({ length: m }, (_, j) => {
      let s = 0;
      for (let i = 0; i < k; i++) s += (row[i] ?? 0) * (b[i]?.[j] ?? 0);
      return s;
    }),
  );
}

export function transpose(a: Matrix): number[][] {
  const [n, m] = shapeOf(a);
  return Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => a[i]?.[j] ?? 0));
}

/** x · W for a row vector x and matrix W (in × out). */
export function vecmat(x: Vector, w: Matrix): number[] {
  return matmul([x], w)[0] ?? [];
}

/** Numerically stable softmax (max subtracted). */
export function softmax(v: Vector): number[] {
  const max = Math.max(...v);
  const e = v.map((x) => Math.exp(x - max));
  const sum = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / sum);
}

export function columns(m: Matrix, from: number, to: number): number[][] {
  return m.map((row) => row.slice(from, to));
}
