import { describe, expect, it } from 'vitest';
import { findCatalogModel } from '../catalog/index.js';
import { architectureFromConfig } from './build.js';
import { attentionScoreCount } from './complexity.js';
import { kvCache, kvCacheBytes, stateBytesPerSequence16Bit } from './kv-cache.js';

function arch(id: string) {
  const m = findCatalogModel(id);
  if (!m) throw new Error(`no catalog model ${id}`);
  return architectureFromConfig(m.config);
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The lecture's KV example under its own assumptions: 32 layers, 32 KV heads (MHA), head_dim 128. */
const LECTURE_MHA_8B = {
  model_type: 'llama',
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 32,
  vocab_size: 128256,
};

describe('KV-cache bytes per token (16-bit)', () => {
  it.each([
    {
      id: 'llama-3.1-8b',
      bytes: 131_072,
      source: '2 × 32 layers × 8 KV heads × 128 × 2 B (GQA; memory-notes.md ground rules)',
    },
    { id: 'llama-2-7b', bytes: 524_288, source: 'reference memory-calibration.json: 2·32·32·128·2 (MHA)' },
    {
      id: 'mixtral-8x7b',
      bytes: 131_072,
      source: 'llama.cpp#4381 log: KV self size 64.00 MiB at n_ctx 512 = 131,072 B/token',
    },
    { id: 'qwen2.5-7b', bytes: 57_344, source: 'reference memory-calibration.json: 2·28·4·128·2 = 56 KiB' },
    { id: 'qwen3-8b', bytes: 147_456, source: '2 × 36 × 8 × head_dim 128 × 2 (explicit head_dim)' },
    {
      id: 'deepseek-v2',
      bytes: 69_120,
      source:
        'MLA latent, no ×2: 60 × (512 + 64) × 2 B (DeepSeek-V2 report Table 1; memory-calibration.json)',
    },
    {
      id: 'deepseek-v3',
      bytes: 70_272,
      source: 'MLA latent: 61 × (512 + 64) × 2 B; vLLM MLAAttentionSpec 576 elements',
    },
    { id: 'mamba-2.8b', bytes: 0, source: 'no attention layers: constant state instead' },
    {
      id: 'jamba-1.5-mini',
      bytes: 16_384,
      source: '4 attention layers of 32 (period 8, offset 4) × 2 × 8 × 128 × 2 B',
    },
  ])('$id: $bytes B [$source]', ({ id, bytes }) => {
    expect(kvCache(arch(id)).bytesPerToken16Bit).toBe(bytes);
  });

  it("the lecture's MHA example (32 KV heads, 2K tokens) is 1 GiB; real Llama 3 8B (GQA, 8 KV heads) 256 MiB", () => {
    const mha = architectureFromConfig(LECTURE_MHA_8B);
    expect(kvCacheBytes(mha, { contextTokens: 2048, batch: 1, bytesPerElement: 2 })).toBe(GiB);
    expect(kvCacheBytes(arch('llama-3-8b'), { contextTokens: 2048, batch: 1, bytesPerElement: 2 })).toBe(
      256 * MiB,
    );
  });

  it("the VRAM slide's 175B example (96 layers, 96 heads, d_head 128, seq 4096, batch 4) is 77.3 GB, not 96 GB (seed/NOTES.md)", () => {
    const gpt3 = architectureFromConfig({
      model_type: 'llama',
      hidden_size: 12288,
      intermediate_size: 49152,
      num_hidden_layers: 96,
      num_attention_heads: 96,
      vocab_size: 50257,
    });
    const bytes = kvCacheBytes(gpt3, { contextTokens: 4096, batch: 4, bytesPerElement: 2 });
    expect(bytes).toBe(2 * 96 * 96 * 128 * 4096 * 4 * 2);
    expect(Math.round(bytes / 1e8) / 10).toBe(77.3);
    expect(Math.floor(bytes / GiB)).toBe(72);
  });

  it('llama.cpp measured Mixtral KV: 64.00 MiB at n_ctx 512 (ggml-org/llama.cpp#4381)', () => {
    expect(kvCacheBytes(arch('mixtral-8x7b'), { contextTokens: 512, batch: 1, bytesPerElement: 2 })).toBe(
      64 * MiB,
    );
  });
});

describe('per-layer specs', () => {
  it("Mistral 7B v0.1 declares its 4,096-token window on every layer, and the planner's cap applies", () => {
    const a = arch('mistral-7b-v0.1');
    const layers = kvCache(a).layers;
    expect(layers).toHaveLength(32);
    expect(layers.every((l) => l.kind === 'sliding' && l.windowTokens === 4096)).toBe(true);
    const at4k = kvCacheBytes(a, { contextTokens: 4096, batch: 1, bytesPerElement: 2 });
    expect(kvCacheBytes(a, { contextTokens: 32768, batch: 1, bytesPerElement: 2 })).toBe(at4k);
  });

  it('Gemma 2 alternates sliding (4,096) and global layers', () => {
    const layers = kvCache(arch('gemma-2-9b')).layers;
    expect(layers.filter((l) => l.kind === 'sliding')).toHaveLength(21);
    expect(layers[0]).toMatchObject({ kind: 'sliding', windowTokens: 4096 });
    expect(layers[1]).toMatchObject({ kind: 'full', windowTokens: null });
  });

  it('Gemma 3 has five local layers per global one (layers 5, 11, … are global)', () => {
    const layers = kvCache(arch('gemma-3-4b')).layers;
    expect(layers.filter((l) => l.kind === 'full').map((l) => l.layer)).toEqual([5, 11, 17, 23, 29]);
    expect(layers[0]?.windowTokens).toBe(1024);
  });

  it('DeepSeek-V2 caches one 576-element latent per layer (MLA, kv_lora_rank 512 + rope 64)', () => {
    const layers = kvCache(arch('deepseek-v2')).layers;
    expect(layers.every((l) => l.kind === 'mla' && l.kvHeads === 1 && l.elementsPerToken === 576)).toBe(true);
  });

  it('Mamba has no KV layers; its state is conv (d_inner × 4) + SSM (d_inner × 16) per layer', () => {
    const a = arch('mamba-2.8b');
    expect(kvCache(a).layers.every((l) => l.kind === 'none')).toBe(true);
    // reference memory-calibration.json: mamba_ssm convention 13,107,200 B; vLLM keeps k−1 conv columns: 12,451,840 B
    expect(stateBytesPerSequence16Bit(a)).toBe(13_107_200);
    expect(stateBytesPerSequence16Bit(a, 'vllm')).toBe(12_451_840);
  });

  it('Jamba caches only its attention layers', () => {
    const layers = kvCache(arch('jamba-1.5-mini')).layers;
    expect(layers.filter((l) => l.kind === 'full').map((l) => l.layer)).toEqual([4, 12, 20, 28]);
  });

  it('gpt-oss alternates 128-token banded windows and full attention', () => {
    const layers = kvCache(arch('gpt-oss-20b')).layers;
    expect(layers[0]).toMatchObject({ kind: 'sliding', windowTokens: 128 });
    expect(layers[1]).toMatchObject({ kind: 'full' });
  });

  it('Llama 4 Scout: chunked attention (8,192) on RoPE layers, global on every 4th (NoPE)', () => {
    const layers = kvCache(arch('llama-4-scout')).layers;
    expect(layers.filter((l) => l.kind === 'full').map((l) => l.layer)).toEqual(
      Array.from({ length: 12 }, (_, i) => 4 * i + 3),
    );
    expect(layers[0]).toMatchObject({ kind: 'chunked', windowTokens: 8192 });
  });
});

describe("the lecture's attention-score counts", () => {
  it.each([
    { n: 512, scores: 262_144, slide: '262K' },
    { n: 2048, scores: 4_194_304, slide: '4.2M' },
    { n: 8192, scores: 67_108_864, slide: '67M' },
  ])('$n tokens → $scores scores ($slide)', ({ n, scores }) => {
    expect(attentionScoreCount(n)).toBe(scores);
  });
});
