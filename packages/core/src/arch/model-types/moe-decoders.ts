import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import type { MlpSpec, MoeMlpSpec } from '../architecture.js';
import { nonNegInt, optBool, optPosInt, parseFields, posInt, layerCount } from '../_config-schema.js';
import {
  architecture,
  attentionShape,
  DecoderFields,
  gatedMlp,
  layer,
  layerKinds,
  standardAttention,
  windowFor,
  type ModelTypeAdapter,
} from './_shared.js';

export function moe(p: {
  experts: number;
  expertsPerToken: number;
  expertIntermediateSize: number;
  sharedExperts?: number;
  sharedIntermediateSize?: number;
  sharedExpertGate?: boolean;
  routerBias?: boolean;
  expertBias?: boolean;
}): MoeMlpSpec {
  return {
    kind: 'moe',
    experts: p.experts,
    expertsPerToken: p.expertsPerToken,
    expertIntermediateSize: p.expertIntermediateSize,
    gated: true,
    expertBias: p.expertBias ?? false,
    routerBias: p.routerBias ?? false,
    sharedExperts: p.sharedIntermediateSize ? (p.sharedExperts ?? 1) : 0,
    sharedIntermediateSize: p.sharedIntermediateSize ?? 0,
    sharedExpertGate: p.sharedExpertGate ?? false,
  };
}

export function checkTopK(experts: number, topK: number, field: string): void {
  if (topK > experts)
    throw invalidInput(field, `${topK} is more than the ${experts} experts; use at most ${experts}`);
}

const MixtralFields = DecoderFields.extend({
  intermediate_size: posInt,
  num_local_experts: posInt,
  num_experts_per_tok: posInt,
});

/**
 * Mixtral: Mistral attention, every layer a top-k MoE of SwiGLU experts with a bias-free router.
 * @see transformers/models/mixtral/modeling_mixtral.py
 */
export const mixtral: ModelTypeAdapter = {
  description: 'Mistral attention; every layer a MoE of SwiGLU experts (router without bias)',
  build(raw, prefix) {
    const c = parseFields(MixtralFields, raw, prefix);
    checkTopK(c.num_local_experts, c.num_experts_per_tok, `${prefix}.num_experts_per_tok`);
    const shape = attentionShape(c, prefix);
    const kinds = layerKinds(c, prefix, () => (c.sliding_window ? 'sliding' : 'full'));
    const window = windowFor(c, prefix, kinds);
    const flags = { qkvBias: false, outputBias: false, qkNorm: false };
    const mlp = moe({
      experts: c.num_local_experts,
      expertsPerToken: c.num_experts_per_tok,
      expertIntermediateSize: c.intermediate_size,
    });
    return architecture({
      modelType: 'mixtral',
      hiddenSize: c.hidden_size,
      vocabSize: c.vocab_size,
      layers: kinds.map((k) => layer(standardAttention(shape, k, window, flags), mlp, 2 * c.hidden_size)),
      finalNormParams: c.hidden_size,
      tiedEmbeddings: c.tie_word_embeddings ?? false,
      maxPositionEmbeddings: c.max_position_embeddings,
    });
  },
};

const QwenMoeFields = DecoderFields.extend({
  intermediate_size: posInt,
  num_experts: posInt,
  num_experts_per_tok: posInt,
  moe_intermediate_size: posInt,
  shared_expert_intermediate_size: nonNegInt.nullish(),
  decoder_sparse_step: posInt.nullish(),
  mlp_only_layers: z.array(nonNegInt).nullish(),
  attention_bias: optBool,
  use_sliding_window: optBool,
  max_window_layers: nonNegInt.nullish(),
});

function qwenMoe(version: 2 | 3): ModelTypeAdapter {
  return {
    description:
      version === 2
        ? 'q/k/v-bias attention; MoE layers every decoder_sparse_step (except mlp_only_layers) with a gated shared expert'
        : 'q/k-RMSNorm attention; MoE layers every decoder_sparse_step (except mlp_only_layers), no shared expert',
    build(raw, prefix) {
      const c = parseFields(QwenMoeFields, raw, prefix);
      checkTopK(c.num_experts, c.num_experts_per_tok, `${prefix}.num_experts_per_tok`);
      const shape = attentionShape(c, prefix);
      const kinds = layerKinds(c, prefix, (i) =>
        c.use_sliding_window === true && c.sliding_window && i >= (c.max_window_layers ?? 0)
          ? 'sliding'
          : 'full',
      );
      const window = windowFor(c, prefix, kinds);
      const flags =
        version === 2
          ? { qkvBias: true, outputBias: false, qkNorm: false }
          : { qkvBias: c.attention_bias === true, outputBias: c.attention_bias === true, qkNorm: true };
      const step = c.decoder_sparse_step ?? 1;
      const denseOnly = new Set(c.mlp_only_layers ?? []);
      const shared = version === 2 ? (c.shared_expert_intermediate_size ?? 0) : 0;
      const sparse = moe({
        experts: c.num_experts,
        expertsPerToken: c.num_experts_per_tok,
        expertIntermediateSize: c.moe_intermediate_size,
        sharedIntermediateSize: shared,
        sharedExpertGate: shared > 0,
      });
      const dense = gatedMlp(c.intermediate_size);
      return architecture({
        modelType: version === 2 ? 'qwen2_moe' : 'qwen3_moe',
        hiddenSize: c.hidden_size,
        vocabSize: c.vocab_size,
        layers: kinds.map((k, i) => {
          const mlp: MlpSpec = !denseOnly.has(i) && (i + 1) % step === 0 ? sparse : dense;
          return layer(standardAttention(shape, k, window, flags), mlp, 2 * c.hidden_size);
        }),
        finalNormParams: c.hidden_size,
        tiedEmbeddings: c.tie_word_embeddings ?? false,
        maxPositionEmbeddings: c.max_position_embeddings,
      });
    },
  };
}

