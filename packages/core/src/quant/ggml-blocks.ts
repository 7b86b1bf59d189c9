/**
 * GGUF/ggml quantization blocks, byte-compatible with ggml's layouts, quantized the way ggml's
 * reference (`*_ref`, no importance matrix) quantizers do, in float32 arithmetic:
 * - Q8_0: 32 values → fp16 d + 32 int8 (34 bytes); x = d × q.
 * - Q4_0: 32 values → fp16 d + 16 bytes (18 bytes); x = d × (q − 8); element j in the low nibble of
 *   byte j, element j + 16 in its high nibble.
 * - Q4_K: 256 values → fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins for 8 sub-blocks of 32,
 *   128 bytes of nibbles (144 bytes); x = d × sc × q − dmin × m.
 * @see ggml-org/llama.cpp ggml/src/ggml-common.h (block_q8_0, block_q4_0, block_q4_K) and
 *      ggml/src/ggml-quants.c (quantize_row_*_ref, dequantize_row_*, make_qkx2_quants, get_scale_min_k4)
 */
import { decodeFp16, encodeFp16 } from './float-formats.js';

export type GgmlBlockType = 'Q8_0' | 'Q4_0' | 'Q4_K';

export interface GgmlBlockLayout {
  /** ggml_type id in GGUF files. */
  readonly ggmlType: number;
  readonly blockElements: number;
  readonly blockBytes: number;
}

export const GGML_BLOCKS = {
  Q8_0: { ggmlType: 8, blockElements: 32, blockBytes: 34 },
  Q4_0: { ggmlType: 2, blockElements: 32, blockBytes: 18 },
  Q4_K: { ggmlType: 12, blockElements: 256, blockBytes: 144 },
} as const satisfies Record<GgmlBlockType, GgmlBlockLayout>;

const f = Math.fround;

/** ggml's nearest_int: round half to even (the 1.5 × 2^23 trick). */
function nearestInt(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** C roundf: half away from zero. */
function roundAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function writeFp16(out: Uint8Array, at: number, value: number): void {
  const h = encodeFp16(value);
  out[at] = h & 0xff;
  out[at + 1] = h >> 8;
}

function readFp16(bytes: Uint8Array, at: number): number {
  return decodeFp16((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8));
}

function quantizeQ8_0Block(x: Float32Array, at: number, out: Uint8Array, o: number): void {
  let amax = 0;
  for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[at + j] ?? 0));
  const d = f(amax / 127);
  const id = d !== 0 ? f(1 / d) : 0;
  writeFp16(out, o, d);
  for (let j = 0; j < 32; j++) out[o + 2 + j] = roundAway(f((x[at + j] ?? 0) * id)) & 0xff;
}

function quantizeQ4_0Block(x: Float32Array, at: number, out: Uint8Array, o: number): void {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    const v = x[at + j] ?? 0;
    if (Math.abs(v) > amax) {
      amax = Math.abs(v);
      max = v;
    }
  }
  const d = f(max / -8);
  const id = d !== 0 ? f(1 / d) : 0;
  writeFp16(out, o, d);
  for (let j = 0; j < 16; j++) {
    const lo = Math.min(15, Math.trunc(f(f((x[at + j] ?? 0) * id) + 8.5)));
    const hi = Math.min(15, Math.trunc(f(f((x[at + j + 16] ?? 0) * id) + 8.5)));
    out[o + 2 + j] = lo | (hi << 4);
  }
}

/**
 * Weighted least-squares fit of (scale, min) for one 32-value sub-block with codes 0…nmax, searching
 * the scale over nstep + 1 candidate grids (ggml's make_qkx2_quants with rmin −1, rdelta 0.1, 20 steps).
 */
