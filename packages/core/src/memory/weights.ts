import {
  findGgmlType,
  ggmlTensorBytes,
  type PrecisionSpec,
  type ResolvedPrecision,
} from '../catalog/index.js';
import { groupElements, numel, type TensorGroup, type TensorInfo } from '../arch/index.js';

/** Bytes per element of a 16-bit tensor (bf16/fp16). */
export const BYTES_16BIT = 2;

/**
 * Exact stored bits of one `rows × cols` matrix in a grouped format: every element at `elementBits`,
 * plus one scale (and zero point) per group of `groupSize` consecutive input features in each row,
 * plus, with double quantization, the 8-bit quantized scales and one fp32 super-scale per
 * `doubleQuant.groupSize` of them; per-row formats carry one scale per row, per-tensor formats one.
 * @see QLoRA §3 (NF4 blocks of 64, double quantization over 256 absmax values); GPTQ/AWQ layouts
 */
export function quantizedMatrixBits(p: PrecisionSpec, rows: number, cols: number): number {
  const elements = rows * cols;
  let bits = elements * p.elementBits;
  if (p.groupSize === 'row') bits += rows * (p.scaleBits + p.zeroPointBits);
  else if (p.groupSize === null) bits += p.scaleBits;
  else if (typeof p.groupSize !== 'number') {
    const [r, c] = p.groupSize;
    bits += Math.ceil(rows / r) * Math.ceil(cols / c) * (p.scaleBits + p.zeroPointBits);
  } else {
    const groups = rows * Math.ceil(cols / p.groupSize);
    if (p.doubleQuant) {
      bits +=
        groups * p.doubleQuant.scaleBits +
        Math.ceil(groups / p.doubleQuant.groupSize) * p.doubleQuant.superScaleBits;
    } else bits += groups * (p.scaleBits + p.zeroPointBits);
  }
  return bits;
}

export interface WeightsBreakdown {
  readonly bytes: number;
  /** Bytes by tensor role (linear, embeddings, lmHead, router, vector). */
  readonly byRole: Readonly<Record<string, number>>;
  readonly bytesPerParam: number;
  readonly quantizedParams: number;
  readonly params16Bit: number;
}

/**
 * Weight bytes of a model under a precision, tensor group by tensor group:
 * - formats of 16 bits or more store every tensor at their width;
 * - a weight-only format stores linear layers (and roles it does not keep) at its exact layout — scales,
 *   zero points and double quantization included — and keeps embeddings, output head, router and
 *   vectors (norms, biases) at 16 bits (memory-notes.md §9);
 * - a GGML block type stores each matrix in whole blocks, vectors at 16 bits;
 * - a GGUF recipe (Q4_K_M, …) mixes types per tensor: its measured file average applies to every
 *   tensor, which makes the result an estimate (`exact: false`).
 */
export function weightsBytes(groups: readonly TensorGroup[], precision: ResolvedPrecision): WeightsBreakdown {
  const byRole: Record<string, number> = {};
  let quantizedParams = 0;
  let params16Bit = 0;
  let total = 0;
  const wide = precision.bitsPerWeight >= 16;
  const recipe = precision.spec === null && precision.ggml === null;
  for (const t of groups) {
    const elements = groupElements(t);
    let bytes: number;
    if (wide || recipe) {
      bytes = (elements * precision.bitsPerWeight) / 8;
      if (precision.bitsPerWeight === 16) params16Bit += elements;
      else quantizedParams += elements;
    } else if (t.role === 'vector' || precision.keptIn16Bit.includes(t.role)) {
      bytes = elements * BYTES_16BIT;
      params16Bit += elements;
    } else {
      bytes = precision.ggml
        ? ggmlTensorBytes(precision.ggml, t.rows * t.cols) * t.count
        : Math.ceil(
            (precision.spec
              ? quantizedMatrixBits(precision.spec, t.rows, t.cols)
              : elements * precision.bitsPerWeight) / 8,
          ) * t.count;
      quantizedParams += elements;
    }
    byRole[t.role] = (byRole[t.role] ?? 0) + bytes;
    total += bytes;
  }
  const params = groups.reduce((s, t) => s + groupElements(t), 0);
  return { bytes: Math.ceil(total), byRole, bytesPerParam: total / params, quantizedParams, params16Bit };
}

/** Exact bytes of the tensors listed in a GGUF header, from each tensor's own GGML type. */
export function ggufWeightsBytes(tensors: readonly TensorInfo[]): {
  readonly bytes: number;
  readonly byType: Readonly<Record<string, number>>;
} {
  const byType: Record<string, number> = {};
  let bytes = 0;
  for (const t of tensors) {
    const type = findGgmlType(t.dtype);
    const b = type ? ggmlTensorBytes(type, numel(t.shape)) : numel(t.shape) * BYTES_16BIT;
    byType[t.dtype] = (byType[t.dtype] ?? 0) + b;
    bytes += b;
  }
  return { bytes, byType };
}
