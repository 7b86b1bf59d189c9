import { describe, expect, it } from 'vitest';
import { architectureFromConfig, kvCacheBytes, tensorGroups } from '../arch/index.js';
import {
  findCatalogModel,
  findGpu,
  PRECISIONS,
  resolvePrecision,
  type ResolvedPrecision,
} from '../catalog/index.js';
import { ENGINE_PROFILES } from './engines.js';
import { fitModel, layoutEvaluator } from './fit.js';
import { kvCacheMemory } from './kv-cache.js';
import { KV_DTYPES } from './kv-dtypes.js';
import { INFERENCE_PLAN_DEFAULTS, planMemory, type MemoryPlanInput } from './plan.js';
import { loraParams } from './training.js';
import { quantizedMatrixBits, weightsBytes } from './weights.js';

const GiB = 1024 ** 3;

function arch(id: string) {
  const m = findCatalogModel(id);
  if (!m) throw new Error(`no catalog model ${id}`);
  return architectureFromConfig(m.config);
}
function precision(id: string): ResolvedPrecision {
  const p = resolvePrecision(id);
  if (!p) throw new Error(id);
  return p;
}
function plan(id: string, extra: Partial<MemoryPlanInput> = {}) {
  return planMemory({
    ...INFERENCE_PLAN_DEFAULTS,
    modelId: id,
    arch: arch(id),
    precision: precision('bf16'),
    ...extra,
  });
}

describe('weights', () => {
  it.each([
    ['int4', 4096 * 4096 * 4 + 4096 * 32 * (16 + 4)],
    ['nf4', 4096 * 4096 * 4 + 4096 * 64 * 8 + Math.ceil((4096 * 64) / 256) * 32],
    ['nf4-single', 4096 * 4096 * 4 + 4096 * 64 * 32],
    ['int8', 4096 * 4096 * 8 + 4096 * 32],
    ['fp4', 4096 * 4096 * 4 + 4096 * 128 * 8],
    ['fp8-block', 4096 * 4096 * 8 + 32 * 32 * 32],
  ] as const)('%s: exact stored bits of a 4096 × 4096 matrix', (id, bits) => {
    expect(quantizedMatrixBits(PRECISIONS[id], 4096, 4096)).toBe(bits);
  });

  it('bf16 weights are 2 bytes per parameter (Llama-3.1-8B: 16,060,522,496 B = safetensors total_size)', () => {
    expect(weightsBytes(tensorGroups(arch('llama-3.1-8b')), precision('bf16')).bytes).toBe(16_060_522_496);
  });

  it('weight-only formats keep embeddings, head, router and vectors at 16 bits', () => {
    const w = weightsBytes(tensorGroups(arch('mixtral-8x7b')), precision('int4'));
    expect(w.byRole['embeddings']).toBe(32_000 * 4_096 * 2);
    expect(w.byRole['router']).toBe(32 * 8 * 4_096 * 2);
  });

  it('a GGML type stores matrices in whole blocks: Q8_0 = 34 B per 32 weights', () => {
    const groups = tensorGroups(arch('llama-3.1-8b'));
    const q8 = weightsBytes(groups, precision('gguf:Q8_0'));
    const linear = groups
      .filter((t) => t.role === 'linear')
      .reduce((s, t) => s + t.rows * t.cols * t.count, 0);
    expect(q8.byRole['linear']).toBe((linear / 32) * 34);
  });
});