function fitScaleMin(
  x: Float32Array,
  at: number,
  weights: Float32Array,
  nmax: number,
): { scale: number; min: number } {
  const n = 32;
  let min = x[at] ?? 0;
  let max = min;
  let sumW = 0;
  let sumX = 0;
  for (let i = 0; i < n; i++) {
    const v = x[at + i] ?? 0;
    min = Math.min(min, v);
    max = Math.max(max, v);
    const w = weights[i] ?? 0;
    sumW = f(sumW + w);
    sumX = f(sumX + f(w * v));
  }
  if (min > 0) min = 0;
  if (max === min) return { scale: 0, min: -min };
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const v = x[at + i] ?? 0;
    const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(v - min)))));
    const diff = f(f(f(scale * l) + min) - v);
    bestError = f(bestError + f((weights[i] ?? 0) * f(diff * diff)));
  }
  const codes = new Uint8Array(n);
  for (let step = 0; step <= 20; step++) {
    iscale = f(f(f(-1 + f(0.1 * step)) + nmax) / f(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const v = x[at + i] ?? 0;
      const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(v - min)))));
      codes[i] = l;
      const w = weights[i] ?? 0;
      sumL = f(sumL + f(w * l));
      sumL2 = f(sumL2 + f(f(w * l) * l));
      sumXL = f(sumXL + f(f(w * l) * v));
    }
    const det = f(f(sumW * sumL2) - f(sumL * sumL));
    if (det > 0) {
      let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / det);
      let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / det);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f(sumXL / sumL2);
      }
      let error = 0;
      for (let i = 0; i < n; i++) {
        const diff = f(f(f(thisScale * (codes[i] ?? 0)) + thisMin) - (x[at + i] ?? 0));
        error = f(error + f((weights[i] ?? 0) * f(diff * diff)));
      }
      if (error < bestError) {
        bestError = error;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  return { scale, min: -min };
}

/** The 6-bit scale and min of sub-block j from Q4_K's 12 packed bytes (ggml's get_scale_min_k4). */
export function q4kScaleMin(scales: Uint8Array, at: number, j: number): { sc: number; m: number } {
  const q = (k: number): number => scales[at + k] ?? 0;
  if (j < 4) return { sc: q(j) & 63, m: q(j + 4) & 63 };
  return { sc: (q(j + 4) & 0xf) | ((q(j - 4) >> 6) << 4), m: (q(j + 4) >> 4) | ((q(j) >> 6) << 4) };
}

function quantizeQ4_KBlock(x: Float32Array, at: number, out: Uint8Array, o: number): void {
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  const weights = new Float32Array(32);
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 8; j++) {
    let sumX2 = 0;
    for (let l = 0; l < 32; l++) {
      const v = x[at + 32 * j + l] ?? 0;
      sumX2 = f(sumX2 + f(v * v));
    }
    const avX = f(Math.sqrt(f(sumX2 / 32)));
    for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(x[at + 32 * j + l] ?? 0));
    const fit = fitScaleMin(x, at + 32 * j, weights, 15);
    scales[j] = fit.scale;
    mins[j] = fit.min;
    maxScale = Math.max(maxScale, fit.scale);
    maxMin = Math.max(maxMin, f(fit.min));
  }
  const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
  const sc = o + 4;
  out.fill(0, sc, sc + 12);
  for (let j = 0; j < 8; j++) {
    const ls = Math.min(63, nearestInt(f(invScale * (scales[j] ?? 0))));
    const lm = Math.min(63, nearestInt(f(invMin * (mins[j] ?? 0))));
    if (j < 4) {
      out[sc + j] = ls;
      out[sc + j + 4] = lm;
    } else {
      out[sc + j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
      out[sc + j - 4] = (out[sc + j - 4] ?? 0) | ((ls >> 4) << 6);
      out[sc + j] = (out[sc + j] ?? 0) | ((lm >> 4) << 6);
    }
  }
  writeFp16(out, o, f(maxScale / 63));
  writeFp16(out, o + 2, f(maxMin / 63));
  const d = readFp16(out, o);
  const dmin = readFp16(out, o + 2);
  const codes = new Uint8Array(256);
  for (let j = 0; j < 8; j++) {
    const { sc: s, m } = q4kScaleMin(out, sc, j);
    const dj = f(d * s);
    if (dj === 0) continue;
    const dm = f(dmin * m);
    for (let i = 0; i < 32; i++) {
      const l = nearestInt(f(f((x[at + 32 * j + i] ?? 0) + dm) / dj));
      codes[32 * j + i] = Math.max(0, Math.min(15, l));
    }
  }
  for (let j = 0; j < 256; j += 64)
    for (let l = 0; l < 32; l++)
      out[o + 16 + j / 2 + l] = (codes[j + l] ?? 0) | ((codes[j + l + 32] ?? 0) << 4);
}

