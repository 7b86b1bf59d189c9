import { z } from 'zod';
import type { ExtraComponent } from '../architecture.js';
import { optBool, parseFields, posInt, layerCount } from '../_config-schema.js';
import type { ModelTypeAdapter } from './_shared.js';
import { gemma3Text } from './dense-decoders.js';

const SiglipFields = z.looseObject({
  hidden_size: posInt,
  intermediate_size: posInt,
  num_hidden_layers: layerCount,
  image_size: posInt,
  patch_size: posInt,
  num_channels: posInt.nullish(),
  vision_use_head: optBool,
});

/**
 * SigLIP vision tower parameters: conv patch embedding (with bias), learned position embedding per
 * patch, pre-LN encoder layers (q/k/v/out with bias, two LayerNorms with bias, GELU MLP with bias)
 * and a post LayerNorm. @see transformers/models/siglip/modeling_siglip.py
 */
export function siglipVisionParams(raw: unknown, prefix: string): number {
  const v = parseFields(SiglipFields, raw, prefix);
  const hv = v.hidden_size;
  const patches = (v.image_size / v.patch_size) ** 2;
  const patchEmbedding = (v.num_channels ?? 3) * v.patch_size ** 2 * hv + hv;
  const attention = 4 * (hv * hv + hv);
  const mlp = 2 * hv * v.intermediate_size + v.intermediate_size + hv;
  const perLayer = attention + mlp + 4 * hv;
  return patchEmbedding + patches * hv + v.num_hidden_layers * perLayer + 2 * hv;
}

/**
 * Gemma3TextConfig defaults: Hub config.json files of Gemma 3 4B/12B/27B omit the fields that equal
 * them (vocab_size 262,208 = 262,144 + 64 image/special rows, head_dim 256, …).
 * @see transformers/models/gemma3/configuration_gemma3.py (Gemma3TextConfig.__init__)
 */
export const GEMMA3_TEXT_DEFAULTS: Readonly<Record<string, unknown>> = {
  vocab_size: 262208,
  hidden_size: 2304,
  intermediate_size: 9216,
  num_hidden_layers: 26,
  num_attention_heads: 8,
  num_key_value_heads: 4,
  head_dim: 256,
  max_position_embeddings: 131072,
  sliding_window: 4096,
  sliding_window_pattern: 6,
  tie_word_embeddings: true,
};

const Gemma3Fields = z.looseObject({
  tie_word_embeddings: optBool,
  text_config: z.record(z.string(), z.unknown()),
  vision_config: z.record(z.string(), z.unknown()),
});

/**
 * Gemma 3 (4B, 12B, 27B): the gemma3_text decoder plus a SigLIP vision tower and a projector
 * (mm_input_projection_weight vision_hidden × text_hidden, mm_soft_emb_norm vision_hidden).
 * @see transformers/models/gemma3/modeling_gemma3.py
 */
export const gemma3: ModelTypeAdapter = {
  description: 'gemma3_text decoder + SigLIP vision tower + linear projector (counted, not active for text)',
  build(raw, prefix) {
    const c = parseFields(Gemma3Fields, raw, prefix);
    const textRaw = {
      ...GEMMA3_TEXT_DEFAULTS,
      ...(typeof raw['tie_word_embeddings'] === 'boolean'
        ? { tie_word_embeddings: raw['tie_word_embeddings'] }
        : {}),
      ...c.text_config,
    };
    const text = gemma3Text.build(textRaw, `${prefix}.text_config`);
    const visionPrefix = `${prefix}.vision_config`;
    const vision = parseFields(SiglipFields, c.vision_config, visionPrefix);
    const extra: ExtraComponent[] = [
      {
        name: 'vision',
        params: siglipVisionParams(c.vision_config, visionPrefix),
        activeForText: false,
        formula: 'SigLIP: patch conv + position embeddings + encoder layers + post LayerNorm',
      },
      {
        name: 'projector',
        params: vision.hidden_size * text.hiddenSize + vision.hidden_size,
        activeForText: false,
        formula: 'mm_input_projection_weight (vision_hidden × text_hidden) + mm_soft_emb_norm',
      },
    ];
    return { ...text, modelType: 'gemma3', extraComponents: extra };
  },
};
