import { invalidInput } from '../errors.js';
import type { Component } from './params.js';

/** One stored tensor, as a safetensors or GGUF header lists it. */
export interface TensorInfo {
  readonly name: string;
  /** safetensors dtype (`BF16`, `F8_E4M3`, `U8`, …) or GGML type name (`Q4_K`, `F16`, …). */
  readonly dtype: string;
  readonly shape: readonly number[];
}

/** Where a tensor goes: a parameter component, the MTP modules, a multimodal part, or quantization metadata. */
export type TensorClass = Component | 'mtp' | 'vision' | 'projector' | 'quantization' | 'buffer' | 'other';

const ATTENTION = new Set(['self_attn', 'attn', 'attention', 'self_attention', 'mixer_attn']);
const SSM = new Set(['mixer', 'mamba', 'ssm']);
const FFN = new Set(['mlp', 'feed_forward', 'ffn', 'block_sparse_moe']);
const VISION = /^(model\.)?(vision_tower|vision_model|visual|vision_encoder|vision)\b|^v\./;
const PROJECTOR = /^(model\.)?(multi_modal_projector|mm_projector|mm\.)/;
const QUANT_METADATA =
  /(_scale_inv|\.weight_scale|\.input_scale|\.scales|_scales|\.qzeros|\.g_idx|\.weight_zero_point|\.absmax|\.quant_map|\.nested_absmax|\.nested_quant_map|\.quant_state\..*)$/;

/** Layer index in `model.layers.12.…`, `blk.12.…`, `transformer.h.12.…`, `backbone.layers.12.…`; null outside layers. */
export function layerIndexOf(name: string): number | null {
  const m = /(?:^|\.)(?:layers|blk|h|blocks|block|layer)\.(\d+)\./.exec(name);
  return m?.[1] !== undefined ? Number(m[1]) : null;
}

/**
 * The component a tensor belongs to, from its name in transformers, mamba_ssm or GGUF naming.
 * `mainLayers`: num_hidden_layers; tensors of layers at or beyond it are MTP modules (DeepSeek-V3).
 */
export function classifyTensor(name: string, mainLayers: number | null): TensorClass {
  if (QUANT_METADATA.test(name)) return 'quantization';
  // Buffers saved beside the weights: RoPE tables, GPT-2's causal masks (`h.N.attn.bias`, [1, 1, n, n]).
  if (/(^|\.)(rotary_emb\.inv_freq|rope_freqs\.weight|rope_freqs|attn\.bias|attn\.masked_bias)$/.test(name)) {
    return 'buffer';
  }
  if (VISION.test(name)) return 'vision';
  if (PROJECTOR.test(name)) return 'projector';
  const layer = layerIndexOf(name);
  if (name.includes('nextn') || (layer !== null && mainLayers !== null && layer >= mainLayers)) return 'mtp';
  const parts = name.split('.');
  if (layer !== null) {
    const g = ggufLayerClass(parts);
    if (g) return g;
    if (parts.some((p) => ATTENTION.has(p))) return 'attention';
    if (parts.some((p) => SSM.has(p))) return 'ssm';
    const ffn = parts.findIndex((p) => FFN.has(p));
    if (ffn >= 0) {
      const rest = parts.slice(ffn + 1);
      if (
        rest.some(
          (p) =>
            p === 'shared_expert' ||
            p === 'shared_experts' ||
            p === 'shared_expert_gate' ||
            p === 'shared_mlp',
        )
      ) {
        return 'sharedExperts';
      }
      if (rest[0] === 'experts') return 'experts';
      if (rest[0] === 'gate' || rest[0] === 'router') return 'router';
      return 'mlp';
    }
    if (parts.some((p) => /norm|^ln/.test(p))) return 'norms';
    return 'other';
  }
  if (/(^|\.)(lm_head|embed_out|output)(\.|$)/.test(name)) return 'lmHead';
  if (/(embed_tokens|wte|wpe|word_embeddings|tok_embeddings|token_embd|embeddings?)(\.|$)/.test(name))
    return 'embeddings';
  if (parts.some((p) => /norm|^ln/.test(p))) return 'norms';
  return 'other';
}

