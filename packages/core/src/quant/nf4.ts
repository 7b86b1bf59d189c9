/**
 * NF4 (4-bit NormalFloat): 16 levels at quantiles of N(0, 1) normalised to [−1, 1], one absmax per
 * block of 64 values; with double quantization the fp32 absmax constants become 8-bit codes with one
 * fp32 scale per 256 of them.
 * @see Dettmers et al., "QLoRA" (arXiv:2305.14314) §3 and Appendix E; bitsandbytes functional.py
 *      (the float32 NF4 code table)
 */
import { roundHalfEven } from './float-formats.js';

/** The 16 NF4 levels exactly as bitsandbytes stores them (float32). */
export const NF4_LEVELS: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

export const NF4_BLOCK = 64;
export const NF4_DQ_BLOCK = 256;

const LEVELS = Float32Array.from(NF4_LEVELS);
const MIDPOINTS = Float32Array.from({ length: 15 }, (_, i) => ((LEVELS[i] ?? 0) + (LEVELS[i + 1] ?? 0)) / 2);

function searchCode(x: number): number {
  let lo = 0;
  let hi = 15;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x >= (MIDPOINTS[mid] ?? 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// A lookup over 4096 equal bins of [−1, 1]: each bin is far narrower than the closest two levels, so
// it holds at most one midpoint; comparing with it gives exactly the binary search's answer.
const LUT_BINS = 4096;
const LUT_LOW = new Uint8Array(LUT_BINS);
const LUT_THRESHOLD = new Float64Array(LUT_BINS).fill(Infinity);
for (let b = 0; b < LUT_BINS; b++) {
  const lo = -1 + (2 * b) / LUT_BINS;
  const hi = -1 + (2 * (b + 1)) / LUT_BINS;
  LUT_LOW[b] = searchCode(lo);
  for (const m of MIDPOINTS) if (m > lo && m < hi) LUT_THRESHOLD[b] = m;
}

/** Index of the nearest NF4 level to x ∈ [−1, 1] (at a midpoint: the upper level, as bitsandbytes' tree does). */
export function nf4Code(x: number): number {
  const b = Math.min(LUT_BINS - 1, Math.max(0, Math.floor((x + 1) * (LUT_BINS / 2))));
  const low = LUT_LOW[b] ?? 0;
  return x >= (LUT_THRESHOLD[b] ?? Infinity) ? low + 1 : low;
}

export interface Nf4Blocks {
  /** Two codes per byte, element 2i in the low nibble. */
  readonly packed: Uint8Array;
  /** fp32 absmax per block (after double quantization: its dequantized value). */
  readonly absmax: Float32Array;
  readonly length: number;
  /** Double quantization: 8-bit codes of the absmax values and one fp32 scale per 256 codes. */
  readonly doubleQuant: { readonly codes: Uint8Array; readonly scales: Float32Array } | null;
}

/**
 * Double quantization of positive absmax constants: code = rne(a / s × 255) with s = max of its
 * group of 256 (an unsigned linear 8-bit code; bitsandbytes uses its dynamic 8-bit map with the same
 * storage, 8 bits per constant + one fp32 per 256).
 */
export function quantizeAbsmax(absmax: Float32Array): {
  codes: Uint8Array;
  scales: Float32Array;
  dequantized: Float32Array;
} {
  const groups = Math.ceil(absmax.length / NF4_DQ_BLOCK);
  const codes = new Uint8Array(absmax.length);
  const scales = new Float32Array(groups);
  const dequantized = new Float32Array(absmax.length);
  for (let g = 0; g < groups; g++) {
    const start = g * NF4_DQ_BLOCK;
    const end = Math.min(absmax.length, start + NF4_DQ_BLOCK);
    let s = 0;
    for (let i = start; i < end; i++) s = Math.max(s, absmax[i] ?? 0);
    scales[g] = s;
    const step = Math.fround(s / 255);
    for (let i = start; i < end; i++) {
      const c = step > 0 ? Math.min(255, roundHalfEven((absmax[i] ?? 0) / step)) : 0;
      codes[i] = c;
      dequantized[i] = c * step;
    }
  }
  return { codes, scales, dequantized };
}

/** NF4 blockwise: absmax per 64 values, code = nearest level to x / absmax. */
export function quantizeNf4(values: Float32Array, doubleQuant = false): Nf4Blocks {
  const blocks = Math.ceil(values.length / NF4_BLOCK);
  let absmax: Float32Array = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let m = 0;
    const end = Math.min(values.length, (b + 1) * NF4_BLOCK);
    for (let i = b * NF4_BLOCK; i < end; i++) m = Math.max(m, Math.abs(values[i] ?? 0));
    absmax[b] = m;
  }
  let dq: Nf4Blocks['doubleQuant'] = null;
  if (doubleQuant) {
    const q = quantizeAbsmax(absmax);
    dq = { codes: q.codes, scales: q.scales };
    absmax = q.dequantized;
  }
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let b = 0; b < blocks; b++) {
    const a = absmax[b] ?? 0;
    const inv = a > 0 ? 1 / a : 0;
    const end = Math.min(values.length, (b + 1) * NF4_BLOCK);
    for (let i = b * NF4_BLOCK; i < end; i++) {
      const code = nf4Code(Math.max(-1, Math.min(1, (values[i] ?? 0) * inv)));
      packed[i >> 1] = (packed[i >> 1] ?? 0) | (code << ((i & 1) * 4));
    }
  }
  return { packed, absmax, length: values.length, doubleQuant: dq };
}

export function dequantizeNf4(q: Nf4Blocks, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) {
    const code = ((q.packed[i >> 1] ?? 0) >> ((i & 1) * 4)) & 15;
    out[i] = (LEVELS[code] ?? 0) * (q.absmax[i >> 6] ?? 0); // NF4_BLOCK = 64
  }
  return out;
}

/** Stored bytes: packed codes + fp32 absmax per block, or 8-bit codes + fp32 per 256 with double quantization. */
export function nf4Bytes(elements: number, doubleQuant: boolean): number {
  const blocks = Math.ceil(elements / NF4_BLOCK);
  const codes = Math.ceil(elements / 2);
  return doubleQuant ? codes + blocks + 4 * Math.ceil(blocks / NF4_DQ_BLOCK) : codes + 4 * blocks;
}
