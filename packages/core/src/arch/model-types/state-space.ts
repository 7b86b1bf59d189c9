import { z } from 'zod';
import { CostwiseError } from '../../errors.js';
import type { MambaMixerSpec, MlpSpec } from '../architecture.js';
import { nonNegInt, optBool, optPosInt, parseFields, posInt, layerCount } from '../_config-schema.js';
import {
  architecture,
  attentionShape,
  DecoderFields,
  gatedMlp,
  layer,
  standardAttention,
  type ModelTypeAdapter,
} from './_shared.js';
import { checkTopK, moe } from './moe-decoders.js';

const dtRankField = z.union([posInt, z.literal('auto')]).nullish();

/** Mamba's default dt_rank "auto" = ceil(d_model / 16). @see state-spaces/mamba mamba_simple.py */
function resolveDtRank(value: number | 'auto' | null | undefined, hidden: number): number {
  return typeof value === 'number' ? value : Math.ceil(hidden / 16);
}

function mambaMixer(p: Omit<MambaMixerSpec, 'kind'>): MambaMixerSpec {
  return { kind: 'mamba', ...p };
}

const MambaSsmFields = z.looseObject({
  d_model: posInt,
  n_layer: layerCount,
  vocab_size: posInt,
  pad_vocab_size_multiple: posInt.nullish(),
  rms_norm: optBool,
  tie_embeddings: optBool,
  d_intermediate: nonNegInt.nullish(),
  ssm_cfg: z
    .looseObject({
      layer: z.string().nullish(),
      d_state: posInt.nullish(),
      d_conv: posInt.nullish(),
      expand: posInt.nullish(),
      dt_rank: dtRankField,
      conv_bias: optBool,
      bias: optBool,
    })
    .nullish(),
});

const MambaHfFields = z.looseObject({
  hidden_size: posInt,
  num_hidden_layers: layerCount,
  vocab_size: posInt,
  state_size: posInt.nullish(),
  conv_kernel: posInt.nullish(),
  expand: posInt.nullish(),
  intermediate_size: optPosInt,
  time_step_rank: dtRankField,
  use_bias: optBool,
  use_conv_bias: optBool,
  tie_word_embeddings: optBool,
});

/**
 * Mamba-1: an embedding, `n_layer` blocks of (RMSNorm, selective-SSM mixer) and a final norm; the
 * output head is tied. Reads both the original `mamba_ssm` config (d_model, n_layer, ssm_cfg; the
 * vocabulary is padded to `pad_vocab_size_multiple`) and the transformers `MambaConfig`.
 * @see state-spaces/mamba mamba_ssm/models/config_mamba.py, mamba_simple.py
 */
export const mamba: ModelTypeAdapter = {
  description: 'Mamba-1 blocks: in_proj, depthwise conv1d, x_proj, dt_proj, A_log, D, out_proj; tied head',
  build(raw, prefix) {
    if ('d_model' in raw) {
      const c = parseFields(MambaSsmFields, raw, prefix);
      const ssm = c.ssm_cfg ?? {};
      if (ssm.layer && ssm.layer !== 'Mamba1') {
        throw new CostwiseError(
          'UNSUPPORTED',
          `${prefix}.ssm_cfg.layer: "${ssm.layer}" is not supported yet; only Mamba1 blocks are`,
          `${prefix}.ssm_cfg.layer`,
        );
      }
      const h = c.d_model;
      const pad = c.pad_vocab_size_multiple ?? 8;
      const vocab = Math.ceil(c.vocab_size / pad) * pad;
      const mixer = mambaMixer({
        innerSize: (ssm.expand ?? 2) * h,
        stateSize: ssm.d_state ?? 16,
        convKernel: ssm.d_conv ?? 4,
        dtRank: resolveDtRank(ssm.dt_rank, h),
        convBias: ssm.conv_bias ?? true,
        projBias: ssm.bias ?? false,
        innerNorms: false,
      });
      const norm = c.rms_norm === false ? 2 * h : h;
      const mlp: MlpSpec = c.d_intermediate ? gatedMlp(c.d_intermediate) : { kind: 'none' };
      return architecture({
        modelType: 'mamba',
        hiddenSize: h,
        vocabSize: vocab,
        layers: Array.from({ length: c.n_layer }, () =>
          layer(mixer, mlp, c.d_intermediate ? 2 * norm : norm),
        ),
        finalNormParams: norm,
        tiedEmbeddings: c.tie_embeddings ?? true,
        maxPositionEmbeddings: null,
      });
    }
    const c = parseFields(MambaHfFields, raw, prefix);
    const h = c.hidden_size;
    const mixer = mambaMixer({
      innerSize: c.intermediate_size ?? (c.expand ?? 2) * h,
      stateSize: c.state_size ?? 16,
      convKernel: c.conv_kernel ?? 4,
      dtRank: resolveDtRank(c.time_step_rank, h),
      convBias: c.use_conv_bias ?? true,
      projBias: c.use_bias ?? false,
      innerNorms: false,
    });
    return architecture({
      modelType: typeof raw['model_type'] === 'string' ? raw['model_type'] : 'mamba',
      hiddenSize: h,
      vocabSize: c.vocab_size,
      layers: Array.from({ length: c.num_hidden_layers }, () => layer(mixer, { kind: 'none' }, h)),
      finalNormParams: h,
      tiedEmbeddings: c.tie_word_embeddings ?? true,
      maxPositionEmbeddings: null,
    });
  },
};

