import { describe, expect, it } from 'vitest';
import { resolvePrecision } from '../catalog/index.js';
import { gaussian } from './_test-random.js';
import {
  dequantizeInt4Grouped,
  dequantizeInt8Asymmetric,
  quantizeInt4Grouped,
  quantizeInt8Asymmetric,
  quantizeInt8Symmetric,
} from './integer.js';
import { tensorError } from './metrics.js';
import { dequantizeMxfp4, dequantizeNvfp4, quantizeMxfp4, quantizeNvfp4 } from './microscaling.js';
import { dequantizeNf4, NF4_LEVELS, nf4Bytes, nf4Code, quantizeNf4 } from './nf4.js';
import { QUANT_SCHEME_IDS, QUANT_SCHEMES, quantizeTensor, type QuantSchemeId } from './schemes.js';
import { dequantizeTernary, quantizeTernary } from './ternary.js';

describe('NF4 levels (QLoRA arXiv:2305.14314 Appendix E; bitsandbytes functional.py NF4 table)', () => {
  it.each([
    [0, -1.0],
    [1, -0.6961928009986877],
    [2, -0.5250730514526367],
    [3, -0.39491748809814453],
    [4, -0.28444138169288635],
    [5, -0.18477343022823334],
    [6, -0.09105003625154495],
    [7, 0.0],
    [8, 0.07958029955625534],
    [9, 0.16093020141124725],
    [10, 0.24611230194568634],
    [11, 0.33791524171829224],
    [12, 0.44070982933044434],
    [13, 0.5626170039176941],
    [14, 0.7229568362236023],
    [15, 1.0],
  ])('level %i = %d (exact float32)', (code, value) => {
    expect(NF4_LEVELS[code]).toBe(value);
    expect(Math.fround(value)).toBe(value);
  });
  it('maps each level of a block to its own code (absmax 1)', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => NF4_LEVELS[i % 16] ?? 0);
    const q = quantizeNf4(x);
    expect(Array.from(dequantizeNf4(q))).toEqual(Array.from(x));
    expect(q.packed[0]).toBe(0x10); // element 0 → code 0 (low nibble), element 1 → code 1 (high nibble)
  });
  it.each([
    ['nf4 (fp32 absmax per 64): 4 + 32/64', false, 4.5],
    ['nf4-dq (8-bit absmax, fp32 per 256): 4 + 8/64 + 32/16384', true, 4.126953125],
  ])('%s bits per weight', (_label, dq, bits) => {
    expect((8 * nf4Bytes(64 * 256 * 4, dq)) / (64 * 256 * 4)).toBe(bits);
  });
});

describe('integer quantizers round half to even', () => {
  it('INT8 symmetric: scale = absmax/127, ties to even', () => {
    const q = quantizeInt8Symmetric(Float32Array.of(127, 2.5, 3.5, -2.5, -0.5, 1.5));
    expect(q.scales[0]).toBe(1);
    expect(Array.from(q.codes)).toEqual([127, 2, 4, -2, 0, 2]);
  });
  it('INT8 per channel: one scale per row', () => {
    const q = quantizeInt8Symmetric(Float32Array.of(1, -2, 10, 5), 2);
    expect(Array.from(q.scales)).toEqual([Math.fround(2 / 127), Math.fround(10 / 127)]);
    expect(Array.from(q.codes)).toEqual([64, -127, 127, 64]); // 63.5 → 64 (even), 63.5 → 64
  });
  it('INT8 asymmetric keeps 0 exact through the zero point', () => {
    const x = Float32Array.of(-1, 0, 0.25, 3);
    const q = quantizeInt8Asymmetric(x);
    expect(q.zeroPoint).toBe(64); // rne(1 / (4/255)) = rne(63.75)
    expect(dequantizeInt8Asymmetric(q)[1]).toBe(0);
    expect(q.codes[3]).toBe(255);
  });
  it('INT4 group-wise packs two codes per byte, low nibble first, and stays within half a step', () => {
    const x = gaussian(256, 7);
    const q = quantizeInt4Grouped(x, 128);
    expect(q.packed).toHaveLength(128);
    expect(q.scales).toHaveLength(2);
    expect(q.zeros).toHaveLength(1);
    const y = dequantizeInt4Grouped(q);
    for (let i = 0; i < 256; i++)
      expect(Math.abs((x[i] ?? 0) - (y[i] ?? 0))).toBeLessThanOrEqual((q.scales[i >> 7] ?? 0) / 2 + 1e-6);
  });
});

