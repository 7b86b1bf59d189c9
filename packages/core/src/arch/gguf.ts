import { invalidInput } from '../errors.js';
import type { TensorInfo } from './tensors.js';

/** A GGUF header as the reader hands it over: key/value metadata and tensor infos (shapes in ggml order). */
export interface GgufHeader {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly tensors: readonly TensorInfo[];
}

/** GGUF `general.architecture` → transformers model_type, where Costwise counts it exactly. */
const GGUF_ARCHITECTURES: Readonly<Record<string, string>> = {
  llama: 'llama',
  mistral3: 'mistral',
  qwen2: 'qwen2',
  qwen2moe: 'qwen2_moe',
  qwen3: 'qwen3',
  qwen3moe: 'qwen3_moe',
  gemma: 'gemma',
  gemma2: 'gemma2',
  gemma3: 'gemma3_text',
  phi3: 'phi3',
  falcon: 'falcon',
  gpt2: 'gpt2',
  deepseek2: 'deepseek_v2',
  mamba: 'mamba',
  'gpt-oss': 'gpt_oss',
};

export interface GgufConfig {
  /** A config.json-shaped object the model-type adapters can read. */
  readonly config: Record<string, unknown>;
  readonly architecture: string;
  readonly warnings: string[];
}

/**
 * Translates GGUF metadata (`<arch>.block_count`, `.embedding_length`, `.attention.head_count`, …)
 * into the equivalent config.json fields, so one set of adapters serves both formats.
 * @see ggml-org/llama.cpp gguf-py/gguf/constants.py (Keys.LLM, Keys.Attention, Keys.SSM)
 */
export function configFromGguf(header: GgufHeader): GgufConfig {
  const md = header.metadata;
  const arch = md['general.architecture'];
  if (typeof arch !== 'string' || arch.length === 0) {
    throw invalidInput('gguf.general.architecture', 'missing; the file is not a GGUF model header');
  }
  const warnings: string[] = [];
  const key = (k: string): unknown => md[`${arch}.${k}`];
  const num = (k: string): number | undefined => {
    const v = key(k);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v) && v.length > 0) {
      const values = v.map(Number);
      const max = Math.max(...values);
      if (values.some((x) => x !== max)) {
        warnings.push(`gguf ${arch}.${k} varies per layer; the maximum (${max}) is used for every layer`);
      }
      return max;
    }
    return undefined;
  };
  const need = (k: string): number => {
    const v = num(k);
    if (v === undefined || !Number.isInteger(v) || v <= 0) {
      throw invalidInput(
        `gguf.${arch}.${k}`,
        'missing or not a positive integer; the GGUF header is incomplete',
      );
    }
    return v;
  };
  const tensor = (name: string): TensorInfo | undefined => header.tensors.find((t) => t.name === name);
  const embd = tensor('token_embd.weight');
  const tokens = md['tokenizer.ggml.tokens'];
  const vocab = num('vocab_size') ?? embd?.shape[1] ?? (Array.isArray(tokens) ? tokens.length : undefined);
  if (vocab === undefined)
    throw invalidInput('gguf.token_embd.weight', 'missing; cannot tell the vocabulary size');
  const hidden = need('embedding_length');
  const layers = need('block_count');
  const experts = num('expert_count') ?? 0;
  let modelType = Object.hasOwn(GGUF_ARCHITECTURES, arch) ? GGUF_ARCHITECTURES[arch] : undefined;
  if (modelType === undefined) {
    warnings.push(`GGUF architecture "${arch}" has no exact adapter: counted as a generic decoder`);
    modelType = experts > 1 ? 'mixtral' : 'llama';
  }
  if (modelType === 'llama' && experts > 1) modelType = 'mixtral';
  const config: Record<string, unknown> = {
    model_type: modelType,
    vocab_size: vocab,
    tie_word_embeddings: tensor('output.weight') === undefined,
    max_position_embeddings: num('context_length'),
  };
  if (modelType === 'mamba') {
    Object.assign(config, {
      hidden_size: hidden,
      num_hidden_layers: layers,
      intermediate_size: need('ssm.inner_size'),
      state_size: need('ssm.state_size'),
      conv_kernel: need('ssm.conv_kernel'),
      time_step_rank: need('ssm.time_step_rank'),
      use_conv_bias: tensor('blk.0.ssm_conv1d.bias') !== undefined,
      use_bias: tensor('blk.0.ssm_in.bias') !== undefined,
    });
    return { config, architecture: arch, warnings };
  }
  if (modelType === 'gpt2') {
    Object.assign(config, {
      n_embd: hidden,
      n_layer: layers,
      n_head: need('attention.head_count'),
      n_positions: need('context_length'),
      n_inner: num('feed_forward_length'),
    });
    return { config, architecture: arch, warnings };
  }
  const heads = need('attention.head_count');
  const kvHeads = num('attention.head_count_kv') ?? heads;
  Object.assign(config, {
    hidden_size: hidden,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    intermediate_size: num('feed_forward_length'),
    sliding_window: num('attention.sliding_window'),
    attention_bias: tensor('blk.0.attn_q.bias') !== undefined,
  });
  const keyLength = num('attention.key_length');
  if (keyLength !== undefined && modelType !== 'deepseek_v2') config['head_dim'] = keyLength;
  if (modelType === 'falcon') {
    Object.assign(config, {
      new_decoder_architecture: kvHeads > 1,
      num_kv_heads: kvHeads,
      multi_query: kvHeads === 1,
      bias: tensor('blk.0.attn_qkv.bias') !== undefined,
      ffn_hidden_size: num('feed_forward_length'),
    });
  }
  if (experts > 1) {
    const used = need('expert_used_count');
    const expertFfn = num('expert_feed_forward_length') ?? num('feed_forward_length');
    Object.assign(config, {
      num_local_experts: experts,
      num_experts: experts,
      n_routed_experts: experts,
      num_experts_per_tok: used,
      moe_intermediate_size: expertFfn,
      shared_expert_intermediate_size: num('expert_shared_feed_forward_length') ?? 0,
    });
    if (modelType === 'mixtral' || modelType === 'gpt_oss') config['intermediate_size'] = expertFfn;
  }
  if (modelType === 'deepseek_v2') {
    const rope = need('rope.dimension_count');
    const mlaKey = num('attention.key_length_mla') ?? need('attention.key_length');
    const mlaValue = num('attention.value_length_mla') ?? need('attention.value_length');
    const hasRouterBias = header.tensors.some((t) => t.name.endsWith('exp_probs_b.bias'));
    Object.assign(config, {
      model_type: hasRouterBias ? 'deepseek_v3' : 'deepseek_v2',
      q_lora_rank: num('attention.q_lora_rank') ?? null,
      kv_lora_rank: need('attention.kv_lora_rank'),
      qk_rope_head_dim: rope,
      qk_nope_head_dim: mlaKey - rope,
      v_head_dim: mlaValue,
      n_shared_experts: num('expert_shared_count') ?? 0,
      first_k_dense_replace: num('leading_dense_block_count') ?? 0,
      topk_method: hasRouterBias ? 'noaux_tc' : 'greedy',
      num_nextn_predict_layers: num('nextn_predict_layers') ?? 0,
    });
  }
  return { config, architecture: arch, warnings };
}