const JambaFields = DecoderFields.extend({
  intermediate_size: posInt,
  attn_layer_period: posInt.nullish(),
  attn_layer_offset: nonNegInt.nullish(),
  expert_layer_period: posInt.nullish(),
  expert_layer_offset: nonNegInt.nullish(),
  num_experts: posInt.nullish(),
  num_experts_per_tok: posInt.nullish(),
  mamba_d_state: posInt.nullish(),
  mamba_d_conv: posInt.nullish(),
  mamba_expand: posInt.nullish(),
  mamba_dt_rank: dtRankField,
  mamba_conv_bias: optBool,
  mamba_proj_bias: optBool,
});

/**
 * Jamba: Mamba layers with one attention layer every `attn_layer_period` (at `attn_layer_offset`),
 * and a MoE MLP every `expert_layer_period` (at `expert_layer_offset`); its Mamba mixers add RMSNorms
 * on dt, B and C. @see transformers/models/jamba/modeling_jamba.py
 */
export const jamba: ModelTypeAdapter = {
  description: 'Mamba + 1-in-N GQA attention layers; MoE MLP every expert_layer_period; dt/B/C RMSNorms',
  build(raw, prefix) {
    const c = parseFields(JambaFields, raw, prefix);
    const h = c.hidden_size;
    const attnPeriod = c.attn_layer_period ?? 8;
    const attnOffset = c.attn_layer_offset ?? 4;
    const expertPeriod = c.expert_layer_period ?? 2;
    const expertOffset = c.expert_layer_offset ?? 1;
    const experts = c.num_experts ?? 16;
    const topK = c.num_experts_per_tok ?? 2;
    checkTopK(experts, topK, `${prefix}.num_experts_per_tok`);
    const shape = attentionShape(c, prefix);
    const attention = standardAttention(shape, 'full', null, {
      qkvBias: false,
      outputBias: false,
      qkNorm: false,
    });
    const mixer = mambaMixer({
      innerSize: (c.mamba_expand ?? 2) * h,
      stateSize: c.mamba_d_state ?? 16,
      convKernel: c.mamba_d_conv ?? 4,
      dtRank: resolveDtRank(c.mamba_dt_rank, h),
      convBias: c.mamba_conv_bias ?? true,
      projBias: c.mamba_proj_bias ?? false,
      innerNorms: true,
    });
    const sparse = moe({ experts, expertsPerToken: topK, expertIntermediateSize: c.intermediate_size });
    const dense = gatedMlp(c.intermediate_size);
    return architecture({
      modelType: 'jamba',
      hiddenSize: h,
      vocabSize: c.vocab_size,
      layers: Array.from({ length: c.num_hidden_layers }, (_, i) =>
        layer(
          i % attnPeriod === attnOffset ? attention : mixer,
          experts > 1 && i % expertPeriod === expertOffset ? sparse : dense,
          2 * h,
        ),
      ),
      finalNormParams: h,
      tiedEmbeddings: c.tie_word_embeddings ?? false,
      maxPositionEmbeddings: c.max_position_embeddings,
    });
  },
};