describe('microscaling FP4', () => {
  it('MXFP4 scale is 2^(⌊log2 amax⌋ − 2) (OCP MX v1.0 §6.3)', () => {
    const x = new Float32Array(32).fill(0.1);
    x[0] = 5; // ⌊log2 5⌋ = 2 → X = 2^0 → code 127
    const q = quantizeMxfp4(x);
    expect(q.scales[0]).toBe(127);
    expect(dequantizeMxfp4(q)[0]).toBe(4); // 5 is a tie between 4 and 6 → 4 (even)
    x[0] = 7.5; // > 6 × 2^0: saturates to 6
    expect(dequantizeMxfp4(quantizeMxfp4(x))[0]).toBe(6);
  });
  it('NVFP4: E4M3 block scale under an fp32 tensor scale reproduces the block absmax', () => {
    const x = gaussian(64, 3);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    const q = quantizeNvfp4(x, amax);
    expect(q.tensorScale).toBe(Math.fround(amax / 2688));
    expect(q.scales).toHaveLength(4);
    expect(tensorError(x, dequantizeNvfp4(q)).snrDb).toBeGreaterThan(15);
  });
});

describe('ternary absmean (BitNet b1.58, arXiv:2402.17764 Eq. 1–3)', () => {
  it('codes are clamp(rne(w / mean|w|), −1, 1) times mean|w|', () => {
    const x = Float32Array.of(0.1, -2, 0.6, 0.05);
    const gamma = (0.1 + 2 + 0.6 + 0.05) / 4; // 0.6875
    const y = dequantizeTernary(quantizeTernary(x, gamma));
    expect(Array.from(y)).toEqual([0, -Math.fround(gamma), Math.fround(gamma), 0]);
  });
});

describe('stored bits per weight agree with the memory planner (PRECISIONS)', () => {
  const shape = [64, 64 * 256];
  const n = 64 * 64 * 256;
  const x = gaussian(n, 11, 0.02);
  it.each(
    QUANT_SCHEME_IDS.filter(
      (id) => QUANT_SCHEMES[id].plannerPrecision !== null && !QUANT_SCHEMES[id].layerWise,
    ).map((id) => [id, QUANT_SCHEMES[id].plannerPrecision ?? ''] as const),
  )('%s measures the planner precision %s (within one fp32 per-tensor scale)', (id, precision) => {
    const r = quantizeTensor(id, x, shape);
    const p = resolvePrecision(precision);
    expect(p).toBeDefined();
    let planned = p?.bitsPerWeight ?? NaN;
    if (p?.spec?.groupSize === 'row') planned = p.spec.elementBits + p.spec.scaleBits / (shape[1] ?? 1);
    expect(Math.abs(r.bitsPerWeight - planned)).toBeLessThanOrEqual(32 / n + 1e-12);
    expect(r.storedBytes).toBe(r.parts.reduce((a, b) => a + b.length, 0));
  });
  it('nf4-dq equals the planner nf4 exactly on a multiple of 64 × 256', () => {
    expect(quantizeTensor('nf4-dq', x, shape).bitsPerWeight).toBe(resolvePrecision('nf4')?.bitsPerWeight);
  });
});

describe('error ordering on Gaussian weights (more bits, less error)', () => {
  const x = gaussian(1 << 14, 5, 0.02);
  const snr = (id: QuantSchemeId): number => quantizeTensor(id, x).error.snrDb;
  it.each([
    ['bf16', 'fp8-e4m3'],
    ['fp8-e4m3', 'int4-g128'],
    ['int8-channel', 'int4-g128'],
    ['q8_0', 'q4_0'],
    ['nf4', 'ternary'],
    ['fp8-e4m3', 'fp8-e5m2'],
  ] as const)('%s beats %s', (better, worse) => {
    expect(snr(better)).toBeGreaterThan(snr(worse));
  });
  it.each([
    // 4-bit uniform on Gaussian data: about 6 dB per bit minus the clipping of a block's range.
    ['int4-g128', 15, 22],
    ['nf4', 18, 23],
    ['q4_k', 17, 23],
    ['int8', 30, 45],
  ] as const)('%s SNR lies in [%i, %i] dB', (id, lo, hi) => {
    expect(snr(id)).toBeGreaterThan(lo);
    expect(snr(id)).toBeLessThan(hi);
  });
});

describe('NF4 code lookup', () => {
  it('agrees with a direct nearest-level search on a dense sweep and at every midpoint', () => {
    // The nearest level, a tie going up: the number of (float32) midpoints at or below x.
    const midpoints = Array.from({ length: 15 }, (_, c) =>
      Math.fround(((NF4_LEVELS[c] ?? 0) + (NF4_LEVELS[c + 1] ?? 0)) / 2),
    );
    const nearest = (x: number): number => midpoints.filter((m) => x >= m).length;
    const xs: number[] = [];
    for (let i = 0; i <= 200_000; i++) xs.push(Math.fround(-1 + i / 100_000));
    for (let c = 0; c < 15; c++) {
      const m = Math.fround(((NF4_LEVELS[c] ?? 0) + (NF4_LEVELS[c + 1] ?? 0)) / 2);
      xs.push(m, Math.fround(m - 1e-7), Math.fround(m + 1e-7));
    }
    for (const x of xs) expect(nf4Code(x)).toBe(nearest(x));
  });
});
