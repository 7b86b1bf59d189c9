/**
 * The quantization schemes of `costwise quant`, each as data: what it stores per tensor (named parts
 * with dtypes and exact byte counts), how it encodes a chunk of values, and whether it needs a first
 * pass over the tensor (per-tensor scales) or the whole matrix with calibration inputs (GPTQ, AWQ).
 * Chunks are consecutive runs of the flattened (row-major) tensor whose length is a multiple of the
 * scheme's alignment, so a tensor of any size streams through in bounded memory.
 */
import { invalidInput } from '../errors.js';
import {
  decodeBf16,
  decodeTable,
  encodeBf16,
  encodeFloat,
  encodeFp16,
  decodeFp16,
  FLOAT_FORMATS,
  type FloatFormat,
} from './float-formats.js';
import { dequantizeGgml, GGML_BLOCKS, quantizeGgml, type GgmlBlockType } from './ggml-blocks.js';
import {
  dequantizeInt4Grouped,
  dequantizeInt8Asymmetric,
  dequantizeInt8Symmetric,
  int4GroupedBytes,
  quantizeInt4Grouped,
  quantizeInt8Asymmetric,
  quantizeInt8Symmetric,
} from './integer.js';
import {
  dequantizeFp4,
  dequantizeMxfp4,
  dequantizeNvfp4,
  MX_BLOCK,
  NVFP4_BLOCK,
  quantizeFp4,
  quantizeMxfp4,
  quantizeNvfp4,
} from './microscaling.js';
import { dequantizeNf4, NF4_BLOCK, NF4_DQ_BLOCK, quantizeNf4 } from './nf4.js';
import type { LayerQuantResult } from './layer-quantizers.js';
import { tensorError, type TensorError } from './metrics.js';
import { dequantizeTernary, quantizeTernary } from './ternary.js';

export const QUANT_SCHEME_IDS = [
  'fp16',
  'bf16',
  'fp8-e4m3',
  'fp8-e5m2',
  'int8',
  'int8-channel',
  'int8-asym',
  'int4-g128',
  'nf4',
  'nf4-dq',
  'fp4',
  'mxfp4',
  'nvfp4',
  'ternary',
  'q8_0',
  'q4_0',
  'q4_k',
  'gptq-4bit',
  'awq-4bit',
] as const;

export type QuantSchemeId = (typeof QUANT_SCHEME_IDS)[number];

export function isQuantSchemeId(id: string): id is QuantSchemeId {
  return (QUANT_SCHEME_IDS as readonly string[]).includes(id);
}

/** safetensors dtype names of the stored parts. */
export type StoredDtype = 'U8' | 'I8' | 'I32' | 'F32' | 'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2';

export interface StoredPart {
  /** '' for the main data (stored under the tensor's own name), else `<name>.<suffix>`. */
  readonly suffix: string;
  readonly dtype: StoredDtype;
  readonly shape: readonly number[];
  readonly bytes: number;
  /** Written once per tensor (a per-tensor scale) instead of chunk by chunk. */
  readonly perTensor: boolean;
}

/** Per-tensor statistics from a first pass (for schemes whose scale depends on the whole tensor). */
export interface TensorStats {
  readonly absMax: number;
  readonly absMean: number;
  readonly min: number;
  readonly max: number;
}

export interface StatsAccumulator {
  elements: number;
  absMax: number;
  absSum: number;
  min: number;
  max: number;
}

export function newStatsAccumulator(): StatsAccumulator {
  return { elements: 0, absMax: 0, absSum: 0, min: Infinity, max: -Infinity };
}

