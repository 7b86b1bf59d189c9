import { describe, expect, it } from 'vitest';
import { CostwiseError } from '../errors.js';
import { architectureFromConfig } from './build.js';
import { configFromGguf } from './gguf.js';
import { inspectModel } from './inspect.js';
import { countParams } from './params.js';
import {
  classifyTensor,
  countTensors,
  parseSafetensorsHeader,
  tensorParams,
  type TensorInfo,
} from './tensors.js';

const TINY_LLAMA = {
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 160,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 1000,
  tie_word_embeddings: false,
};

/** The tensors transformers' LlamaForCausalLM stores for TINY_LLAMA (names and shapes). */
function tinyLlamaTensors(): TensorInfo[] {
  const h = 64;
  const t: TensorInfo[] = [{ name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [1000, h] }];
  for (let i = 0; i < 2; i++) {
    const p = `model.layers.${i}`;
    t.push(
      { name: `${p}.self_attn.q_proj.weight`, dtype: 'BF16', shape: [h, h] },
      { name: `${p}.self_attn.k_proj.weight`, dtype: 'BF16', shape: [32, h] },
      { name: `${p}.self_attn.v_proj.weight`, dtype: 'BF16', shape: [32, h] },
      { name: `${p}.self_attn.o_proj.weight`, dtype: 'BF16', shape: [h, h] },
      { name: `${p}.mlp.gate_proj.weight`, dtype: 'BF16', shape: [160, h] },
      { name: `${p}.mlp.up_proj.weight`, dtype: 'BF16', shape: [160, h] },
      { name: `${p}.mlp.down_proj.weight`, dtype: 'BF16', shape: [h, 160] },
      { name: `${p}.input_layernorm.weight`, dtype: 'BF16', shape: [h] },
      { name: `${p}.post_attention_layernorm.weight`, dtype: 'BF16', shape: [h] },
    );
  }
  t.push(
    { name: 'model.norm.weight', dtype: 'BF16', shape: [h] },
    { name: 'lm_head.weight', dtype: 'BF16', shape: [1000, h] },
  );
  return t;
}

/** A safetensors file's first bytes: u64 little-endian header length, then the JSON header. */
function safetensorsBytes(tensors: readonly TensorInfo[]): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors headers', () => {
  it('parses the header and counts the same parameters as the config, component by component', () => {
    const tensors = parseSafetensorsHeader(safetensorsBytes(tinyLlamaTensors()));
    expect(tensors).toHaveLength(2 * 9 + 3);
    const fromConfig = countParams(architectureFromConfig(TINY_LLAMA));
    const fromTensors = countTensors(tensors, { mainLayers: 2 });
    expect(fromTensors.total).toBe(fromConfig.total);
    for (const [k, v] of Object.entries(fromTensors.byClass)) expect(v).toBe(fromConfig.byComponent[k]);
    const report = inspectModel({ source: 'safetensors', id: 'tiny', config: TINY_LLAMA, tensors });
    expect(report.warnings).toEqual([]);
    expect(report.params.total).toBe(fromConfig.total);
  });

  it('the tensors are the truth: a difference from the config is reported per component', () => {
    const tensors = [
      ...tinyLlamaTensors(),
      { name: 'model.layers.0.self_attn.q_proj.bias', dtype: 'BF16', shape: [64] },
    ];
    const report = inspectModel({ source: 'safetensors', id: 'tiny', config: TINY_LLAMA, tensors });
    expect(report.params.total).toBe(report.params.configDerivedTotal + 64);
    expect(report.warnings.join('\n')).toMatch(/attention: the tensors hold .* \(\+64\)/);
  });

  it.each([
    ['model.layers.3.self_attn.q_a_layernorm.weight', 'attention'],
    ['model.layers.3.mlp.experts.17.down_proj.weight', 'experts'],
    ['model.layers.3.mlp.shared_experts.up_proj.weight', 'sharedExperts'],
    ['model.layers.3.mlp.gate.e_score_correction_bias', 'router'],
    ['model.layers.61.eh_proj.weight', 'mtp'],
    ['model.layers.3.mlp.experts.17.down_proj.weight_scale_inv', 'quantization'],
    ['model.layers.0.block_sparse_moe.gate.weight', 'router'],
    ['transformer.blocks.0.norm_attn_norm.attn.Wqkv.weight', 'attention'],
    ['transformer.blocks.0.norm_attn_norm.norm_1.weight', 'norms'],
    ['transformer.blocks.0.ffn.experts.mlp.w1', 'experts'],
    ['transformer.h.0.attn.bias', 'buffer'],
    ['transformer.h.0.attn.c_attn.bias', 'attention'],
    ['backbone.layers.0.mixer.A_log', 'ssm'],
    ['backbone.embeddings.weight', 'embeddings'],
    ['vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight', 'vision'],
    ['multi_modal_projector.mm_input_projection_weight', 'projector'],
    ['model.layers.0.mlp.experts.gate_up_proj_blocks', 'experts'],
    ['model.layers.0.mlp.experts.gate_up_proj_scales', 'quantization'],
    ['blk.0.ffn_gate_exps.weight', 'experts'],
    ['blk.0.ffn_gate_inp.weight', 'router'],
    ['blk.0.attn_norm.weight', 'norms'],
    ['blk.0.attn_k_norm.weight', 'attention'],
    ['output_norm.weight', 'norms'],
    ['output.weight', 'lmHead'],
    ['token_embd.weight', 'embeddings'],
  ])('%s → %s', (name, cls) => {
    expect(classifyTensor(name, 61)).toBe(cls);
  });

  it('packed weights count the parameters they hold (gpt-oss MXFP4 blocks, GPTQ qweight)', () => {
    // gpt-oss-20b: U8 19,110,297,600 = 24 × 32 × 3 × 2880 × 2880 / 2 bytes… counted as 2 values per byte (HF Hub count)
    expect(
      tensorParams(
        { name: 'model.layers.0.mlp.experts.down_proj_blocks', dtype: 'U8', shape: [32, 2880, 90, 16] },
        4,
      ),
    ).toBe(32 * 2880 * 2880);
    expect(
      tensorParams({ name: 'model.layers.0.mlp.down_proj.qweight', dtype: 'I32', shape: [1792, 4096] }, 4),
    ).toBe(14336 * 4096);
  });

  it.each([
    [new Uint8Array([1, 2, 3]), 'shorter than the 8-byte'],
    [new Uint8Array([255, 255, 255, 255, 255, 255, 0, 0, 1]), 'implausible'],
    [
      (() => {
        const b = new Uint8Array(12);
        b[0] = 100;
        return b;
      })(),
      'truncated',
    ],
    [
      (() => {
        const b = new Uint8Array(11);
        b[0] = 3;
        b.set([123, 123, 123], 8);
        return b;
      })(),
      'not valid JSON',
    ],
  ])('rejects malformed input with a clear error (%#)', (bytes, message) => {
    expect(() => parseSafetensorsHeader(bytes)).toThrow(CostwiseError);
    expect(() => parseSafetensorsHeader(bytes)).toThrow(message);
  });

  it('names the tensor and field of a bad entry', () => {
    const bytes = safetensorsBytes([{ name: 'x.weight', dtype: 'BF16', shape: [2, 2] }]);
    const text = new TextDecoder().decode(bytes.subarray(8)).replace('"BF16"', '"Q9"');
    const enc = new TextEncoder().encode(text);
    const bad = new Uint8Array(8 + enc.length);
    new DataView(bad.buffer).setBigUint64(0, BigInt(enc.length), true);
    bad.set(enc, 8);
    expect(() => parseSafetensorsHeader(bad)).toThrow('safetensors.x.weight.dtype');
  });
});