/** Qwen1.5-MoE / Qwen2-MoE. @see transformers/models/qwen2_moe/modeling_qwen2_moe.py */
export const qwen2Moe = qwenMoe(2);
/** Qwen3-MoE. @see transformers/models/qwen3_moe/modeling_qwen3_moe.py */
export const qwen3Moe = qwenMoe(3);

const PhimoeFields = MixtralFields.extend({ attention_bias: optBool, lm_head_bias: optBool });

/**
 * Phi-3.5-MoE: Mixtral-style MoE, but LayerNorms with bias (2 × hidden each), attention bias and an
 * lm_head bias when the config sets them. @see transformers/models/phimoe/modeling_phimoe.py
 */
export const phimoe: ModelTypeAdapter = {
  description: 'Mixtral-style MoE with LayerNorm (weight + bias), attention and lm_head biases when set',
  build(raw, prefix) {
    const c = parseFields(PhimoeFields, raw, prefix);
    checkTopK(c.num_local_experts, c.num_experts_per_tok, `${prefix}.num_experts_per_tok`);
    const shape = attentionShape(c, prefix);
    const kinds = layerKinds(c, prefix, () => (c.sliding_window ? 'sliding' : 'full'));
    const window = windowFor(c, prefix, kinds);
    const bias = c.attention_bias === true;
    const flags = { qkvBias: bias, outputBias: bias, qkNorm: false };
    const mlp = moe({
      experts: c.num_local_experts,
      expertsPerToken: c.num_experts_per_tok,
      expertIntermediateSize: c.intermediate_size,
    });
    return architecture({
      modelType: 'phimoe',
      hiddenSize: c.hidden_size,
      vocabSize: c.vocab_size,
      layers: kinds.map((k) => layer(standardAttention(shape, k, window, flags), mlp, 4 * c.hidden_size)),
      finalNormParams: 2 * c.hidden_size,
      tiedEmbeddings: c.tie_word_embeddings ?? false,
      lmHeadBias: c.lm_head_bias === true,
      maxPositionEmbeddings: c.max_position_embeddings,
    });
  },
};

const DbrxFields = z.looseObject({
  d_model: posInt,
  n_heads: posInt,
  n_layers: layerCount,
  vocab_size: posInt,
  max_seq_len: optPosInt,
  tie_word_embeddings: optBool,
  attn_config: z.looseObject({ kv_n_heads: posInt.nullish() }).nullish(),
  ffn_config: z.looseObject({
    ffn_hidden_size: posInt,
    moe_num_experts: posInt,
    moe_top_k: posInt,
  }),
});

/**
 * DBRX: fused Wqkv (GQA), bias-free LayerNorms (hidden_size weights each), every layer a MoE of
 * GLU experts (w1, v1, w2). @see transformers/models/dbrx/modeling_dbrx.py
 */
export const dbrx: ModelTypeAdapter = {
  description: 'fused-Wqkv GQA attention, bias-free LayerNorms, every layer a MoE of GLU experts',
  build(raw, prefix) {
    const c = parseFields(DbrxFields, raw, prefix);
    const ffn = c.ffn_config;
    checkTopK(ffn.moe_num_experts, ffn.moe_top_k, `${prefix}.ffn_config.moe_top_k`);
    const kvHeads = c.attn_config?.kv_n_heads ?? c.n_heads;
    const shape = attentionShape(
      {
        hidden_size: c.d_model,
        num_hidden_layers: c.n_layers,
        num_attention_heads: c.n_heads,
        num_key_value_heads: kvHeads,
        vocab_size: c.vocab_size,
      },
      prefix,
    );
    const attention = standardAttention(shape, 'full', null, {
      qkvBias: false,
      outputBias: false,
      qkNorm: false,
    });
    const mlp = moe({
      experts: ffn.moe_num_experts,
      expertsPerToken: ffn.moe_top_k,
      expertIntermediateSize: ffn.ffn_hidden_size,
    });
    return architecture({
      modelType: 'dbrx',
      hiddenSize: c.d_model,
      vocabSize: c.vocab_size,
      layers: Array.from({ length: c.n_layers }, () => layer(attention, mlp, 2 * c.d_model)),
      finalNormParams: c.d_model,
      tiedEmbeddings: c.tie_word_embeddings ?? false,
      maxPositionEmbeddings: c.max_seq_len,
    });
  },
};
