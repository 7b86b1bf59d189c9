import { z } from 'zod';
import type { LayerSpec, MlaAttentionSpec, MlpSpec } from '../architecture.js';
import { nonNegInt, optBool, optPosInt, parseFields, posInt, layerCount } from '../_config-schema.js';
import { architecture, gatedMlp, layer, type ModelTypeAdapter } from './_shared.js';
import { checkTopK, moe } from './moe-decoders.js';

const DeepseekFields = z.looseObject({
  hidden_size: posInt,
  intermediate_size: posInt,
  moe_intermediate_size: posInt,
  num_hidden_layers: layerCount,
  num_attention_heads: posInt,
  vocab_size: posInt,
  max_position_embeddings: optPosInt,
  tie_word_embeddings: optBool,
  n_routed_experts: posInt,
  n_shared_experts: nonNegInt.nullish(),
  num_experts_per_tok: posInt,
  first_k_dense_replace: nonNegInt.nullish(),
  moe_layer_freq: posInt.nullish(),
  q_lora_rank: posInt.nullish(),
  kv_lora_rank: posInt,
  qk_nope_head_dim: posInt,
  qk_rope_head_dim: posInt,
  v_head_dim: posInt,
  topk_method: z.string().nullish(),
  num_nextn_predict_layers: nonNegInt.nullish(),
});

/**
 * DeepSeek-V2 / V3 (and Kimi-K2, which reuses deepseek_v3): multi-head latent attention,
 * `first_k_dense_replace` dense layers, then MoE layers with shared experts; V3's `noaux_tc` router
 * carries a score-correction bias. V3's multi-token-prediction modules (`num_nextn_predict_layers`)
 * are reported separately: each is a full MoE block plus enorm, hnorm, eh_proj (2h × h), a head
 * norm, and its own copies of the embedding and output head as stored in the checkpoint.
 * @see deepseek-ai/DeepSeek-V3 inference/model.py; transformers/models/deepseek_v3/modeling_deepseek_v3.py
 */
function deepseek(modelType: 'deepseek_v2' | 'deepseek_v3'): ModelTypeAdapter {
  return {
    description:
      'MLA attention (q LoRA when q_lora_rank), first_k_dense_replace dense layers then MoE with shared experts',
    build(raw, prefix) {
      const c = parseFields(DeepseekFields, raw, prefix);
      checkTopK(c.n_routed_experts, c.num_experts_per_tok, `${prefix}.num_experts_per_tok`);
      const h = c.hidden_size;
      const attention: MlaAttentionSpec = {
        kind: 'mla',
        heads: c.num_attention_heads,
        qLoraRank: c.q_lora_rank ?? null,
        kvLoraRank: c.kv_lora_rank,
        qkNopeHeadDim: c.qk_nope_head_dim,
        qkRopeHeadDim: c.qk_rope_head_dim,
        valueHeadDim: c.v_head_dim,
      };
      const sparse = moe({
        experts: c.n_routed_experts,
        expertsPerToken: c.num_experts_per_tok,
        expertIntermediateSize: c.moe_intermediate_size,
        sharedExperts: c.n_shared_experts ?? 0,
        sharedIntermediateSize: (c.n_shared_experts ?? 0) * c.moe_intermediate_size,
        routerBias: c.topk_method === 'noaux_tc',
      });
      const dense = gatedMlp(c.intermediate_size);
      const firstDense = c.first_k_dense_replace ?? 0;
      const freq = c.moe_layer_freq ?? 1;
      const layers: LayerSpec[] = Array.from({ length: c.num_hidden_layers }, (_, i) => {
        const mlp: MlpSpec = i >= firstDense && i % freq === 0 ? sparse : dense;
        return layer(attention, mlp, 2 * h);
      });
      const mtpModules = modelType === 'deepseek_v3' ? (c.num_nextn_predict_layers ?? 0) : 0;
      return architecture({
        modelType,
        hiddenSize: h,
        vocabSize: c.vocab_size,
        layers,
        finalNormParams: h,
        tiedEmbeddings: c.tie_word_embeddings ?? false,
        maxPositionEmbeddings: c.max_position_embeddings,
        mtp:
          mtpModules > 0
            ? {
                modules: mtpModules,
                layer: layer(attention, sparse, 2 * h),
                // enorm + hnorm + eh_proj + shared_head.norm + shared_head.head + embed_tokens
                extraParamsPerModule: 2 * h + 2 * h * h + h + 2 * c.vocab_size * h,
              }
            : null,
      });
    },
  };
}

export const deepseekV2 = deepseek('deepseek_v2');
export const deepseekV3 = deepseek('deepseek_v3');