/** GGUF tensor names inside a block: blk.N.attn_q, ffn_gate_exps, ffn_up_shexp, ssm_in, … */
function ggufLayerClass(parts: readonly string[]): TensorClass | null {
  if (parts[0] !== 'blk') return null;
  const t = parts[2] ?? '';
  if (/_norm$/.test(t) && !/^attn_(q_a|kv_a|q|k)_norm$/.test(t)) return 'norms';
  if (t.startsWith('attn_')) return 'attention';
  if (t.startsWith('ssm_')) return 'ssm';
  if (t === 'ffn_gate_inp' || t === 'exp_probs_b') return 'router';
  if (t.endsWith('_shexp') || t === 'ffn_gate_inp_shexp') return 'sharedExperts';
  if (t.endsWith('_exps')) return 'experts';
  if (t.startsWith('ffn_')) return 'mlp';
  return 'other';
}

/** Number of elements in a tensor's shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * Parameters a stored tensor holds: its element count, except for packed quantized weights —
 * GPTQ/AWQ `qweight` and compressed-tensors `weight_packed` (int32 holding 32/bits weights),
 * MXFP4 `*_blocks` (two FP4 values per byte; gpt-oss), bitsandbytes 4-bit `weight` (U8, two per byte).
 */
export function tensorParams(t: TensorInfo, quantBits: number): number {
  const n = numel(t.shape);
  if (/\.(qweight|weight_packed)$/.test(t.name) && t.dtype === 'I32') return (n * 32) / quantBits;
  if (/_blocks$/.test(t.name) && t.dtype === 'U8') return n * 2;
  if (/\.weight$/.test(t.name) && t.dtype === 'U8' && quantBits === 4) return n * 2;
  return n;
}

export interface TensorCount {
  /** Main-model parameters (MTP modules, quantization metadata and buffers excluded). */
  readonly total: number;
  readonly byClass: Readonly<Partial<Record<TensorClass, number>>>;
  readonly tensors: number;
  readonly dtypes: Readonly<Record<string, number>>;
}

export function countTensors(
  tensors: readonly TensorInfo[],
  opts: { readonly mainLayers: number | null; readonly quantBits?: number },
): TensorCount {
  const byClass: Partial<Record<TensorClass, number>> = {};
  const dtypes: Record<string, number> = {};
  let total = 0;
  for (const t of tensors) {
    const cls = classifyTensor(t.name, opts.mainLayers);
    const params = tensorParams(t, opts.quantBits ?? 4);
    byClass[cls] = (byClass[cls] ?? 0) + params;
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + params;
    if (cls !== 'mtp' && cls !== 'quantization' && cls !== 'buffer') total += params;
  }
  return { total, byClass, tensors: tensors.length, dtypes };
}

const SAFETENSORS_DTYPES = new Set([
  'F64',
  'F32',
  'F16',
  'BF16',
  'F8_E4M3',
  'F8_E5M2',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'I64',
  'I32',
  'I16',
  'I8',
  'U64',
  'U32',
  'U16',
  'U8',
  'BOOL',
  'C64',
]);

/**
 * Parses a safetensors header: 8-byte little-endian length N, then N bytes of JSON mapping tensor
 * names to { dtype, shape, data_offsets } (plus optional `__metadata__`).
 * @see huggingface/safetensors README "Format"
 */
export function parseSafetensorsHeader(bytes: Uint8Array, field = 'safetensors'): TensorInfo[] {
  if (bytes.length < 8)
    throw invalidInput(field, 'file is shorter than the 8-byte header length; not a safetensors file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (length > 100_000_000)
    throw invalidInput(field, `header length ${length} is implausible; not a safetensors file`);
  if (bytes.length < 8 + length) {
    throw invalidInput(
      field,
      `header says ${length} bytes but only ${bytes.length - 8} were read; the file is truncated`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch {
    throw invalidInput(field, 'header is not valid JSON; the file is corrupt or not safetensors');
  }
  return tensorsFromHeaderJson(json, field);
}

/** Tensor list from an already-decoded safetensors header object. */
export function tensorsFromHeaderJson(json: unknown, field = 'safetensors'): TensorInfo[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw invalidInput(field, 'header must be a JSON object of tensors');
  }
  const out: TensorInfo[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    const v = value as { dtype?: unknown; shape?: unknown } | null;
    if (!v || typeof v.dtype !== 'string' || !SAFETENSORS_DTYPES.has(v.dtype)) {
      throw invalidInput(
        `${field}.${name}.dtype`,
        'missing or unknown dtype; expected a safetensors dtype such as BF16',
      );
    }
    if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw invalidInput(`${field}.${name}.shape`, 'must be an array of non-negative integers');
    }
    out.push({ name, dtype: v.dtype, shape: v.shape as number[] });
  }
  return out;
}
