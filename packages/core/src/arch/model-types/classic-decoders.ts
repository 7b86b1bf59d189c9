import { z } from 'zod';
import { optBool, optPosInt, parseFields, posInt, layerCount } from '../_config-schema.js';
import { architecture, attentionShape, layer, standardAttention, type ModelTypeAdapter } from './_shared.js';

const Gpt2Fields = z.looseObject({
  n_embd: posInt,
  n_layer: layerCount,
  n_head: posInt,
  n_positions: posInt,
  n_inner: optPosInt,
  vocab_size: posInt,
  tie_word_embeddings: optBool,
});

/**
 * GPT-2: learned position embeddings, LayerNorms with bias, fused c_attn with bias, plain GELU MLP
 * (4 × n_embd unless n_inner) with biases, tied output head. @see transformers/models/gpt2/modeling_gpt2.py
 */
export const gpt2: ModelTypeAdapter = {
  description: 'learned positions, MHA with biases, GELU MLP with biases, LayerNorms with bias, tied head',
  build(raw, prefix) {
    const c = parseFields(Gpt2Fields, raw, prefix);
    const h = c.n_embd;
    const shape = attentionShape(
      {
        hidden_size: h,
        num_hidden_layers: c.n_layer,
        num_attention_heads: c.n_head,
        vocab_size: c.vocab_size,
      },
      prefix,
    );
    const attention = standardAttention(shape, 'full', null, {
      qkvBias: true,
      outputBias: true,
      qkNorm: false,
    });
    const mlp = { kind: 'dense', intermediateSize: c.n_inner ?? 4 * h, gated: false, bias: true } as const;
    return architecture({
      modelType: 'gpt2',
      hiddenSize: h,
      vocabSize: c.vocab_size,
      positionEmbeddings: c.n_positions,
      layers: Array.from({ length: c.n_layer }, () => layer(attention, mlp, 4 * h)),
      finalNormParams: 2 * h,
      tiedEmbeddings: c.tie_word_embeddings ?? true,
      maxPositionEmbeddings: c.n_positions,
    });
  },
};

const FalconFields = z.looseObject({
  hidden_size: posInt,
  num_hidden_layers: layerCount,
  num_attention_heads: posInt,
  num_kv_heads: optPosInt,
  vocab_size: posInt,
  multi_query: optBool,
  new_decoder_architecture: optBool,
  parallel_attn: optBool,
  bias: optBool,
  ffn_hidden_size: optPosInt,
  max_position_embeddings: optPosInt,
  tie_word_embeddings: optBool,
  num_ln_in_parallel_attn: optPosInt,
});

/**
 * The original custom-code Falcon configs (model_type RefinedWebModel / RefinedWeb) name fields
 * n_head, n_head_kv and n_layer; transformers' FalconConfig maps them to its own names.
 * @see transformers/models/falcon/configuration_falcon.py (attribute_map)
 */
function withFalconNames(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    ...raw,
    num_attention_heads: raw['num_attention_heads'] ?? raw['n_head'],
    num_hidden_layers: raw['num_hidden_layers'] ?? raw['n_layer'],
    num_kv_heads: raw['num_kv_heads'] ?? raw['n_head_kv'],
  };
}

/**
 * Falcon: fused query_key_value (MQA with `multi_query`, GQA with `new_decoder_architecture`),
 * plain GELU MLP (4h), LayerNorms with bias: one per layer for the 7B parallel block, two
 * (ln_attn, ln_mlp) for the new decoder architecture. @see transformers/models/falcon/modeling_falcon.py
 */
export const falcon: ModelTypeAdapter = {
  description: 'fused QKV (MQA / GQA), GELU MLP, LayerNorms with bias; parallel attention+MLP block',
  build(raw, prefix) {
    const c = parseFields(FalconFields, withFalconNames(raw), prefix);
    const h = c.hidden_size;
    const newArch = c.new_decoder_architecture === true;
    const kvHeads = newArch
      ? (c.num_kv_heads ?? c.num_attention_heads)
      : c.multi_query !== false
        ? 1
        : c.num_attention_heads;
    const shape = attentionShape(
      {
        hidden_size: h,
        num_hidden_layers: c.num_hidden_layers,
        num_attention_heads: c.num_attention_heads,
        num_key_value_heads: kvHeads,
        vocab_size: c.vocab_size,
      },
      prefix,
    );
    const bias = c.bias === true;
    const attention = standardAttention(shape, 'full', null, {
      qkvBias: bias,
      outputBias: bias,
      qkNorm: false,
    });
    const mlp = { kind: 'dense', intermediateSize: c.ffn_hidden_size ?? 4 * h, gated: false, bias } as const;
    const parallel = c.parallel_attn !== false;
    const layerNorms = newArch ? (c.num_ln_in_parallel_attn ?? 2) : parallel ? 1 : 2;
    return architecture({
      modelType: 'falcon',
      hiddenSize: h,
      vocabSize: c.vocab_size,
      layers: Array.from({ length: c.num_hidden_layers }, () => layer(attention, mlp, layerNorms * 2 * h)),
      finalNormParams: 2 * h,
      tiedEmbeddings: c.tie_word_embeddings ?? true,
      maxPositionEmbeddings: c.max_position_embeddings ?? 2048,
    });
  },
};
