/**
 * 4-bit floating point (E2M1) with its scales: per tensor, MXFP4 (an E8M0 power-of-two scale per 32
 * values) and NVFP4 (an E4M3 scale per 16 values under an fp32 per-tensor scale).
 * @see OCP Microscaling Formats (MX) v1.0 §6.3 (X = 2^(⌊log2 amax⌋ − emax_elem), emax_elem = 2 for E2M1);
 *      NVIDIA, "Introducing NVFP4" (2025) and TensorRT Model Optimizer nvfp4_tensor.py (scale layout)
 */
import {
  decodeE8m0,
  decodeFloat,
  decodeTable,
  encodeE8m0,
  encodeFloat,
  exponentOf,
  FLOAT_FORMATS,
} from './float-formats.js';

const E2M1 = FLOAT_FORMATS.e2m1;
const E4M3 = FLOAT_FORMATS.e4m3;
const E2M1_VALUES = decodeTable(E2M1);
export const MX_BLOCK = 32;
export const NVFP4_BLOCK = 16;
/** Largest E2M1 magnitude (6) and its exponent (2). */
const E2M1_MAX = E2M1.maxFinite;
const E2M1_EMAX = 2;

/** Packs E2M1 codes of `values × inv` (saturating), element 2i in the low nibble. */
function packE2m1(values: Float32Array, inv: (i: number) => number): Uint8Array {
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const code = encodeFloat(E2M1, (values[i] ?? 0) * inv(i), true);
    packed[i >> 1] = (packed[i >> 1] ?? 0) | (code << ((i & 1) * 4));
  }
  return packed;
}

function unpackE2m1(packed: Uint8Array, i: number): number {
  return E2M1_VALUES[((packed[i >> 1] ?? 0) >> ((i & 1) * 4)) & 15] ?? 0;
}

export interface Fp4Tensor {
  readonly packed: Uint8Array;
  /** value = E2M1 × scale; scale = absmax / 6 (fp32). */
  readonly scale: number;
  readonly length: number;
}

/** E2M1 with one fp32 scale per tensor mapping its absmax to 6 (`absMax` from a first pass when streaming). */
export function quantizeFp4(values: Float32Array, absMax: number): Fp4Tensor {
  const scale = Math.fround(absMax / E2M1_MAX);
  const inv = scale > 0 ? 1 / scale : 0;
  return { packed: packE2m1(values, () => inv), scale, length: values.length };
}

export function dequantizeFp4(q: Fp4Tensor, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = unpackE2m1(q.packed, i) * q.scale;
  return out;
}

export interface MxFp4Blocks {
  readonly packed: Uint8Array;
  /** E8M0 code per block of 32. */
  readonly scales: Uint8Array;
  readonly length: number;
}

/** MXFP4: per block of 32, X = 2^(⌊log2 amax⌋ − 2) (E8M0), elements = E2M1(x / X), saturating. */
export function quantizeMxfp4(values: Float32Array): MxFp4Blocks {
  const blocks = Math.ceil(values.length / MX_BLOCK);
  const scales = new Uint8Array(blocks);
  const invs = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    const end = Math.min(values.length, (b + 1) * MX_BLOCK);
    for (let i = b * MX_BLOCK; i < end; i++) amax = Math.max(amax, Math.abs(values[i] ?? 0));
    // An all-zero block gets the smallest scale; its elements encode as 0.
    const code = amax > 0 ? encodeE8m0(exponentOf(amax) - E2M1_EMAX) : 0;
    scales[b] = code;
    invs[b] = 1 / decodeE8m0(code);
  }
  return {
    packed: packE2m1(values, (i) => invs[Math.floor(i / MX_BLOCK)] ?? 0),
    scales,
    length: values.length,
  };
}

export function dequantizeMxfp4(q: MxFp4Blocks, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++)
    out[i] = unpackE2m1(q.packed, i) * decodeE8m0(q.scales[Math.floor(i / MX_BLOCK)] ?? 0);
  return out;
}

export interface NvFp4Blocks {
  readonly packed: Uint8Array;
  /** E4M3 code per block of 16: the block scale divided by `tensorScale`. */
  readonly scales: Uint8Array;
  /** fp32 per-tensor scale = tensor absmax / (448 × 6). */
  readonly tensorScale: number;
  readonly length: number;
}

/**
 * NVFP4: tensorScale = amax_tensor / (448 × 6); per block of 16, s = E4M3(amax_block / 6 / tensorScale)
 * and elements = E2M1(x / (s × tensorScale)), saturating.
 */
export function quantizeNvfp4(values: Float32Array, tensorAbsMax: number): NvFp4Blocks {
  const tensorScale = Math.fround(tensorAbsMax / (E4M3.maxFinite * E2M1_MAX));
  const blocks = Math.ceil(values.length / NVFP4_BLOCK);
  const scales = new Uint8Array(blocks);
  const invs = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    const end = Math.min(values.length, (b + 1) * NVFP4_BLOCK);
    for (let i = b * NVFP4_BLOCK; i < end; i++) amax = Math.max(amax, Math.abs(values[i] ?? 0));
    const code = tensorScale > 0 ? encodeFloat(E4M3, amax / E2M1_MAX / tensorScale, true) : 0;
    scales[b] = code;
    const s = decodeFloat(E4M3, code) * tensorScale;
    invs[b] = s > 0 ? 1 / s : 0;
  }
  return {
    packed: packE2m1(values, (i) => invs[Math.floor(i / NVFP4_BLOCK)] ?? 0),
    scales,
    tensorScale,
    length: values.length,
  };
}

export function dequantizeNvfp4(q: NvFp4Blocks, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++)
    out[i] =
      unpackE2m1(q.packed, i) * decodeFloat(E4M3, q.scales[Math.floor(i / NVFP4_BLOCK)] ?? 0) * q.tensorScale;
  return out;
}
