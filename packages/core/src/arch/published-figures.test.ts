import { describe, expect, it } from 'vitest';
import { findCatalogModel } from '../catalog/index.js';
import { architectureFromConfig } from './build.js';
import { inspectModel } from './inspect.js';
import { countParams } from './params.js';

function counts(id: string) {
  const m = findCatalogModel(id);
  if (!m) throw new Error(`no catalog model ${id}`);
  return countParams(architectureFromConfig(m.config));
}

/**
 * Exact totals, to the parameter. `published` is the figure as published; `adjust` is what the
 * publisher's count includes that Costwise's convention (every parameter of the main model, stored
 * once) does not, with its reason. Fuller citations are in each catalog entry's `sources.params`.
 */
const TOTALS: readonly {
  id: string;
  family: string;
  published: number;
  adjust?: number;
  source: string;
}[] = [
  {
    id: 'llama-3.1-8b',
    family: 'dense',
    published: 8_030_261_248,
    source: 'HF safetensors total_size 16,060,522,496 B / 2 (bf16), meta-llama/Llama-3.1-8B',
  },
  {
    id: 'llama-3.1-70b',
    family: 'dense',
    published: 70_553_706_496,
    source: 'HF Hub safetensors parameter count, meta-llama/Llama-3.1-70B',
  },
  {
    id: 'llama-3.1-405b',
    family: 'dense',
    published: 405_853_388_800,
    source: 'HF Hub safetensors parameter count, meta-llama/Llama-3.1-405B',
  },
  {
    id: 'llama-3.3-70b',
    family: 'dense',
    published: 70_553_706_496,
    source: 'HF Hub safetensors parameter count, Llama-3.3-70B-Instruct',
  },
  {
    id: 'llama-2-7b',
    family: 'dense',
    published: 6_738_415_616,
    source:
      'keras-hub llama2_7b_en preset params; Together model_param_count; reference memory-calibration.json',
  },
  {
    id: 'mistral-7b-v0.1',
    family: 'dense',
    published: 7_241_732_096,
    source: 'keras-hub mistral_7b_en preset params; HF Hub parameter count',
  },
  {
    id: 'mistral-nemo-12b',
    family: 'dense',
    published: 12_247_782_400,
    source: 'HF Hub safetensors parameter count, Mistral-Nemo-Instruct-2407',
  },
  {
    id: 'qwen2.5-7b',
    family: 'dense',
    published: 7_615_616_512,
    source: 'Qwen2.5-7B-Instruct model.safetensors.index.json total_size 15,231,233,024 B / 2',
  },
  {
    id: 'qwen2.5-72b',
    family: 'dense',
    published: 72_706_203_648,
    source: 'HF Hub safetensors parameter count, Qwen2.5-72B-Instruct',
  },
  {
    id: 'qwen3-8b',
    family: 'dense',
    published: 8_190_735_360,
    source: 'Qwen/Qwen3-8B safetensors index (399 BF16 tensors), total_size / 2',
  },
  {
    id: 'gemma-2-9b',
    family: 'dense',
    published: 9_241_705_984,
    source: 'HF Hub safetensors parameter count, google/gemma-2-9b',
  },
  {
    id: 'gemma-3-27b',
    family: 'dense',
    published: 27_432_406_640,
    source: 'HF Hub safetensors parameter count, google/gemma-3-27b (vision tower included)',
  },
  {
    id: 'phi-4',
    family: 'dense',
    published: 14_659_507_200,
    source: 'HF Hub safetensors parameter count, microsoft/phi-4',
  },
  {
    id: 'falcon-7b',
    family: 'dense',
    published: 7_217_189_760,
    adjust: 65_024 * 4_544,
    source:
      'model_size 7,217,189,760 in a fine-tuning model table; includes lm_head stored beside the tied word_embeddings (65,024 × 4,544)',
  },
  {
    id: 'mixtral-8x7b',
    family: 'moe',
    published: 46_702_792_704,
    source:
      'keras-hub mixtral_8_7b_en preset params; HF total (reference memory-calibration.json S_MIXTRAL_COUNT)',
  },
  {
    id: 'mixtral-8x22b',
    family: 'moe',
    published: 140_620_634_112,
    source: 'HF safetensors total, mistral-community/Mixtral-8x22B-v0.1',
  },
  {
    id: 'deepseek-v2',
    family: 'moe',
    published: 235_741_434_880,
    source:
      'HF safetensors total, deepseek-ai/DeepSeek-V2 (reference memory-calibration.json S_HFTOTALS_AUDIT)',
  },
  {
    id: 'deepseek-r1',
    family: 'moe',
    published: 684_489_845_504,
    adjust: 13_463_426_304,
    source:
      'HF Hub count of deepseek-ai/DeepSeek-R1 (BF16 3,918,786,560 + F8_E4M3 680,571,043,840 + F32 15,104); includes the MTP module (671B main + 14B MTP, DeepSeek-V3 README)',
  },
  {
    id: 'qwen3-30b-a3b',
    family: 'moe',
    published: 30_532_122_624,
    source: 'Qwen/Qwen3-30B-A3B safetensors index total_size / 2 (reference memory-calibration.json)',
  },
  {
    id: 'qwen3-235b-a22b',
    family: 'moe',
    published: 235_093_634_560,
    source: 'Qwen3-235B-A22B index metadata.total_size 470,187,269,120 B / 2',
  },
  {
    id: 'qwen1.5-moe-a2.7b',
    family: 'moe',
    published: 14_315_784_192,
    source: 'HF Hub safetensors parameter count, Qwen/Qwen1.5-MoE-A2.7B',
  },
  {
    id: 'gpt-oss-20b',
    family: 'moe',
    published: 20_914_757_184,
    source: 'HF Hub count (BF16 1,804,459,584 + MXFP4 U8 weights 19,110,297,600); model card Table 1: 20.91B',
  },
  {
    id: 'gpt-oss-120b',
    family: 'moe',
    published: 116_829_156_672,
    source: 'HF Hub safetensors count, openai/gpt-oss-120b; model card Table 1: 116.83B',
  },
  {
    id: 'llama-4-scout',
    family: 'moe',
    published: 108_641_793_536,
    source: 'HF Hub safetensors count, Llama-4-Scout-17B-16E-Instruct (vision encoder + projector included)',
  },
  {
    id: 'phi-3.5-moe',
    family: 'moe',
    published: 41_873_153_344,
    source: 'exact count 41,873,153,344 quoted for microsoft/Phi-3.5-MoE-instruct',
  },
  {
    id: 'gemma-2b',
    family: 'slm',
    published: 2_506_172_416,
    source: 'keras-hub gemma_2b_en preset params; reference memory-calibration.json S_NUMPARAMS_DICT',
  },
  {
    id: 'phi-3-mini-4k',
    family: 'slm',
    published: 3_821_079_552,
    source: 'HF Hub safetensors count, microsoft/Phi-3-mini-4k-instruct',
  },
  {
    id: 'qwen1.5-1.8b',
    family: 'slm',
    published: 1_836_828_672,
    source: 'HF Hub safetensors count, Qwen/Qwen1.5-1.8B',
  },
  {
    id: 'llama-3.2-1b',
    family: 'slm',
    published: 1_235_814_400,
    source: 'HF Hub safetensors count, Llama-3.2-1B-Instruct (tied embeddings)',
  },
  {
    id: 'qwen3-0.6b',
    family: 'slm',
    published: 751_632_384,
    adjust: 151_936 * 1_024,
    source:
      'HF stored tensors of Qwen/Qwen3-0.6B; the checkpoint stores lm_head although config ties it (151,936 × 1,024)',
  },
  {
    id: 'gpt2',
    family: 'slm',
    published: 124_439_808,
    source:
      'keras-hub gpt2_base_en preset params (the Hub shows 137,022,720: it adds 12 × 1024² attention-mask buffers)',
  },
  {
    id: 'mamba-2.8b',
    family: 'ssm',
    published: 2_768_345_600,
    source:
      "ROCm blogs mamba README benchmark 'Number of parameters: 2768345600'; reference memory-calibration.json S_MAMBA",
  },
  {
    id: 'mamba-130m',
    family: 'ssm',
    published: 129_135_360,
    source: 'model_sizes table, mamba-130m-hf = 129,135,360',
  },
  {
    id: 'jamba-1.5-mini',
    family: 'hybrid',
    published: 51_570_323_328,
    source: 'Jamba 1.5 Mini model.safetensors.index.json total_size 103,140,646,656 B / 2',
  },
];