describe('KV cache', () => {
  it('HF DynamicCache (block 1) equals the exact per-token formula', () => {
    const a = arch('llama-3.1-8b');
    const kv = kvCacheMemory(a, {
      contextTokens: 3000,
      batch: 3,
      dtype: KV_DTYPES.bf16,
      engine: ENGINE_PROFILES.hf,
      maxBatchedTokens: 3000,
    });
    expect(kv.bytes).toBe(kvCacheBytes(a, { contextTokens: 3000, batch: 3, bytesPerElement: 2 }));
  });

  it('vLLM rounds each sequence to 16-token blocks; contiguous pre-allocation reserves the maximum (PagedAttention saving)', () => {
    const a = arch('llama-3.1-8b');
    const kv = kvCacheMemory(a, {
      contextTokens: 8192,
      averageContextTokens: 1000,
      batch: 10,
      dtype: KV_DTYPES.bf16,
      engine: ENGINE_PROFILES.vllm,
      maxBatchedTokens: 8192,
    });
    expect(kv.pagedBytes).toBe(1008 * 10 * 131_072);
    expect(kv.contiguousBytes).toBe(8192 * 10 * 131_072);
    expect(kv.pagedSavingBytes).toBe((8192 - 1008) * 10 * 131_072);
  });

  it("vLLM's sliding-window cap: ⌈min(w − 1 + max_num_batched_tokens, len) / 16⌉ + 1 blocks (memory-notes.md §6)", () => {
    const kv = kvCacheMemory(arch('mistral-7b-v0.1'), {
      contextTokens: 32768,
      batch: 1,
      dtype: KV_DTYPES.bf16,
      engine: ENGINE_PROFILES.vllm,
      maxBatchedTokens: 2048,
    });
    expect(kv.perLayer[0]?.heldTokens).toBe(Math.ceil((4096 - 1 + 2048) / 16) * 16 + 16);
  });

  it.each([
    ['fp8', 65_536],
    ['int8', 65_536 + 32 * 2 * 8 * 4],
    ['q8', (131_072 / 2) * (34 / 32)],
    ['q4', (131_072 / 2) * (18 / 32)],
  ] as const)('KV dtype %s: %d B per token for Llama-3.1-8B', (dtype, bytes) => {
    const kv = kvCacheMemory(arch('llama-3.1-8b'), {
      contextTokens: 1,
      batch: 1,
      dtype: KV_DTYPES[dtype],
      engine: ENGINE_PROFILES.hf,
      maxBatchedTokens: 1,
    });
    expect(kv.bytesPerToken).toBe(bytes);
  });

  it('tensor parallelism splits KV heads (max 1 per rank) and replicates the MLA latent', () => {
    const gqa = (tp: number) =>
      kvCacheMemory(arch('llama-3.1-8b'), {
        contextTokens: 1,
        batch: 1,
        dtype: KV_DTYPES.bf16,
        engine: ENGINE_PROFILES.hf,
        maxBatchedTokens: 1,
        tp,
      }).bytesPerToken;
    expect(gqa(4)).toBe(131_072 / 4);
    expect(gqa(16)).toBe(131_072 / 8); // 8 KV heads on 16 ranks: one head each, replicated
    const mla = kvCacheMemory(arch('deepseek-v2'), {
      contextTokens: 1,
      batch: 1,
      dtype: KV_DTYPES.bf16,
      engine: ENGINE_PROFILES.hf,
      maxBatchedTokens: 1,
      tp: 8,
    });
    expect(mla.bytesPerToken).toBe(69_120);
  });
});

/**
 * Measured: QwenLM/Qwen2.5 docs/source/benchmark/speed_benchmark.rst (A100-80GB, transformers 4.46,
 * flash-attn 2.5.8, batch 1, 2,048 generated tokens), GPU memory of Qwen2.5-7B-Instruct in GB as printed
 * (max_memory_allocated, GiB). Reference memory-calibration.json S_QWEN25_SPEED.
 */
describe('transformers memory growth with the prompt (Qwen2.5-7B, BF16)', () => {
  it.each([
    [1, 14.38],
    [6144, 15.38],
    [14336, 16.91],
    [30720, 19.97],
  ])('input %i tokens: measured %d GiB, predicted within 3%%', (input, measuredGiB) => {
    const p = plan('qwen2.5-7b', {
      engine: ENGINE_PROFILES.hf,
      contextTokens: input + 2048,
      maxBatchedTokens: input,
    });
    expect(Math.abs(p.perGpu.bytes / GiB / measuredGiB - 1)).toBeLessThan(0.03);
  });
});

