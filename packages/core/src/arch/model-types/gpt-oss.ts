import { optBool, parseFields, posInt } from '../_config-schema.js';
import {
  architecture,
  attentionShape,
  DecoderFields,
  layer,
  layerKinds,
  standardAttention,
  windowFor,
  type ModelTypeAdapter,
} from './_shared.js';
import { checkTopK, moe } from './moe-decoders.js';

const GptOssFields = DecoderFields.extend({
  intermediate_size: posInt,
  num_local_experts: posInt,
  num_experts_per_tok: posInt.nullish(),
  experts_per_token: posInt.nullish(),
  attention_bias: optBool,
});

/**
 * gpt-oss: alternating sliding (128) / full attention with biases and learned sinks; every layer a
 * MoE whose router and experts carry biases (gate_up and down projections).
 * @see transformers/models/gpt_oss/modeling_gpt_oss.py; openai/gpt-oss model card (component table)
 */
export const gptOss: ModelTypeAdapter = {
  description: 'sliding/full attention with biases and sinks; MoE with biased router and experts',
  build(raw, prefix) {
    const c = parseFields(GptOssFields, raw, prefix);
    const topK = c.num_experts_per_tok ?? c.experts_per_token ?? 4;
    checkTopK(c.num_local_experts, topK, `${prefix}.num_experts_per_tok`);
    const shape = attentionShape(c, prefix);
    const kinds = layerKinds(c, prefix, (i) => (i % 2 === 0 ? 'sliding' : 'full'));
    const window = windowFor(c, prefix, kinds);
    const bias = c.attention_bias ?? true;
    const flags = { qkvBias: bias, outputBias: bias, qkNorm: false, sinks: true };
    const mlp = moe({
      experts: c.num_local_experts,
      expertsPerToken: topK,
      expertIntermediateSize: c.intermediate_size,
      routerBias: true,
      expertBias: true,
    });
    return architecture({
      modelType: 'gpt_oss',
      hiddenSize: c.hidden_size,
      vocabSize: c.vocab_size,
      layers: kinds.map((k) => layer(standardAttention(shape, k, window, flags), mlp, 2 * c.hidden_size)),
      finalNormParams: c.hidden_size,
      tiedEmbeddings: c.tie_word_embeddings ?? false,
      maxPositionEmbeddings: c.max_position_embeddings,
    });
  },
};