describe('exact parameter totals against published figures', () => {
  it.each(TOTALS)('$id = $published − ($adjust) [$source]', ({ id, family, published, adjust }) => {
    expect(counts(id).total).toBe(published - (adjust ?? 0));
    expect(findCatalogModel(id)?.family).toBe(family);
  });

  it('covers at least 20 models and every open family', () => {
    expect(TOTALS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(TOTALS.map((t) => t.family))).toEqual(new Set(['dense', 'moe', 'slm', 'ssm', 'hybrid']));
  });

  it('DeepSeek-V3: 671B main model, MTP reported separately (685B = 671B + 14B, DeepSeek-V3 README)', () => {
    const c = counts('deepseek-v3');
    expect(c.total).toBe(671_026_419_200);
    expect(c.mtp).toBe(13_463_426_304);
    expect(c.byComponent['mtp']).toBe(13_463_426_304);
  });
});

/**
 * Active parameters against the publishers' rounded figures, in each publisher's convention:
 * `withEmbedding` counts the input embedding matrix (Mixtral's 12.9B), otherwise not (DeepSeek,
 * gpt-oss). `rounding`: 'nearest' or 'down' (Qwen and DeepSeek-V2-Lite truncate: 3.35B → "3.3B").
 */
const ACTIVE: readonly {
  id: string;
  published: number;
  unit: number;
  withEmbedding: boolean;
  rounding: 'nearest' | 'down';
  source: string;
}[] = [
  {
    id: 'mixtral-8x7b',
    published: 12.9e9,
    unit: 1e8,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'Mistral AI, Mixtral announcement: 12.9B per token',
  },
  {
    id: 'mixtral-8x22b',
    published: 39e9,
    unit: 1e9,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'Mistral AI, Mixtral 8x22B announcement: 39B active',
  },
  {
    id: 'deepseek-v2',
    published: 21e9,
    unit: 1e9,
    withEmbedding: false,
    rounding: 'nearest',
    source: 'deepseek-ai/DeepSeek-V2 README: 21B activated',
  },
  {
    id: 'deepseek-v3',
    published: 37e9,
    unit: 1e9,
    withEmbedding: false,
    rounding: 'nearest',
    source: 'deepseek-ai/DeepSeek-V3 README: 37B activated',
  },
  {
    id: 'deepseek-v2-lite',
    published: 2.4e9,
    unit: 1e8,
    withEmbedding: false,
    rounding: 'down',
    source: 'deepseek-ai/DeepSeek-V2-Lite README: 2.4B activated',
  },
  {
    id: 'dbrx',
    published: 36e9,
    unit: 1e9,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'databricks/dbrx MODEL_CARD_dbrx_base.md: 36B active',
  },
  {
    id: 'qwen3-30b-a3b',
    published: 3.3e9,
    unit: 1e8,
    withEmbedding: true,
    rounding: 'down',
    source: 'Qwen3-30B-A3B model card: 3.3B activated',
  },
  {
    id: 'qwen3-235b-a22b',
    published: 22e9,
    unit: 1e9,
    withEmbedding: true,
    rounding: 'down',
    source: 'Qwen3-235B-A22B model card: 22B activated',
  },
  {
    id: 'qwen1.5-moe-a2.7b',
    published: 2.7e9,
    unit: 1e8,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'Qwen1.5-MoE-A2.7B model card: 2.7B activated',
  },
  {
    id: 'qwen2-57b-a14b',
    published: 14e9,
    unit: 1e9,
    withEmbedding: true,
    rounding: 'down',
    source: 'Qwen2-57B-A14B model card: 14B activated',
  },
  {
    id: 'gpt-oss-120b',
    published: 5.13e9,
    unit: 1e7,
    withEmbedding: false,
    rounding: 'nearest',
    source: 'gpt-oss model card Table 1: 5.13B active (unembedding counted, embedding not)',
  },
  {
    id: 'gpt-oss-20b',
    published: 3.61e9,
    unit: 1e7,
    withEmbedding: false,
    rounding: 'nearest',
    source: 'gpt-oss model card Table 1: 3.61B active',
  },
  {
    id: 'llama-4-scout',
    published: 17e9,
    unit: 1e9,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'Meta Llama 4 model card: 17B activated',
  },
  {
    id: 'phi-3.5-moe',
    published: 6.6e9,
    unit: 1e8,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'Phi-3.5-MoE model card: 6.6B active parameters',
  },
  {
    id: 'jamba-1.5-mini',
    published: 12e9,
    unit: 1e9,
    withEmbedding: true,
    rounding: 'nearest',
    source: 'AI21 Jamba 1.5 Mini card: 12B active / 52B total',
  },
];