const QUANTIZERS: Record<GgmlBlockType, (x: Float32Array, at: number, out: Uint8Array, o: number) => void> = {
  Q8_0: quantizeQ8_0Block,
  Q4_0: quantizeQ4_0Block,
  Q4_K: quantizeQ4_KBlock,
};

/** Bytes of `elements` values in whole blocks (the last block zero-padded). */
export function ggmlBlockBytes(type: GgmlBlockType, elements: number): number {
  const b = GGML_BLOCKS[type];
  return Math.ceil(elements / b.blockElements) * b.blockBytes;
}

/** Quantizes `values` into consecutive ggml blocks; a short last block is zero-padded. */
export function quantizeGgml(type: GgmlBlockType, values: Float32Array): Uint8Array {
  const b = GGML_BLOCKS[type];
  const blocks = Math.ceil(values.length / b.blockElements);
  const out = new Uint8Array(blocks * b.blockBytes);
  let source = values;
  if (values.length % b.blockElements !== 0) {
    source = new Float32Array(blocks * b.blockElements);
    source.set(values);
  }
  const quantize = QUANTIZERS[type];
  for (let i = 0; i < blocks; i++) quantize(source, i * b.blockElements, out, i * b.blockBytes);
  return out;
}

/** Decodes ggml blocks as ggml's dequantize_row_* does; `elements` trims the padding. */
export function dequantizeGgml(
  type: GgmlBlockType,
  bytes: Uint8Array,
  elements: number,
  out = new Float32Array(elements),
): Float32Array {
  const b = GGML_BLOCKS[type];
  const blocks = Math.ceil(elements / b.blockElements);
  const put = (i: number, v: number): void => {
    if (i < elements) out[i] = v;
  };
  for (let k = 0; k < blocks; k++) {
    const o = k * b.blockBytes;
    const base = k * b.blockElements;
    const d = readFp16(bytes, o);
    if (type === 'Q8_0') {
      for (let j = 0; j < 32; j++) put(base + j, d * (((bytes[o + 2 + j] ?? 0) << 24) >> 24));
    } else if (type === 'Q4_0') {
      for (let j = 0; j < 16; j++) {
        const q = bytes[o + 2 + j] ?? 0;
        put(base + j, d * ((q & 0xf) - 8));
        put(base + j + 16, d * ((q >> 4) - 8));
      }
    } else {
      const dmin = readFp16(bytes, o + 2);
      for (let j = 0; j < 256; j += 64) {
        const a = q4kScaleMin(bytes, o + 4, j / 32);
        const c = q4kScaleMin(bytes, o + 4, j / 32 + 1);
        const d1 = f(d * a.sc);
        const m1 = f(dmin * a.m);
        const d2 = f(d * c.sc);
        const m2 = f(dmin * c.m);
        for (let l = 0; l < 32; l++) {
          const q = bytes[o + 16 + j / 2 + l] ?? 0;
          put(base + j + l, f(f(d1 * (q & 0xf)) - m1));
          put(base + j + l + 32, f(f(d2 * (q >> 4)) - m2));
        }
      }
    }
  }
  return out;
}
