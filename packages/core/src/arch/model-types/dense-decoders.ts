import { z } from 'zod';
import { nonNegInt, optBool, parseFields, posInt } from '../_config-schema.js';
import {
  architecture,
  attentionShape,
  DecoderFields,
  gatedMlp,
  layer,
  layerKinds,
  standardAttention,
  windowFor,
  type AttentionKind,
  type ModelTypeAdapter,
  type StandardAttentionFlags,
} from './_shared.js';

const DenseFields = DecoderFields.extend({
  intermediate_size: posInt,
  attention_bias: optBool,
  mlp_bias: optBool,
  use_sliding_window: optBool,
  max_window_layers: nonNegInt.nullish(),
  sliding_window_pattern: posInt.nullish(),
  _sliding_window_pattern: posInt.nullish(),
});
type DenseFields = z.infer<typeof DenseFields>;

interface DenseRules {
  readonly modelType: string;
  readonly description: string;
  readonly tiedByDefault: boolean;
  /** RMSNorm weights per layer, in units of hidden_size (2 = input + post-attention; Gemma 2/3: 4). */
  readonly normsPerLayer: number;
  readonly attention: (c: DenseFields) => StandardAttentionFlags;
  readonly mlpBias: (c: DenseFields) => boolean;
  /** Attention kind of layer i when the config has no `layer_types`. */
  readonly defaultKind: (c: DenseFields, layer: number) => AttentionKind;
}

function denseDecoder(rules: DenseRules): ModelTypeAdapter {
  return {
    description: rules.description,
    build(raw, prefix) {
      const c = parseFields(DenseFields, raw, prefix);
      const shape = attentionShape(c, prefix);
      const kinds = layerKinds(c, prefix, (i) => rules.defaultKind(c, i));
      const window = windowFor(c, prefix, kinds);
      const flags = rules.attention(c);
      const h = c.hidden_size;
      const layers = kinds.map((kind) =>
        layer(
          standardAttention(shape, kind, window, flags),
          gatedMlp(c.intermediate_size, rules.mlpBias(c)),
          rules.normsPerLayer * h,
        ),
      );
      return architecture({
        modelType: rules.modelType,
        hiddenSize: h,
        vocabSize: c.vocab_size,
        layers,
        finalNormParams: h,
        tiedEmbeddings: c.tie_word_embeddings ?? rules.tiedByDefault,
        maxPositionEmbeddings: c.max_position_embeddings,
      });
    },
  };
}

const noBias = (): StandardAttentionFlags => ({ qkvBias: false, outputBias: false, qkNorm: false });
const full = (): AttentionKind => 'full';
/** A window on every layer when `sliding_window` is set (Mistral 7B v0.1, Phi-3-mini: 2047). */
const everyLayerIfWindow = (c: DenseFields): AttentionKind => (c.sliding_window ? 'sliding' : 'full');
/** Qwen2/3: sliding only when use_sliding_window, and only from layer max_window_layers on. */
const qwenWindow = (c: DenseFields, i: number): AttentionKind =>
  c.use_sliding_window === true && c.sliding_window && i >= (c.max_window_layers ?? 0) ? 'sliding' : 'full';

/**
 * Llama (2, 3, 3.1, 3.2, 3.3) and the many models that reuse its layout: q/k/v/o projections
 * (bias when `attention_bias`), SwiGLU MLP (bias when `mlp_bias`), two RMSNorms per layer.
 * @see transformers/models/llama/modeling_llama.py
 */
export const llama = denseDecoder({
  modelType: 'llama',
  description: 'GQA attention (bias if attention_bias), SwiGLU MLP (bias if mlp_bias), 2 RMSNorms per layer',
  tiedByDefault: false,
  normsPerLayer: 2,
  attention: (c) => ({
    qkvBias: c.attention_bias === true,
    outputBias: c.attention_bias === true,
    qkNorm: false,
  }),
  mlpBias: (c) => c.mlp_bias === true,
  defaultKind: everyLayerIfWindow,
});

