import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import type { ExtraComponent, MlpSpec } from '../architecture.js';
import { nonNegInt, optBool, parseFields, posInt, layerCount } from '../_config-schema.js';
import {
  architecture,
  attentionShape,
  DecoderFields,
  gatedMlp,
  layer,
  layerKinds,
  standardAttention,
  type ModelTypeAdapter,
} from './_shared.js';
import { checkTopK, moe } from './moe-decoders.js';

const Llama4TextFields = DecoderFields.extend({
  intermediate_size: posInt,
  intermediate_size_mlp: posInt,
  num_local_experts: posInt,
  num_experts_per_tok: posInt,
  interleave_moe_layer_step: posInt.nullish(),
  moe_layers: z.array(nonNegInt).nullish(),
  attention_chunk_size: posInt.nullish(),
  no_rope_layers: z.array(z.number().int().min(0).max(1)).nullish(),
  no_rope_layer_interval: posInt.nullish(),
  attention_bias: optBool,
});

/**
 * Llama 4 text decoder: chunked local attention on RoPE layers and global attention on the NoPE
 * layers (every 4th), MoE layers (every `interleave_moe_layer_step`) with one shared expert and a
 * bias-free router, dense layers of width `intermediate_size_mlp`; its q/k L2 norm has no weights.
 * @see transformers/models/llama4/modeling_llama4.py
 */
export const llama4Text: ModelTypeAdapter = {
  description: 'chunked (RoPE) / global (NoPE) attention; MoE with a shared expert every interleave step',
  build(raw, prefix) {
    const c = parseFields(Llama4TextFields, raw, prefix);
    checkTopK(c.num_local_experts, c.num_experts_per_tok, `${prefix}.num_experts_per_tok`);
    const n = c.num_hidden_layers;
    const step = c.interleave_moe_layer_step ?? 1;
    const moeLayers = new Set(
      c.moe_layers ?? Array.from({ length: n }, (_, i) => i).filter((i) => (i + 1) % step === 0),
    );
    const interval = c.no_rope_layer_interval ?? 4;
    const ropeLayers =
      c.no_rope_layers && c.no_rope_layers.length > 0
        ? c.no_rope_layers
        : Array.from({ length: n }, (_, i) => ((i + 1) % interval !== 0 ? 1 : 0));
    if (ropeLayers.length !== n) {
      throw invalidInput(
        `${prefix}.no_rope_layers`,
        `has ${ropeLayers.length} entries for ${n} layers; give one per layer`,
      );
    }
    const chunk = c.attention_chunk_size ?? null;
    const kinds = layerKinds(c, prefix, (i) => (chunk !== null && ropeLayers[i] === 1 ? 'chunked' : 'full'));
    const shape = attentionShape(c, prefix);
    const bias = c.attention_bias === true;
    const flags = { qkvBias: bias, outputBias: bias, qkNorm: false };
    const sparse = moe({
      experts: c.num_local_experts,
      expertsPerToken: c.num_experts_per_tok,
      expertIntermediateSize: c.intermediate_size,
      sharedIntermediateSize: c.intermediate_size,
    });
    const dense = gatedMlp(c.intermediate_size_mlp);
    return architecture({
      modelType: 'llama4_text',
      hiddenSize: c.hidden_size,
      vocabSize: c.vocab_size,
      layers: kinds.map((k, i) => {
        const mlp: MlpSpec = moeLayers.has(i) ? sparse : dense;
        return layer(standardAttention(shape, k, chunk, flags), mlp, 2 * c.hidden_size);
      }),
      finalNormParams: c.hidden_size,
      tiedEmbeddings: c.tie_word_embeddings ?? false,
      maxPositionEmbeddings: c.max_position_embeddings,
    });
  },
};

const Llama4VisionFields = z.looseObject({
  hidden_size: posInt,
  intermediate_size: posInt,
  num_hidden_layers: layerCount,
  image_size: posInt,
  patch_size: posInt,
  num_channels: posInt.nullish(),
  projector_input_dim: posInt,
  projector_output_dim: posInt,
  pixel_shuffle_ratio: z.number().positive(),
  vision_output_dim: posInt,
});

/**
 * Llama 4 vision encoder + adapter + projector: unfold patch embedding (no bias), class embedding,
 * positional embedding for patches + class token, LayerNorm pre/post (with bias), encoder layers
 * (q/k/v/o with bias, GELU MLP with bias, two LayerNorms with bias), pixel-shuffle MLP adapter
 * (fc1 intermediate → projector_input_dim, fc2 projector_input_dim → projector_output_dim, no bias) and
 * the multimodal projector (vision_output_dim → text hidden, no bias).
 * @see transformers/models/llama4/modeling_llama4.py (Llama4VisionModel, Llama4MultiModalProjector)
 */
export function llama4VisionParams(
  raw: unknown,
  prefix: string,
  textHidden: number,
): { vision: number; projector: number } {
  const v = parseFields(Llama4VisionFields, raw, prefix);
  const hv = v.hidden_size;
  const patches = (v.image_size / v.patch_size) ** 2;
  const patchEmbedding = (v.num_channels ?? 3) * v.patch_size ** 2 * hv;
  const perLayer = 4 * (hv * hv + hv) + 2 * hv * v.intermediate_size + v.intermediate_size + hv + 4 * hv;
  const adapter =
    v.intermediate_size * v.projector_input_dim + v.projector_input_dim * v.projector_output_dim;
  const vision = patchEmbedding + hv + (patches + 1) * hv + 4 * hv + v.num_hidden_layers * perLayer + adapter;
  return { vision, projector: v.vision_output_dim * textHidden };
}

const Llama4Fields = z.looseObject({
  tie_word_embeddings: optBool,
  text_config: z.record(z.string(), z.unknown()),
  vision_config: z.record(z.string(), z.unknown()),
});

/** Llama 4 (Scout, Maverick): the text decoder plus the vision encoder and projector. */
export const llama4: ModelTypeAdapter = {
  description: `${llama4Text.description}; plus vision encoder and projector (counted, not active for text)`,
  build(raw, prefix) {
    const c = parseFields(Llama4Fields, raw, prefix);
    const text = llama4Text.build(
      {
        ...(typeof c.tie_word_embeddings === 'boolean' ? { tie_word_embeddings: c.tie_word_embeddings } : {}),
        ...c.text_config,
      },
      `${prefix}.text_config`,
    );
    const { vision, projector } = llama4VisionParams(
      c.vision_config,
      `${prefix}.vision_config`,
      text.hiddenSize,
    );
    const extra: ExtraComponent[] = [
      {
        name: 'vision',
        params: vision,
        activeForText: false,
        formula: 'Llama4VisionModel incl. pixel-shuffle adapter',
      },
      {
        name: 'projector',
        params: projector,
        activeForText: false,
        formula: 'vision_output_dim × text hidden_size',
      },
    ];
    return { ...text, modelType: 'llama4', extraComponents: extra };
  },
};