describe('active parameters per token against published figures', () => {
  it.each(ACTIVE)('$id ≈ $published [$source]', ({ id, published, unit, withEmbedding, rounding }) => {
    const c = counts(id);
    const ours = withEmbedding ? c.activePerToken : c.activePerTokenExcludingEmbeddings;
    const rounded = rounding === 'down' ? Math.floor(ours / unit) * unit : Math.round(ours / unit) * unit;
    expect(rounded).toBeCloseTo(published, -1);
  });

  it('Mixtral 8x7B: 46.7B total, 12.88B active, cost reduction ≈ 72% (lecture: 1 − 13/47)', () => {
    const m = findCatalogModel('mixtral-8x7b');
    if (!m) throw new Error('missing');
    const r = inspectModel({ source: 'catalog', id: m.id, config: m.config });
    expect(r.params.activePerToken).toBe(12_879_925_248);
    expect(r.moe?.costReduction).toBeCloseTo(0.7242, 4);
    expect(Math.round((r.moe?.costReduction ?? 0) * 100)).toBe(72);
    expect(r.moe).toMatchObject({ experts: 8, expertsPerToken: 2, sharedExperts: 0 });
  });

  it('DeepSeek-V3 MoE summary: 256 routed experts, 8 per token, 1 shared, 58 MoE layers', () => {
    const m = findCatalogModel('deepseek-v3');
    if (!m) throw new Error('missing');
    const r = inspectModel({ source: 'catalog', id: m.id, config: m.config });
    expect(r.moe).toMatchObject({ experts: 256, expertsPerToken: 8, sharedExperts: 1, moeLayers: 58 });
  });
});

