/**
 * Weight storage formats with their exact stored bits per weight, scales and zero points included.
 * Sources: QLoRA paper §3 (NF4, double quantization), GPTQ/AWQ packed layouts, the OCP Microscaling
 * spec (MXFP4), NVIDIA NVFP4, BitNet b1.58, ggml-org/llama.cpp ggml/src/ggml-common.h (GGUF block
 * layouts) and shared/reference/memory-notes.md §9 (which tensors stay 16-bit).
 */

import type { WeightRole as TensorRole } from '../arch/index.js';

export type { TensorRole };

export interface PrecisionSpec {
  readonly id: string;
  readonly name: string;
  /** Bits of each stored element before scales. */
  readonly elementBits: number;
  /**
   * Elements sharing one scale: a number = consecutive input features of a row; [rows, cols] = a 2-D
   * block; 'row' = one per output row (depends on in_features); null = none or per tensor.
   */
  readonly groupSize: number | readonly [number, number] | 'row' | null;
  readonly scaleBits: number;
  readonly zeroPointBits: number;
  /** Second-level quantization of the scales (NF4 double quantization): bits per scale and its own group. */
  readonly doubleQuant: {
    readonly scaleBits: number;
    readonly groupSize: number;
    readonly superScaleBits: number;
  } | null;
  /** Exact stored bits per weight (for 'row' groups: element bits only; see storedBitsPerWeight). */
  readonly bitsPerWeight: number;
  /** Roles kept at 16 bits when this format quantizes a model's linear layers. */
  readonly keptIn16Bit: readonly TensorRole[];
  readonly source: string;
}

function bpw(p: Omit<PrecisionSpec, 'bitsPerWeight'>): PrecisionSpec {
  let bits = p.elementBits;
  if (Array.isArray(p.groupSize)) {
    const [r, c] = p.groupSize as readonly [number, number];
    bits += (p.scaleBits + p.zeroPointBits) / (r * c);
  } else if (typeof p.groupSize === 'number') {
    bits += (p.scaleBits + p.zeroPointBits) / p.groupSize;
    if (p.doubleQuant) {
      // The per-group fp32 absmax becomes an 8-bit code plus one fp32 scale per `groupSize` codes.
      bits += (p.doubleQuant.scaleBits - p.scaleBits) / p.groupSize;
      bits += p.doubleQuant.superScaleBits / (p.groupSize * p.doubleQuant.groupSize);
    }
  }
  return { ...p, bitsPerWeight: bits };
}

const QUANTIZED_KEEP: readonly TensorRole[] = ['embeddings', 'lmHead', 'vector', 'router'];