describe('plan and fit', () => {
  it('per-GPU × GPUs ≥ total minus replicated parts, and TP 2 halves the split weights', () => {
    const one = plan('llama-3.1-70b');
    const two = plan('llama-3.1-70b', { tp: 2 });
    expect(two.perGpu.breakdown.weights).toBeLessThan(one.perGpu.breakdown.weights / 2 + 1e8);
    expect(two.perGpu.bytes * 2).toBeGreaterThanOrEqual(two.bytes.total);
  });

  it('pipeline stages put the embeddings on the first stage and the head on the last', () => {
    const p = plan('llama-3.1-8b', { pp: 4 });
    expect(p.perGpu.gpus).toBe(4);
    expect(p.bytes.weights).toBe(16_060_522_496);
  });

  it('a model that exceeds the GPU does not fit; headroom is negative', () => {
    const p = plan('llama-3.1-70b', { gpu: findGpu('h100') ?? null });
    expect(p.perGpu.fits).toBe(false);
    expect(p.perGpu.headroomBytes).toBeLessThan(0);
  });

  it("vLLM's KV capacity: 90% of the GPU minus weights, activation peak and non-torch memory, in 16-token blocks", () => {
    const p = plan('llama-3.1-8b', { gpu: findGpu('h100') ?? null });
    const g = p.perGpu;
    // vLLM 0.19 at TP 1: 0.25 GiB of non-torch memory appears inside the budget during the profiling forward
    const free =
      (g.usableBytes ?? 0) - g.breakdown.weights - g.breakdown.activations - Math.round(0.25 * GiB);
    expect(g.kvCapacityTokens).toBe(Math.floor(free / (131_072 * 16)) * 16);
  });

  it('the fit evaluator agrees with the plan', () => {
    const a = arch('qwen3-30b-a3b');
    const e = layoutEvaluator(a, precision('fp8'), 2, 2, {
      kvDtype: KV_DTYPES.bf16,
      engine: ENGINE_PROFILES.vllm,
      maxBatchedTokens: 8192,
      flashAttention: true,
    });
    const p = plan('qwen3-30b-a3b', {
      precision: precision('fp8'),
      tp: 2,
      pp: 2,
      batch: 6,
      contextTokens: 10000,
      maxBatchedTokens: 8192,
    });
    expect(e.perGpuBytes(6, 10000)).toBe(p.perGpu.bytes);
  });

  it('fit: Llama-3.1-70B in bf16 needs 2 × H100 (TP 2) at 8K context; nothing that fits exceeds the GPU', () => {
    const r = fitModel(arch('llama-3.1-70b'), {
      gpus: [findGpu('h100-sxm'), findGpu('l4')].filter((g) => g !== undefined),
      precisions: ['bf16'],
      maxContextTokens: 131072,
      workload: {
        contextTokens: 8192,
        batch: 1,
        kvDtype: KV_DTYPES.bf16,
        engine: ENGINE_PROFILES.vllm,
        maxBatchedTokens: 8192,
        flashAttention: true,
      },
    });
    const h100 = r.options.find((o) => o.gpu === 'h100-sxm');
    expect(h100).toMatchObject({ gpus: 2, tp: 2, pp: 1, fits: true });
    for (const o of r.options) if (o.fits) expect(o.headroomBytes).toBeGreaterThanOrEqual(0);
    expect(r.cheapest?.fits).toBe(true);
  });
});

describe('training', () => {
  it('LoRA r = 8 on q_proj and v_proj of Llama-2-7B: 4,194,304 trainable parameters (PEFT print_trainable_parameters)', () => {
    expect(loraParams(tensorGroups(arch('llama-2-7b')), 8, 'qv')).toBe(4_194_304);
  });

  it('full fine-tuning with AdamW: 16 bytes per parameter before activations (ZeRO paper §3)', () => {
    const p = plan('llama-3.1-8b', { mode: 'train-full', batch: 1, contextTokens: 1 });
    expect(p.bytes.weights + p.bytes.gradients + p.bytes.optimizer).toBe(8_030_261_248 * 16);
  });

  it('ZeRO-3 over 8 GPUs divides weights, gradients and optimizer states', () => {
    const p = plan('llama-3.1-8b', { mode: 'train-full', zeroStage: 3, dataParallel: 8, contextTokens: 1 });
    expect(p.perGpu.breakdown.optimizer).toBe(Math.ceil((8_030_261_248 * 12) / 8));
  });

  it('QLoRA stores the base in NF4 and trains bf16 adapters with fp32 AdamW states', () => {
    const p = plan('llama-3.1-8b', {
      mode: 'qlora',
      loraRank: 16,
      loraTargets: 'all-linear',
      contextTokens: 512,
    });
    expect(p.precision).toBe('nf4');
    expect(p.bytes.optimizer).toBe(p.params.trainable * 12);
  });

  it('gradient checkpointing stores far fewer activations', () => {
    const full = plan('llama-3.1-8b', { mode: 'lora', contextTokens: 4096 });
    const ckpt = plan('llama-3.1-8b', { mode: 'lora', contextTokens: 4096, gradientCheckpointing: true });
    expect(ckpt.bytes.activations).toBeLessThan(full.bytes.activations / 3);
  });
});
