import { describe, expect, it } from 'vitest';
import { CostwiseError } from '../errors.js';
import { architectureFromConfig } from './build.js';
import { countParams } from './params.js';

const LLAMA_LIKE = {
  hidden_size: 256,
  intermediate_size: 688,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  vocab_size: 5000,
};

describe('architectureFromConfig', () => {
  it('reads an unknown model_type with standard fields as a generic Llama-layout decoder, with a warning', () => {
    const generic = architectureFromConfig({ ...LLAMA_LIKE, model_type: 'granite' });
    const llama = architectureFromConfig({ ...LLAMA_LIKE, model_type: 'llama' });
    expect(countParams(generic).total).toBe(countParams(llama).total);
    expect(generic.modelType).toBe('granite');
    expect(generic.warnings).toHaveLength(1);
    expect(generic.warnings[0]).toMatch(/unknown model_type "granite": counted as a generic decoder/);
  });

  it('an unknown model_type that declares experts is read in the Mixtral layout', () => {
    const a = architectureFromConfig({
      ...LLAMA_LIKE,
      model_type: 'newmoe',
      num_experts: 8,
      num_experts_per_tok: 2,
      moe_intermediate_size: 128,
    });
    expect(a.layers.every((l) => l.mlp.kind === 'moe' && l.mlp.expertIntermediateSize === 128)).toBe(true);
    expect(a.warnings[0]).toMatch(/generic MoE decoder/);
  });

  it('an unknown model_type without the standard fields names the missing field', () => {
    expect(() => architectureFromConfig({ model_type: 'exotic', d_embed: 64 })).toThrow(
      /config\.hidden_size: .*model_type "exotic" is not known/,
    );
  });

  it('recognises the original mamba_ssm config, which has no model_type', () => {
    const a = architectureFromConfig({
      d_model: 768,
      n_layer: 24,
      vocab_size: 50277,
      pad_vocab_size_multiple: 8,
    });
    expect(a.modelType).toBe('mamba');
    expect(a.vocabSize).toBe(50280);
    // state-spaces/mamba-130m: 129,135,360 parameters (HF mamba-130m-hf count)
    expect(countParams(a).total).toBe(129_135_360);
  });

  it('rejects Mamba-2 blocks as unsupported rather than miscounting them', () => {
    expect(() =>
      architectureFromConfig({ d_model: 768, n_layer: 24, vocab_size: 50277, ssm_cfg: { layer: 'Mamba2' } }),
    ).toThrow(CostwiseError);
  });

  it('Gemma 3: a sparse Hub text_config is completed with Gemma3TextConfig defaults', () => {
    const a = architectureFromConfig({
      model_type: 'gemma3',
      text_config: {
        hidden_size: 2560,
        intermediate_size: 10240,
        num_hidden_layers: 34,
        sliding_window: 1024,
      },
      vision_config: {
        hidden_size: 1152,
        intermediate_size: 4304,
        num_hidden_layers: 27,
        image_size: 896,
        patch_size: 14,
      },
    });
    expect(a.vocabSize).toBe(262_208);
    // google/gemma-3-4b-it: 4,300,079,472 parameters (HF safetensors count)
    expect(countParams(a).total).toBe(4_300_079_472);
  });
});