export const PRECISIONS = {
  fp32: bpw({
    id: 'fp32',
    name: 'FP32',
    elementBits: 32,
    groupSize: null,
    scaleBits: 0,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: [],
    source: 'IEEE 754 binary32',
  }),
  fp16: bpw({
    id: 'fp16',
    name: 'FP16',
    elementBits: 16,
    groupSize: null,
    scaleBits: 0,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: [],
    source: 'IEEE 754 binary16',
  }),
  bf16: bpw({
    id: 'bf16',
    name: 'BF16',
    elementBits: 16,
    groupSize: null,
    scaleBits: 0,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: [],
    source: 'bfloat16 (8-bit exponent, 7-bit mantissa)',
  }),
  fp8: bpw({
    id: 'fp8',
    name: 'FP8 E4M3 (per-tensor scale)',
    elementBits: 8,
    groupSize: null,
    scaleBits: 32,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'OCP FP8 spec; one fp32 scale per tensor (DeepSeek-V3 style 128×128 blocks: fp8-block)',
  }),
  'fp8-block': bpw({
    id: 'fp8-block',
    name: 'FP8 E4M3, 128×128 block scales',
    elementBits: 8,
    groupSize: [128, 128],
    scaleBits: 32,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'deepseek-ai/DeepSeek-V3 README_WEIGHTS.md (weight_scale_inv per 128×128 block)',
  }),
  int8: bpw({
    id: 'int8',
    name: 'INT8 per-channel (W8A8 / LLM.int8)',
    elementBits: 8,
    groupSize: 'row',
    scaleBits: 32,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'LLM.int8 paper (fp32 scale per row); memory-notes.md §9',
  }),
  int4: bpw({
    id: 'int4',
    name: 'INT4 group 128 (GPTQ/AWQ)',
    elementBits: 4,
    groupSize: 128,
    scaleBits: 16,
    zeroPointBits: 4,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'GPTQ/AWQ packed layout: fp16 scale + packed 4-bit zero per group of 128 (memory-notes.md §9)',
  }),
  nf4: bpw({
    id: 'nf4',
    name: 'NF4, block 64, double quantization',
    elementBits: 4,
    groupSize: 64,
    scaleBits: 32,
    zeroPointBits: 0,
    doubleQuant: { scaleBits: 8, groupSize: 256, superScaleBits: 32 },
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'QLoRA paper (arXiv:2305.14314) §3: 4 + 8/64 + 32/(64·256) bits',
  }),
  'nf4-single': bpw({
    id: 'nf4-single',
    name: 'NF4, block 64, no double quantization',
    elementBits: 4,
    groupSize: 64,
    scaleBits: 32,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'QLoRA paper §3: fp32 absmax per block of 64',
  }),
  fp4: bpw({
    id: 'fp4',
    name: 'MXFP4 (E2M1, E8M0 scale per 32)',
    elementBits: 4,
    groupSize: 32,
    scaleBits: 8,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'OCP Microscaling Formats (MX) v1.0; gpt-oss MoE weights',
  }),
  nvfp4: bpw({
    id: 'nvfp4',
    name: 'NVFP4 (E2M1, FP8 scale per 16)',
    elementBits: 4,
    groupSize: 16,
    scaleBits: 8,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: QUANTIZED_KEEP,
    source: 'NVIDIA NVFP4 (Blackwell): E4M3 scale per 16 values plus an fp32 per-tensor scale',
  }),
  ternary: bpw({
    id: 'ternary',
    name: 'Ternary (BitNet b1.58), 2-bit packed',
    elementBits: 2,
    groupSize: null,
    scaleBits: 0,
    zeroPointBits: 0,
    doubleQuant: null,
    keptIn16Bit: ['embeddings', 'lmHead', 'vector'],
    source:
      'BitNet b1.58 (arXiv:2402.17764): {-1, 0, 1} with one absmean scale per tensor, packed 4 per byte (log2 3 = 1.585 bits is the entropy bound)',
  }),
} as const satisfies Record<string, PrecisionSpec>;

export type PrecisionId = keyof typeof PRECISIONS;

/**
 * Stored bits per weight of a tensor with `inFeatures` columns: for per-row scales, elementBits +
 * scaleBits / inFeatures; otherwise the format's constant.
 */
export function storedBitsPerWeight(p: PrecisionSpec, inFeatures: number): number {
  return p.groupSize === 'row'
    ? p.elementBits + (p.scaleBits + p.zeroPointBits) / inFeatures
    : p.bitsPerWeight;
}

/** A GGML tensor type: `blockElements` weights stored in `blockBytes` bytes. */
export interface GgmlType {
  readonly id: number;
  readonly name: string;
  readonly blockElements: number;
  readonly blockBytes: number;
  readonly bitsPerWeight: number;
}

function ggml(id: number, name: string, blockElements: number, blockBytes: number): GgmlType {
  return { id, name, blockElements, blockBytes, bitsPerWeight: (8 * blockBytes) / blockElements };
}

/** GGML tensor types by id. @see ggml-org/llama.cpp ggml/src/ggml-common.h, ggml.h `enum ggml_type` */
export const GGML_TYPES: readonly GgmlType[] = [
  ggml(0, 'F32', 1, 4),
  ggml(1, 'F16', 1, 2),
  ggml(2, 'Q4_0', 32, 18),
  ggml(3, 'Q4_1', 32, 20),
  ggml(6, 'Q5_0', 32, 22),
  ggml(7, 'Q5_1', 32, 24),
  ggml(8, 'Q8_0', 32, 34),
  ggml(9, 'Q8_1', 32, 36),
  ggml(10, 'Q2_K', 256, 84),
  ggml(11, 'Q3_K', 256, 110),
  ggml(12, 'Q4_K', 256, 144),
  ggml(13, 'Q5_K', 256, 176),
  ggml(14, 'Q6_K', 256, 210),
  ggml(15, 'Q8_K', 256, 292),
  ggml(16, 'IQ2_XXS', 256, 66),
  ggml(17, 'IQ2_XS', 256, 74),
  ggml(18, 'IQ3_XXS', 256, 98),
  ggml(19, 'IQ1_S', 256, 50),
  ggml(20, 'IQ4_NL', 32, 18),
  ggml(21, 'IQ3_S', 256, 110),
  ggml(22, 'IQ2_S', 256, 82),
  ggml(23, 'IQ4_XS', 256, 136),
  ggml(24, 'I8', 1, 1),
  ggml(25, 'I16', 1, 2),
  ggml(26, 'I32', 1, 4),
  ggml(27, 'I64', 1, 8),
  ggml(28, 'F64', 1, 8),
  ggml(29, 'IQ1_M', 256, 56),
  ggml(30, 'BF16', 1, 2),
  ggml(34, 'TQ1_0', 256, 54),
  ggml(35, 'TQ2_0', 256, 66),
  ggml(39, 'MXFP4', 32, 17),
];