describe('GGUF metadata', () => {
  const header = {
    metadata: {
      'general.architecture': 'llama',
      'llama.block_count': 2,
      'llama.embedding_length': 64,
      'llama.feed_forward_length': 160,
      'llama.attention.head_count': 4,
      'llama.attention.head_count_kv': 2,
      'llama.context_length': 4096,
    },
    tensors: tinyLlamaTensors().map((t) => ({
      name: t.name
        .replace('model.embed_tokens', 'token_embd')
        .replace('lm_head', 'output')
        .replace('model.norm', 'output_norm')
        .replace(/model\.layers\.(\d+)\.self_attn\.(\w)_proj/, 'blk.$1.attn_$2')
        .replace(/model\.layers\.(\d+)\.mlp\.(\w+)_proj/, 'blk.$1.ffn_$2')
        .replace(/model\.layers\.(\d+)\.input_layernorm/, 'blk.$1.attn_norm')
        .replace(/model\.layers\.(\d+)\.post_attention_layernorm/, 'blk.$1.ffn_norm'),
      dtype: 'Q8_0',
      shape: [...t.shape].reverse(),
    })),
  };

  it('translates llama.* keys into the config fields the adapters read', () => {
    const { config } = configFromGguf(header);
    expect(config).toMatchObject({
      model_type: 'llama',
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      intermediate_size: 160,
      vocab_size: 1000,
      tie_word_embeddings: false,
      max_position_embeddings: 4096,
    });
  });

  it('counts the same parameters from GGUF tensor names as from the config', () => {
    const report = inspectModel({ source: 'gguf', id: 'tiny.gguf', header });
    expect(report.params.total).toBe(countParams(architectureFromConfig(TINY_LLAMA)).total);
    expect(report.warnings).toEqual([]);
    expect(report.tensors?.dtypes).toEqual({ Q8_0: report.params.total });
  });

  it('names the missing key of an incomplete header', () => {
    const rest = Object.fromEntries(
      Object.entries(header.metadata).filter(([k]) => k !== 'llama.embedding_length'),
    );
    expect(() => configFromGguf({ ...header, metadata: rest })).toThrow('gguf.llama.embedding_length');
  });
});
