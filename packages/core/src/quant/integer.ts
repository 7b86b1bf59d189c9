/**
 * Integer quantizers: INT8 symmetric (per tensor, per output channel), INT8 asymmetric with a zero
 * point, and INT4 group-wise asymmetric, two codes packed per byte (low nibble first).
 * All round half to even and clamp to the code range.
 * @see Jacob et al., "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only
 *      Inference" (arXiv:1712.05877) §2 (affine scheme r = S(q − Z)); GPTQ/AWQ packed INT4 layout
 */
import { roundHalfEven, toFp16 } from './float-formats.js';

export interface SymmetricInt8 {
  readonly codes: Int8Array;
  /** One scale per row (per channel) or a single one (per tensor): value = code × scale. */
  readonly scales: Float32Array;
  readonly rowLength: number;
}

/** max |x| of a slice. */
export function absMax(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(values[i] ?? 0);
    if (a > m) m = a;
  }
  return m;
}

/**
 * Symmetric INT8: scale = absmax / 127 over the tensor (`rowLength` = length) or each row
 * (per output channel: `rowLength` = in-features), code = clamp(rne(x / scale), −127, 127).
 * `absMaxOverride` fixes the per-tensor absmax (streaming: from a first pass over the whole tensor).
 */
export function quantizeInt8Symmetric(
  values: Float32Array,
  rowLength = values.length,
  absMaxOverride?: number,
): SymmetricInt8 {
  const rows = Math.ceil(values.length / rowLength);
  const codes = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const start = r * rowLength;
    const end = Math.min(values.length, start + rowLength);
    const scale = Math.fround((absMaxOverride ?? absMax(values, start, end)) / 127);
    scales[r] = scale;
    const inv = scale > 0 ? 1 / scale : 0;
    for (let i = start; i < end; i++)
      codes[i] = Math.max(-127, Math.min(127, roundHalfEven((values[i] ?? 0) * inv)));
  }
  return { codes, scales, rowLength };
}

export function dequantizeInt8Symmetric(
  q: SymmetricInt8,
  out = new Float32Array(q.codes.length),
): Float32Array {
  for (let i = 0; i < q.codes.length; i++)
    out[i] = (q.codes[i] ?? 0) * (q.scales[Math.floor(i / q.rowLength)] ?? 0);
  return out;
}

export interface AsymmetricInt8 {
  /** Unsigned codes 0…255: value = (code − zeroPoint) × scale. */
  readonly codes: Uint8Array;
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Asymmetric INT8 over [min(x, 0), max(x, 0)]: scale = (max − min) / 255, zeroPoint = clamp(rne(−min /
 * scale), 0, 255) so that 0 is exact, code = clamp(rne(x / scale) + zeroPoint, 0, 255).
 * `range` fixes min and max (streaming: from a first pass over the whole tensor).
 */
export function quantizeInt8Asymmetric(
  values: Float32Array,
  range?: { readonly min: number; readonly max: number },
): AsymmetricInt8 {
  let min = Math.min(0, range?.min ?? 0);
  let max = Math.max(0, range?.max ?? 0);
  if (!range)
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  const scale = Math.fround((max - min) / 255);
  const inv = scale > 0 ? 1 / scale : 0;
  const zeroPoint = Math.max(0, Math.min(255, roundHalfEven(-min * inv)));
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++)
    codes[i] = Math.max(0, Math.min(255, roundHalfEven((values[i] ?? 0) * inv) + zeroPoint));
  return { codes, scale, zeroPoint };
}

export function dequantizeInt8Asymmetric(q: AsymmetricInt8): Float32Array {
  return Float32Array.from(q.codes, (c) => (c - q.zeroPoint) * q.scale);
}

/** One INT4 group's affine parameters; the scale is stored as fp16, the zero as a 4-bit code. */
export interface Int4GroupParams {
  readonly scale: number;
  readonly zero: number;
}

/**
 * Min/max parameters of an asymmetric 4-bit group (range widened to include 0):
 * scale = fp16((max − min) / 15), zero = clamp(rne(−min / scale), 0, 15).
 */
export function int4GroupParams(min: number, max: number): Int4GroupParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = toFp16((hi - lo) / 15);
  const zero = scale > 0 ? Math.max(0, Math.min(15, roundHalfEven(-lo / scale))) : 0;
  return { scale, zero };
}

export function int4Code(x: number, p: Int4GroupParams): number {
  return p.scale > 0 ? Math.max(0, Math.min(15, roundHalfEven(x / p.scale) + p.zero)) : p.zero;
}

export interface GroupedInt4 {
  /** Two codes per byte, element 2i in the low nibble. */
  readonly packed: Uint8Array;
  readonly scales: Float32Array;
  /** 4-bit zero points, two per byte. */
  readonly zeros: Uint8Array;
  readonly groupSize: number;
  readonly length: number;
}

/** INT4 asymmetric with one (fp16 scale, 4-bit zero) per `groupSize` consecutive values; last group may be short. */
export function quantizeInt4Grouped(values: Float32Array, groupSize = 128): GroupedInt4 {
  const groups = Math.ceil(values.length / groupSize);
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  const scales = new Float32Array(groups);
  const zeros = new Uint8Array(Math.ceil(groups / 2));
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    const end = Math.min(values.length, start + groupSize);
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const v = values[i] ?? 0;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const p = int4GroupParams(min, max);
    scales[g] = p.scale;
    zeros[g >> 1] = (zeros[g >> 1] ?? 0) | (p.zero << ((g & 1) * 4));
    for (let i = start; i < end; i++)
      packed[i >> 1] = (packed[i >> 1] ?? 0) | (int4Code(values[i] ?? 0, p) << ((i & 1) * 4));
  }
  return { packed, scales, zeros, groupSize, length: values.length };
}

export function dequantizeInt4Grouped(q: GroupedInt4, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) {
    const g = Math.floor(i / q.groupSize);
    const code = ((q.packed[i >> 1] ?? 0) >> ((i & 1) * 4)) & 15;
    const zero = ((q.zeros[g >> 1] ?? 0) >> ((g & 1) * 4)) & 15;
    out[i] = (code - zero) * (q.scales[g] ?? 0);
  }
  return out;
}

/** Stored bytes of grouped INT4: packed codes + an fp16 scale and a packed 4-bit zero per group. */
export function int4GroupedBytes(elements: number, groupSize: number): number {
  const groups = Math.ceil(elements / groupSize);
  return Math.ceil(elements / 2) + 2 * groups + Math.ceil(groups / 2);
}
