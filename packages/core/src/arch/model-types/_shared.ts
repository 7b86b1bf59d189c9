import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import type {
  Architecture,
  DenseMlpSpec,
  ExtraComponent,
  LayerSpec,
  MixerSpec,
  MlpSpec,
  MtpSpec,
  StandardAttentionSpec,
} from '../architecture.js';
import { exactDiv, nonNegInt, optBool, optPosInt, posInt, layerCount } from '../_config-schema.js';

/** Builds an Architecture from a raw config object; `prefix` names the object in error messages. */
export interface ModelTypeAdapter {
  /** What the adapter assumes, shown by `costwise inspect` for transparency. */
  readonly description: string;
  build(raw: Readonly<Record<string, unknown>>, prefix: string): Architecture;
}

/** Fields every decoder-only transformer config has (transformers' naming). */
export const DecoderFields = z.looseObject({
  hidden_size: posInt,
  num_hidden_layers: layerCount,
  num_attention_heads: posInt,
  num_key_value_heads: optPosInt,
  head_dim: optPosInt,
  vocab_size: posInt,
  tie_word_embeddings: optBool,
  max_position_embeddings: optPosInt,
  sliding_window: nonNegInt.nullish(),
  layer_types: z.array(z.string()).nullish(),
});
export type DecoderFields = z.infer<typeof DecoderFields>;

export interface AttentionShape {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

/** heads, KV heads (default: heads, i.e. MHA) and head_dim (explicit, else hidden/heads). */
export function attentionShape(c: DecoderFields, prefix: string): AttentionShape {
  const heads = c.num_attention_heads;
  const kvHeads = c.num_key_value_heads ?? heads;
  if (heads % kvHeads !== 0) {
    throw invalidInput(
      `${prefix}.num_key_value_heads`,
      `${kvHeads} does not divide num_attention_heads ${heads}; use a divisor of it`,
    );
  }
  const headDim = c.head_dim ?? exactDiv(c.hidden_size, heads, `${prefix}.head_dim`);
  return { heads, kvHeads, headDim };
}

export type AttentionKind = StandardAttentionSpec['kind'];

/**
 * Per-layer attention kinds from `layer_types` when the config lists them (transformers ≥ 4.53 writes
 * it for Gemma 2/3, Qwen, gpt-oss, …), else from the model type's default rule.
 */
export function layerKinds(
  c: DecoderFields,
  prefix: string,
  fallback: (layer: number) => AttentionKind,
): AttentionKind[] {
  const n = c.num_hidden_layers;
  if (c.layer_types) {
    if (c.layer_types.length !== n) {
      throw invalidInput(
        `${prefix}.layer_types`,
        `has ${c.layer_types.length} entries but num_hidden_layers is ${n}; give one per layer`,
      );
    }
    return c.layer_types.map((t, i) => {
      if (t === 'full_attention') return 'full';
      if (t === 'sliding_attention') return 'sliding';
      if (t === 'chunked_attention') return 'chunked';
      throw invalidInput(
        `${prefix}.layer_types.${i}`,
        `unknown layer type "${t}"; expected full_attention, sliding_attention or chunked_attention`,
      );
    });
  }
  return Array.from({ length: n }, (_, i) => fallback(i));
}

export interface StandardAttentionFlags {
  readonly qkvBias: boolean;
  readonly outputBias: boolean;
  readonly qkNorm: boolean;
  readonly sinks?: boolean;
}

export function standardAttention(
  shape: AttentionShape,
  kind: AttentionKind,
  windowTokens: number | null,
  flags: StandardAttentionFlags,
): StandardAttentionSpec {
  return {
    kind: kind === 'full' || windowTokens === null ? 'full' : kind,
    heads: shape.heads,
    kvHeads: shape.kvHeads,
    headDim: shape.headDim,
    valueHeadDim: shape.headDim,
    windowTokens: kind === 'full' ? null : windowTokens,
    qkvBias: flags.qkvBias,
    outputBias: flags.outputBias,
    qkNorm: flags.qkNorm,
    sinks: flags.sinks ?? false,
  };
}

export function gatedMlp(intermediateSize: number, bias = false): DenseMlpSpec {
  return { kind: 'dense', intermediateSize, gated: true, bias };
}

export function layer(mixer: MixerSpec, mlp: MlpSpec, normParams: number): LayerSpec {
  return { mixer, mlp, normParams };
}

export interface ArchitectureParts {
  readonly modelType: string;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  readonly layers: readonly LayerSpec[];
  readonly finalNormParams: number;
  readonly tiedEmbeddings: boolean;
  readonly maxPositionEmbeddings: number | null | undefined;
  readonly positionEmbeddings?: number;
  readonly lmHeadBias?: boolean;
  readonly mtp?: MtpSpec | null;
  readonly extraComponents?: readonly ExtraComponent[];
  readonly warnings?: readonly string[];
}

export function architecture(p: ArchitectureParts): Architecture {
  return {
    modelType: p.modelType,
    hiddenSize: p.hiddenSize,
    vocabSize: p.vocabSize,
    positionEmbeddings: p.positionEmbeddings ?? 0,
    layers: p.layers,
    finalNormParams: p.finalNormParams,
    tiedEmbeddings: p.tiedEmbeddings,
    lmHeadBias: p.lmHeadBias ?? false,
    maxPositionEmbeddings: p.maxPositionEmbeddings ?? null,
    mtp: p.mtp ?? null,
    extraComponents: p.extraComponents ?? [],
    warnings: p.warnings ?? [],
  };
}

/** Window length for layers whose kind is windowed; a windowed layer kind without a window is an error. */
export function windowFor(c: DecoderFields, prefix: string, kinds: readonly AttentionKind[]): number | null {
  const window = c.sliding_window && c.sliding_window > 0 ? c.sliding_window : null;
  if (window === null && kinds.some((k) => k === 'sliding')) {
    throw invalidInput(`${prefix}.sliding_window`, 'layer_types lists sliding layers but no window is set');
  }
  return window;
}