export function accumulateStats(acc: StatsAccumulator, values: Float32Array): void {
  let absMax = acc.absMax;
  let absSum = 0;
  let min = acc.min;
  let max = acc.max;
  for (const v of values) {
    const a = Math.abs(v);
    if (a > absMax) absMax = a;
    absSum += a;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  acc.elements += values.length;
  acc.absMax = absMax;
  acc.absSum += absSum;
  acc.min = min;
  acc.max = max;
}

export function finishStats(acc: Readonly<StatsAccumulator>): TensorStats {
  return {
    absMax: acc.absMax,
    absMean: acc.elements > 0 ? acc.absSum / acc.elements : 0,
    min: acc.elements > 0 ? acc.min : 0,
    max: acc.elements > 0 ? acc.max : 0,
  };
}

export interface EncodeOptions {
  /** FP8: scale the tensor's absmax to the format's largest value (default true); false casts directly. */
  readonly scaleToMax?: boolean;
  /** FP8 casts: overflow saturates to ±max (default true) or becomes inf/NaN. */
  readonly saturate?: boolean;
  /** GPTQ act-order: the stored form adds each column's group index (g_idx). */
  readonly actOrder?: boolean;
}

export interface EncodedChunk {
  /** What the stored bytes decode to, in the chunk's order. */
  readonly decoded: Float32Array;
  /** One byte run per chunk part, in `parts()` order (per-tensor parts excluded). */
  readonly parts: readonly Uint8Array[];
}

export interface QuantScheme {
  readonly id: QuantSchemeId;
  readonly name: string;
  /** Stored bits per weight of a large tensor (scales and zeros included), as in the memory planner. */
  readonly nominalBitsPerWeight: number;
  /** The memory planner's precision id with the same storage, if it has one. */
  readonly plannerPrecision: string | null;
  /** GGUF tensor type id (ggml_type) when the scheme is a ggml block type or plain F16/BF16. */
  readonly ggmlType: number | null;
  /** Needs a first pass over the tensor (absmax, absmean, range). */
  readonly needsStats: boolean;
  /** Works on a whole 2-D matrix with calibration inputs (GPTQ, AWQ): not chunked. */
  readonly layerWise: boolean;
  /** Chunk lengths must be multiples of this many elements (per-row schemes: of the row length). */
  chunkAlignment(shape: readonly number[]): number;
  /** What is stored for a tensor of this shape; the bytes sum to its stored size. */
  parts(shape: readonly number[], options?: EncodeOptions): readonly StoredPart[];
  /** Bytes of the per-tensor parts, given the stats. */
  tensorParts(stats: TensorStats, options?: EncodeOptions): readonly Uint8Array[];
  encodeChunk(
    values: Float32Array,
    shape: readonly number[],
    stats: TensorStats | null,
    options?: EncodeOptions,
  ): EncodedChunk;
}

export function elementsOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** In-features of a weight: the last dimension (1 for a scalar). */
export function rowLengthOf(shape: readonly number[]): number {
  return shape[shape.length - 1] ?? 1;
}

const f32Bytes = (values: readonly number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
const part = (
  suffix: string,
  dtype: StoredDtype,
  shape: readonly number[],
  bytes: number,
  perTensor = false,
): StoredPart => ({ suffix, dtype, shape, bytes, perTensor });
const bytesOf = (a: Int8Array | Uint8Array | Float32Array | Uint16Array | Int32Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const needStats = (stats: TensorStats | null, id: string): TensorStats => {
  if (!stats) throw invalidInput('stats', `${id} needs the tensor's statistics from a first pass`);
  return stats;
};

function halfScheme(id: 'fp16' | 'bf16'): QuantScheme {
  const encode = id === 'fp16' ? encodeFp16 : encodeBf16;
  const decode = id === 'fp16' ? decodeFp16 : decodeBf16;
  return {
    id,
    name: id === 'fp16' ? 'IEEE binary16, round to nearest even' : 'bfloat16, round to nearest even',
    nominalBitsPerWeight: 16,
    plannerPrecision: id,
    ggmlType: id === 'fp16' ? 1 : 30,
    needsStats: false,
    layerWise: false,
    chunkAlignment: () => 1,
    parts: (shape) => [part('', id === 'fp16' ? 'F16' : 'BF16', shape, 2 * elementsOf(shape))],
    tensorParts: () => [],
    encodeChunk(values) {
      const bits = new Uint16Array(values.length);
      const decoded = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const b = encode(values[i] ?? 0);
        bits[i] = b;
        decoded[i] = decode(b);
      }
      return { decoded, parts: [bytesOf(bits)] };
    },
  };
}

function fp8Scheme(id: 'fp8-e4m3' | 'fp8-e5m2'): QuantScheme {
  const fmt: FloatFormat = id === 'fp8-e4m3' ? FLOAT_FORMATS.e4m3 : FLOAT_FORMATS.e5m2;
  const table = decodeTable(fmt);
  const scaleOf = (stats: TensorStats | null, o: EncodeOptions | undefined): number =>
    o?.scaleToMax === false ? 1 : Math.fround(needStats(stats, id).absMax / fmt.maxFinite) || 1;
  return {
    id,
    name: `FP8 ${fmt.id.toUpperCase()}, per-tensor absmax scale to ${fmt.maxFinite}, round to nearest even`,
    nominalBitsPerWeight: 8,
    plannerPrecision: id === 'fp8-e4m3' ? 'fp8' : null,
    ggmlType: null,
    needsStats: true,
    layerWise: false,
    chunkAlignment: () => 1,
    parts: (shape, o) => [
      part('', id === 'fp8-e4m3' ? 'F8_E4M3' : 'F8_E5M2', shape, elementsOf(shape)),
      ...(o?.scaleToMax === false ? [] : [part('scale', 'F32', [1], 4, true)]),
    ],
    tensorParts: (stats, o) => (o?.scaleToMax === false ? [] : [f32Bytes([scaleOf(stats, o)])]),
    encodeChunk(values, _shape, stats, o) {
      const scale = scaleOf(stats, o);
      const saturate = o?.saturate ?? true;
      const codes = new Uint8Array(values.length);
      const decoded = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const c = encodeFloat(fmt, (values[i] ?? 0) / scale, saturate);
        codes[i] = c;
        decoded[i] = (table[c] ?? 0) * scale;
      }
      return { decoded, parts: [codes] };
    },
  };
}

const int8: QuantScheme = {
  id: 'int8',
  name: 'INT8 symmetric, one fp32 scale per tensor (absmax / 127)',
  nominalBitsPerWeight: 8,
  plannerPrecision: null,
  ggmlType: null,
  needsStats: true,
  layerWise: false,
  chunkAlignment: () => 1,
  parts: (shape) => [part('', 'I8', shape, elementsOf(shape)), part('scale', 'F32', [1], 4, true)],
  tensorParts: (stats) => [f32Bytes([Math.fround(stats.absMax / 127)])],
  encodeChunk(values, _shape, stats) {
    const q = quantizeInt8Symmetric(values, values.length, needStats(stats, 'int8').absMax);
    return { decoded: dequantizeInt8Symmetric(q), parts: [bytesOf(q.codes)] };
  },
};

const int8Channel: QuantScheme = {
  id: 'int8-channel',
  name: 'INT8 symmetric, one fp32 scale per output channel (row)',
  nominalBitsPerWeight: 8,
  plannerPrecision: 'int8',
  ggmlType: null,
  needsStats: false,
  layerWise: false,
  chunkAlignment: rowLengthOf,
  parts: (shape) => {
    const rows = elementsOf(shape) / rowLengthOf(shape);
    return [part('', 'I8', shape, elementsOf(shape)), part('scale', 'F32', [rows], 4 * rows)];
  },
  tensorParts: () => [],
  encodeChunk(values, shape) {
    const q = quantizeInt8Symmetric(values, rowLengthOf(shape));
    return { decoded: dequantizeInt8Symmetric(q), parts: [bytesOf(q.codes), bytesOf(q.scales)] };
  },
};

const int8Asym: QuantScheme = {
  id: 'int8-asym',
  name: 'INT8 asymmetric, fp32 scale and 8-bit zero point per tensor',
  nominalBitsPerWeight: 8,
  plannerPrecision: null,
  ggmlType: null,
  needsStats: true,
  layerWise: false,
  chunkAlignment: () => 1,
  parts: (shape) => [
    part('', 'U8', shape, elementsOf(shape)),
    part('scale', 'F32', [1], 4, true),
    part('zero', 'U8', [1], 1, true),
  ],
  tensorParts(stats) {
    const q = quantizeInt8Asymmetric(new Float32Array(0), stats);
    return [f32Bytes([q.scale]), Uint8Array.of(q.zeroPoint)];
  },
  encodeChunk(values, _shape, stats) {
    const q = quantizeInt8Asymmetric(values, needStats(stats, 'int8-asym'));
    return { decoded: dequantizeInt8Asymmetric(q), parts: [q.codes] };
  },
};

export const INT4_GROUP = 128;

/** Parts of grouped INT4 (also GPTQ/AWQ): packed codes, fp16 scales, packed 4-bit zeros. */
function int4Parts(shape: readonly number[]): StoredPart[] {
  const n = elementsOf(shape);
  const groups = Math.ceil(n / INT4_GROUP);
  return [
    part('qweight', 'U8', [Math.ceil(n / 2)], Math.ceil(n / 2)),
    part('scales', 'F16', [groups], 2 * groups),
    part('qzeros', 'U8', [Math.ceil(groups / 2)], Math.ceil(groups / 2)),
  ];
}

function int4Encoded(values: Float32Array): EncodedChunk {
  const q = quantizeInt4Grouped(values, INT4_GROUP);
  const scales = new Uint16Array(q.scales.length);
  for (let i = 0; i < scales.length; i++) scales[i] = encodeFp16(q.scales[i] ?? 0);
  return { decoded: dequantizeInt4Grouped(q), parts: [q.packed, bytesOf(scales), q.zeros] };
}

const int4g128: QuantScheme = {
  id: 'int4-g128',
  name: 'INT4 asymmetric, group 128 (fp16 scale + 4-bit zero), packed',
  nominalBitsPerWeight: (8 * int4GroupedBytes(INT4_GROUP * 2, INT4_GROUP)) / (INT4_GROUP * 2),
  plannerPrecision: 'int4',
  ggmlType: null,
  needsStats: false,
  layerWise: false,
  // Two groups per chunk step keep the packed zero nibbles byte-aligned.
  chunkAlignment: () => 2 * INT4_GROUP,
  parts: int4Parts,
  tensorParts: () => [],
  encodeChunk: (values) => int4Encoded(values),
};

function nf4Scheme(id: 'nf4' | 'nf4-dq'): QuantScheme {
  const dq = id === 'nf4-dq';
  return {
    id,
    name: dq
      ? 'NF4, block 64, double quantization (8-bit absmax, fp32 per 256)'
      : 'NF4, block 64, fp32 absmax',
    nominalBitsPerWeight: dq ? 4 + 8 / NF4_BLOCK + 32 / (NF4_BLOCK * NF4_DQ_BLOCK) : 4 + 32 / NF4_BLOCK,
    plannerPrecision: dq ? 'nf4' : 'nf4-single',
    ggmlType: null,
    needsStats: false,
    layerWise: false,
    chunkAlignment: () => (dq ? NF4_BLOCK * NF4_DQ_BLOCK : NF4_BLOCK),
    parts(shape) {
      const n = elementsOf(shape);
      const blocks = Math.ceil(n / NF4_BLOCK);
      const packed = part('qweight', 'U8', [Math.ceil(n / 2)], Math.ceil(n / 2));
      if (!dq) return [packed, part('absmax', 'F32', [blocks], 4 * blocks)];
      const groups = Math.ceil(blocks / NF4_DQ_BLOCK);
      return [
        packed,
        part('absmax_codes', 'U8', [blocks], blocks),
        part('absmax_scales', 'F32', [groups], 4 * groups),
      ];
    },
    tensorParts: () => [],
    encodeChunk(values) {
      const q = quantizeNf4(values, dq);
      const decoded = dequantizeNf4(q);
      if (!q.doubleQuant) return { decoded, parts: [q.packed, bytesOf(q.absmax)] };
      return { decoded, parts: [q.packed, q.doubleQuant.codes, bytesOf(q.doubleQuant.scales)] };
    },
  };
}

const fp4: QuantScheme = {
  id: 'fp4',
  name: 'FP4 E2M1, one fp32 scale per tensor (absmax to 6)',
  nominalBitsPerWeight: 4,
  plannerPrecision: null,
  ggmlType: null,
  needsStats: true,
  layerWise: false,
  chunkAlignment: () => 2,
  parts: (shape) => {
    const n = elementsOf(shape);
    return [part('qweight', 'U8', [Math.ceil(n / 2)], Math.ceil(n / 2)), part('scale', 'F32', [1], 4, true)];
  },
  tensorParts: (stats) => [f32Bytes([quantizeFp4(new Float32Array(0), stats.absMax).scale])],
  encodeChunk(values, _shape, stats) {
    const q = quantizeFp4(values, needStats(stats, 'fp4').absMax);
    return { decoded: dequantizeFp4(q), parts: [q.packed] };
  },
};

const mxfp4: QuantScheme = {
  id: 'mxfp4',
  name: 'MXFP4: E2M1 with an E8M0 scale per 32 values (OCP MX)',
  nominalBitsPerWeight: 4 + 8 / MX_BLOCK,
  plannerPrecision: 'fp4',
  ggmlType: null,
  needsStats: false,
  layerWise: false,
  chunkAlignment: () => MX_BLOCK,
  parts: (shape) => {
    const n = elementsOf(shape);
    const blocks = Math.ceil(n / MX_BLOCK);
    return [
      part('qweight', 'U8', [Math.ceil(n / 2)], Math.ceil(n / 2)),
      part('scales', 'U8', [blocks], blocks),
    ];
  },
  tensorParts: () => [],
  encodeChunk(values) {
    const q = quantizeMxfp4(values);
    return { decoded: dequantizeMxfp4(q), parts: [q.packed, q.scales] };
  },
};

const nvfp4: QuantScheme = {
  id: 'nvfp4',
  name: 'NVFP4: E2M1 with an E4M3 scale per 16 values and an fp32 tensor scale',
  nominalBitsPerWeight: 4 + 8 / NVFP4_BLOCK,
  plannerPrecision: 'nvfp4',
  ggmlType: null,
  needsStats: true,
  layerWise: false,
  chunkAlignment: () => NVFP4_BLOCK,
  parts: (shape) => {
    const n = elementsOf(shape);
    const blocks = Math.ceil(n / NVFP4_BLOCK);
    return [
      part('qweight', 'U8', [Math.ceil(n / 2)], Math.ceil(n / 2)),
      part('scales', 'F8_E4M3', [blocks], blocks),
      part('tensor_scale', 'F32', [1], 4, true),
    ];
  },
  tensorParts: (stats) => [f32Bytes([quantizeNvfp4(new Float32Array(0), stats.absMax).tensorScale])],
  encodeChunk(values, _shape, stats) {
    const q = quantizeNvfp4(values, needStats(stats, 'nvfp4').absMax);
    return { decoded: dequantizeNvfp4(q), parts: [q.packed, q.scales] };
  },
};

const ternary: QuantScheme = {
  id: 'ternary',
  name: 'Ternary {−1, 0, 1} × absmean (BitNet b1.58), 2-bit packed',
  nominalBitsPerWeight: 2,
  plannerPrecision: 'ternary',
  ggmlType: null,
  needsStats: true,
  layerWise: false,
  chunkAlignment: () => 4,
  parts: (shape) => {
    const n = elementsOf(shape);
    return [part('qweight', 'U8', [Math.ceil(n / 4)], Math.ceil(n / 4)), part('scale', 'F32', [1], 4, true)];
  },
  tensorParts: (stats) => [f32Bytes([Math.fround(stats.absMean)])],
  encodeChunk(values, _shape, stats) {
    const q = quantizeTernary(values, needStats(stats, 'ternary').absMean);
    return { decoded: dequantizeTernary(q), parts: [q.packed] };
  },
};

function ggmlScheme(id: 'q8_0' | 'q4_0' | 'q4_k'): QuantScheme {
  const type = id.toUpperCase() as GgmlBlockType;
  const layout = GGML_BLOCKS[type];
  return {
    id,
    name: `GGUF ${type}: ${layout.blockBytes} bytes per block of ${layout.blockElements}`,
    nominalBitsPerWeight: (8 * layout.blockBytes) / layout.blockElements,
    plannerPrecision: `gguf:${type}`,
    ggmlType: layout.ggmlType,
    needsStats: false,
    layerWise: false,
    chunkAlignment: () => layout.blockElements,
    parts: (shape) => {
      const bytes = Math.ceil(elementsOf(shape) / layout.blockElements) * layout.blockBytes;
      return [part('', 'U8', [bytes], bytes)];
    },
    tensorParts: () => [],
    encodeChunk(values) {
      const bytes = quantizeGgml(type, values);
      return { decoded: dequantizeGgml(type, bytes, values.length), parts: [bytes] };
    },
  };
}

/**
 * Stored parts of a GPTQ/AWQ layer [out, in]: packed codes, fp16 scales and packed 4-bit zeros per
 * row and group of 128 input features, plus g_idx (int32 per input feature) for GPTQ act-order and
 * AWQ's fp32 per-input-channel scales (which a runtime folds into the preceding operation).
 */
function layerParts(id: 'gptq-4bit' | 'awq-4bit', shape: readonly number[], o?: EncodeOptions): StoredPart[] {
  const inF = rowLengthOf(shape);
  const rows = elementsOf(shape) / inF;
  const groups = Math.ceil(inF / INT4_GROUP);
  const n = rows * inF;
  const parts = [
    part('qweight', 'U8', [Math.ceil(n / 2)], Math.ceil(n / 2)),
    part('scales', 'F16', [rows, groups], 2 * rows * groups),
    part('qzeros', 'U8', [Math.ceil((rows * groups) / 2)], Math.ceil((rows * groups) / 2)),
  ];
  if (id === 'gptq-4bit' && o?.actOrder) parts.push(part('g_idx', 'I32', [inF], 4 * inF));
  if (id === 'awq-4bit') parts.push(part('input_scales', 'F32', [inF], 4 * inF));
  return parts;
}

const packNibbles = (values: Uint8Array): Uint8Array => {
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++)
    packed[i >> 1] = (packed[i >> 1] ?? 0) | ((values[i] ?? 0) << ((i & 1) * 4));
  return packed;
};