export function findGgmlType(nameOrId: string | number): GgmlType | undefined {
  return GGML_TYPES.find((t) =>
    typeof nameOrId === 'number' ? t.id === nameOrId : t.name === nameOrId.toUpperCase(),
  );
}

/**
 * GGUF file recipes (`llama-quantize` presets) mix types per tensor, so their average bits per weight
 * is a measured figure, not a block size: these are Llama-3.1-8B's.
 * @see ggml-org/llama.cpp tools/quantize/README.md (table for Llama-3.1-8B); memory-notes.md §7
 */
export const GGUF_RECIPES = {
  Q4_K_M: { bitsPerWeight: 4.8944, measuredOn: 'Llama-3.1-8B' },
  Q5_K_M: { bitsPerWeight: 5.7036, measuredOn: 'Llama-3.1-8B' },
  Q6_K: { bitsPerWeight: 6.5633, measuredOn: 'Llama-3.1-8B' },
  Q8_0: { bitsPerWeight: 8.5008, measuredOn: 'Llama-3.1-8B' },
  F16: { bitsPerWeight: 16.0005, measuredOn: 'Llama-3.1-8B' },
} as const;

/** Exact bytes of a GGML tensor: whole blocks only (a row is a multiple of the block size in valid files). */
export function ggmlTensorBytes(type: GgmlType, elements: number): number {
  return Math.ceil(elements / type.blockElements) * type.blockBytes;
}

export interface ResolvedPrecision {
  /** As the user wrote it: `nf4`, `gguf:Q4_K`, `gguf:Q4_K_M`. */
  readonly id: string;
  readonly name: string;
  readonly bitsPerWeight: number;
  /** False for GGUF recipes, whose per-tensor type mix makes the average a measurement. */
  readonly exact: boolean;
  readonly keptIn16Bit: readonly TensorRole[];
  readonly source: string;
  /** The format's layout for exact per-matrix bytes (base formats). */
  readonly spec: PrecisionSpec | null;
  /** The GGML block type (gguf:<TYPE>). */
  readonly ggml: GgmlType | null;
}

function isPrecisionId(id: string): id is PrecisionId {
  return Object.hasOwn(PRECISIONS, id);
}

function isRecipe(id: string): id is keyof typeof GGUF_RECIPES {
  return Object.hasOwn(GGUF_RECIPES, id);
}

/**
 * Resolves a precision id as PRODUCT.md names them: a base format (`bf16`, `int4`, `nf4`, …), a GGML
 * block type (`gguf:Q4_K`: exact block bits) or a llama-quantize recipe (`gguf:Q4_K_M`: its measured
 * file average). Undefined when unknown.
 */
export function resolvePrecision(id: string): ResolvedPrecision | undefined {
  const key = id.trim();
  const lower = key.toLowerCase();
  if (isPrecisionId(lower)) {
    const p = PRECISIONS[lower];
    return {
      id: lower,
      name: p.name,
      bitsPerWeight: p.bitsPerWeight,
      exact: true,
      keptIn16Bit: p.keptIn16Bit,
      source: p.source,
      spec: p,
      ggml: null,
    };
  }
  if (!lower.startsWith('gguf:')) return undefined;
  const type = key.slice(5).toUpperCase();
  // A name that is both a block type and a recipe (Q8_0, Q6_K, F16) resolves to the exact block type.
  const t = findGgmlType(type);
  if (t) {
    return {
      id: `gguf:${t.name}`,
      name: `GGML ${t.name}`,
      bitsPerWeight: t.bitsPerWeight,
      exact: true,
      keptIn16Bit: [],
      source: `ggml-common.h: ${t.blockBytes} bytes per block of ${t.blockElements}`,
      spec: null,
      ggml: t,
    };
  }
  if (!isRecipe(type)) return undefined;
  const r = GGUF_RECIPES[type];
  return {
    id: `gguf:${type}`,
    name: `GGUF ${type} (recipe)`,
    bitsPerWeight: r.bitsPerWeight,
    exact: false,
    keptIn16Bit: [],
    source: `llama.cpp tools/quantize/README.md: measured file average on ${r.measuredOn}`,
    spec: null,
    ggml: null,
  };
}