describe('per-component counts', () => {
  it('gpt-oss-120b matches the model card component table (MLP 114.71B, attention 0.96B, embed+unembed 1.16B)', () => {
    const c = counts('gpt-oss-120b');
    const mlp = (c.byComponent['experts'] ?? 0) + (c.byComponent['router'] ?? 0);
    expect(Math.round(mlp / 1e7) / 100).toBe(114.71);
    expect(Math.round((c.byComponent['attention'] ?? 0) / 1e7) / 100).toBe(0.96);
    expect(
      Math.round(((c.byComponent['embeddings'] ?? 0) + (c.byComponent['lmHead'] ?? 0)) / 1e7) / 100,
    ).toBe(1.16);
  });

  it('Gemma 3 4B: SigLIP vision tower 416,866,032 + projector 2,950,272 (tensor shapes, google/gemma-3-4b)', () => {
    const c = counts('gemma-3-4b');
    expect(c.byComponent['vision']).toBe(416_866_032);
    expect(c.byComponent['projector']).toBe(1152 * 2560 + 1152);
    expect(c.activePerToken).toBe(c.total - 416_866_032 - 2_950_272);
  });

  it('Qwen2.5-7B: 6.53B non-embedding parameters (Qwen2.5 model card)', () => {
    const c = counts('qwen2.5-7b');
    const nonEmbedding = c.total - (c.byComponent['embeddings'] ?? 0) - (c.byComponent['lmHead'] ?? 0);
    expect(Math.round(nonEmbedding / 1e7) / 100).toBe(6.53);
  });

  it('tied embeddings are counted once (Llama 3.2 1B has no lm_head)', () => {
    const c = counts('llama-3.2-1b');
    expect(c.byComponent['lmHead']).toBe(0);
    expect(c.byComponent['embeddings']).toBe(128_256 * 2_048);
  });
});