/** The bytes of a GPTQ/AWQ result in `parts()` order. */
export function encodeLayerParts(id: 'gptq-4bit' | 'awq-4bit', r: LayerQuantResult): Uint8Array[] {
  const scales = Uint16Array.from(r.scales, (v) => encodeFp16(v));
  const parts = [packNibbles(r.codes), bytesOf(scales), packNibbles(r.zeros)];
  if (id === 'gptq-4bit' && r.groupIndex) parts.push(bytesOf(r.groupIndex));
  if (id === 'awq-4bit' && r.awq) parts.push(bytesOf(r.awq.scales));
  return parts;
}

function layerScheme(id: 'gptq-4bit' | 'awq-4bit'): QuantScheme {
  return {
    id,
    name:
      id === 'gptq-4bit'
        ? 'GPTQ 4-bit, group 128 (Hessian from calibration inputs)'
        : 'AWQ 4-bit, group 128 (activation-aware channel scales)',
    nominalBitsPerWeight: int4g128.nominalBitsPerWeight,
    plannerPrecision: 'int4',
    ggmlType: null,
    needsStats: false,
    layerWise: true,
    chunkAlignment: elementsOf,
    parts: (shape, o) => layerParts(id, shape, o),
    tensorParts: () => [],
    encodeChunk() {
      throw invalidInput(
        'scheme',
        `${id} quantizes a whole layer with calibration inputs: use quantizeLayerGptq or quantizeLayerAwq`,
      );
    },
  };
}

