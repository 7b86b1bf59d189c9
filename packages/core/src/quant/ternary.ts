/**
 * Ternary weights (BitNet b1.58): W̃ = clamp(rne(W / (γ + ε)), −1, 1) with γ = mean |W| over the
 * tensor, stored as 2-bit codes packed four per byte plus one fp32 γ.
 * @see Ma et al., "The Era of 1-bit LLMs" (arXiv:2402.17764) Eq. 1–3 (absmean quantization)
 */
import { roundHalfEven } from './float-formats.js';

/** ε of the absmean quantizer. */
export const TERNARY_EPSILON = 1e-5;

export interface TernaryTensor {
  /** 2-bit codes (0 → 0, 1 → +1, 2 → −1), element 4i in the lowest two bits. */
  readonly packed: Uint8Array;
  readonly scale: number;
  readonly length: number;
}

/** `absMean` = mean |W| over the whole tensor (a first pass when streaming). */
export function quantizeTernary(values: Float32Array, absMean: number): TernaryTensor {
  const scale = Math.fround(absMean);
  const inv = 1 / (absMean + TERNARY_EPSILON);
  const packed = new Uint8Array(Math.ceil(values.length / 4));
  for (let i = 0; i < values.length; i++) {
    const t = Math.max(-1, Math.min(1, roundHalfEven((values[i] ?? 0) * inv)));
    const code = t === 0 ? 0 : t > 0 ? 1 : 2;
    packed[i >> 2] = (packed[i >> 2] ?? 0) | (code << ((i & 3) * 2));
  }
  return { packed, scale, length: values.length };
}

export function dequantizeTernary(q: TernaryTensor, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) {
    const code = ((q.packed[i >> 2] ?? 0) >> ((i & 3) * 2)) & 3;
    out[i] = code === 0 ? 0 : code === 1 ? q.scale : -q.scale;
  }
  return out;
}