/** Mistral: Llama layout, optional sliding window on every layer, explicit head_dim (Nemo, Small 3). */
export const mistral = denseDecoder({
  modelType: 'mistral',
  description: 'Llama layout without biases; sliding_window (when set) on every layer',
  tiedByDefault: false,
  normsPerLayer: 2,
  attention: noBias,
  mlpBias: () => false,
  defaultKind: everyLayerIfWindow,
});

/** Qwen2 / Qwen2.5 (and Qwen1.5, which ships as qwen2): bias on q, k, v but not o. */
export const qwen2 = denseDecoder({
  modelType: 'qwen2',
  description: 'GQA attention with q/k/v bias (no o bias), SwiGLU MLP, 2 RMSNorms per layer',
  tiedByDefault: false,
  normsPerLayer: 2,
  attention: () => ({ qkvBias: true, outputBias: false, qkNorm: false }),
  mlpBias: () => false,
  defaultKind: qwenWindow,
});

/** Qwen3 dense: no biases, per-head RMSNorm on q and k, explicit head_dim. */
export const qwen3 = denseDecoder({
  modelType: 'qwen3',
  description: 'GQA attention with q/k RMSNorm (no biases unless attention_bias), SwiGLU MLP',
  tiedByDefault: false,
  normsPerLayer: 2,
  attention: (c) => ({
    qkvBias: c.attention_bias === true,
    outputBias: c.attention_bias === true,
    qkNorm: true,
  }),
  mlpBias: () => false,
  defaultKind: qwenWindow,
});

/** Gemma (1): GeGLU MLP, explicit head_dim 256, embeddings tied. */
export const gemma = denseDecoder({
  modelType: 'gemma',
  description: 'MHA/MQA attention, GeGLU MLP, 2 RMSNorms per layer, tied embeddings',
  tiedByDefault: true,
  normsPerLayer: 2,
  attention: (c) => ({
    qkvBias: c.attention_bias === true,
    outputBias: c.attention_bias === true,
    qkNorm: false,
  }),
  mlpBias: () => false,
  defaultKind: full,
});

/** Gemma 2: four RMSNorms per layer; sliding window on even layers (0, 2, …), global on odd. */
export const gemma2 = denseDecoder({
  modelType: 'gemma2',
  description: 'alternating sliding (even layers) / global attention, GeGLU MLP, 4 RMSNorms per layer',
  tiedByDefault: true,
  normsPerLayer: 4,
  attention: (c) => ({
    qkvBias: c.attention_bias === true,
    outputBias: c.attention_bias === true,
    qkNorm: false,
  }),
  mlpBias: () => false,
  defaultKind: (_c, i) => (i % 2 === 0 ? 'sliding' : 'full'),
});

/**
 * Gemma 3 text model: q/k RMSNorm, four RMSNorms per layer, five sliding layers per global layer
 * (layer i is global when (i + 1) % sliding_window_pattern = 0; pattern 6 by default).
 */
export const gemma3Text = denseDecoder({
  modelType: 'gemma3_text',
  description: '5:1 sliding/global attention with q/k RMSNorm, GeGLU MLP, 4 RMSNorms per layer',
  tiedByDefault: true,
  normsPerLayer: 4,
  attention: (c) => ({
    qkvBias: c.attention_bias === true,
    outputBias: c.attention_bias === true,
    qkNorm: true,
  }),
  mlpBias: () => false,
  defaultKind: (c, i) => {
    const pattern = c.sliding_window_pattern ?? c._sliding_window_pattern ?? 6;
    return (i + 1) % pattern === 0 ? 'full' : 'sliding';
  },
});

/** Phi-3 / Phi-4: fused qkv and gate_up projections (same counts as separate ones), no biases. */
export const phi3 = denseDecoder({
  modelType: 'phi3',
  description:
    'fused qkv_proj and gate_up_proj without biases, 2 RMSNorms per layer; sliding_window when set',
  tiedByDefault: false,
  normsPerLayer: 2,
  attention: noBias,
  mlpBias: () => false,
  defaultKind: everyLayerIfWindow,
});