export const QUANT_SCHEMES: Readonly<Record<QuantSchemeId, QuantScheme>> = {
  fp16: halfScheme('fp16'),
  bf16: halfScheme('bf16'),
  'fp8-e4m3': fp8Scheme('fp8-e4m3'),
  'fp8-e5m2': fp8Scheme('fp8-e5m2'),
  int8,
  'int8-channel': int8Channel,
  'int8-asym': int8Asym,
  'int4-g128': int4g128,
  nf4: nf4Scheme('nf4'),
  'nf4-dq': nf4Scheme('nf4-dq'),
  fp4,
  mxfp4,
  nvfp4,
  ternary,
  q8_0: ggmlScheme('q8_0'),
  q4_0: ggmlScheme('q4_0'),
  q4_k: ggmlScheme('q4_k'),
  'gptq-4bit': layerScheme('gptq-4bit'),
  'awq-4bit': layerScheme('awq-4bit'),
};

/** Exact stored bytes of a tensor under a scheme: data + scales + zeros. */
export function storedBytes(scheme: QuantScheme, shape: readonly number[], options?: EncodeOptions): number {
  return scheme.parts(shape, options).reduce((a, p) => a + p.bytes, 0);
}

/** Elements per chunk: about `targetElements`, a multiple of the scheme's alignment, at most the tensor. */
export function chunkElements(
  scheme: QuantScheme,
  shape: readonly number[],
  targetElements = 1 << 20,
): number {
  const n = elementsOf(shape);
  const align = Math.max(1, scheme.chunkAlignment(shape));
  return Math.min(n, Math.max(align, Math.floor(targetElements / align) * align));
}

export interface QuantizedTensor extends EncodedChunk {
  readonly storedBytes: number;
  readonly bitsPerWeight: number;
  readonly error: TensorError;
}

/** Quantizes a whole tensor held in memory (chunk by chunk, as a file would stream). */
export function quantizeTensor(
  schemeId: QuantSchemeId,
  values: Float32Array,
  shape: readonly number[] = [values.length],
  options?: EncodeOptions,
): QuantizedTensor {
  const scheme = QUANT_SCHEMES[schemeId];
  if (elementsOf(shape) !== values.length)
    throw invalidInput('shape', `[${shape.join(', ')}] does not hold ${values.length} values`);
  let stats: TensorStats | null = null;
  if (scheme.needsStats) {
    const acc = newStatsAccumulator();
    accumulateStats(acc, values);
    stats = finishStats(acc);
  }
  const step = chunkElements(scheme, shape);
  const decoded = new Float32Array(values.length);
  const chunkParts: Uint8Array[][] = [];
  for (let start = 0; start < values.length; start += step) {
    const c = scheme.encodeChunk(values.subarray(start, start + step), shape, stats, options);
    decoded.set(c.decoded, start);
    chunkParts.push([...c.parts]);
  }
  const perTensor = stats ? scheme.tensorParts(stats, options) : [];
  let chunkIndex = 0;
  let tensorIndex = 0;
  const parts = scheme.parts(shape, options).map((p) => {
    if (p.perTensor) return perTensor[tensorIndex++] ?? new Uint8Array(0);
    const i = chunkIndex++;
    return concatBytes(chunkParts.map((c) => c[i] ?? new Uint8Array(0)));
  });
  const bytes = storedBytes(scheme, shape, options);
  return {
    decoded,
    parts,
    storedBytes: bytes,
    bitsPerWeight: values.length > 0 ? (8 * bytes) / values.length : 0,
    error: tensorError(values, decoded),
  };
}

export function concatBytes(runs: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(runs.reduce((a, r) => a + r.length, 0));
  let at = 0;
  for (const r of runs) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}
