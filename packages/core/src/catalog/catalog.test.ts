import { describe, expect, it } from 'vitest';
import { architectureFromConfig, inferFamily, countParams } from '../arch/index.js';
import {
  CatalogModelSchema,
  CLOSED_MODELS,
  findCatalogModel,
  findClosedModel,
  findGgmlType,
  findGpu,
  GPU_SOURCES,
  GPUS,
  landscape,
  OPEN_MODELS,
  PRECISIONS,
  resolvePrecision,
  storedBitsPerWeight,
} from './index.js';

describe('open-weight catalog', () => {
  it('has at least 45 models with unique ids', () => {
    expect(OPEN_MODELS.length).toBeGreaterThanOrEqual(45);
    expect(new Set(OPEN_MODELS.map((m) => m.id)).size).toBe(OPEN_MODELS.length);
  });

  it.each(OPEN_MODELS.map((m) => [m.id, m] as const))(
    '%s: valid entry with sources, exact maths without warnings',
    (_id, m) => {
      expect(CatalogModelSchema.safeParse(m).error?.issues).toBeUndefined();
      const arch = architectureFromConfig(m.config);
      expect(arch.warnings).toEqual([]);
      const total = countParams(arch).total;
      if (m.family !== 'slm' && m.family !== 'dense') expect(inferFamily(arch, total)).toBe(m.family);
      else expect(['slm', 'dense']).toContain(inferFamily(arch, total));
    },
  );

  it.each([
    'llama-3.3-70b',
    'llama-3.1-8b',
    'llama-3.1-70b',
    'llama-3.1-405b',
    'mixtral-8x7b',
    'mixtral-8x22b',
    'deepseek-v2',
    'dbrx',
    'phi-3-mini-4k',
    'phi-3-medium-4k',
    'gemma-2b',
    'qwen1.5-1.8b',
    'mamba-2.8b',
    'jamba-v0.1',
  ])('includes %s, named by the lecture', (id) => {
    expect(findCatalogModel(id)).toBeDefined();
  });

  it.each([
    'deepseek-v3',
    'qwen2.5-72b',
    'qwen3-32b',
    'qwen3-30b-a3b',
    'qwen3-235b-a22b',
    'gpt-oss-120b',
    'gemma-2-27b',
    'gemma-3-27b',
    'phi-4',
    'mistral-small-3-24b',
    'llama-4-scout',
    'llama-4-maverick',
  ])('includes %s of the current generation', (id) => {
    expect(findCatalogModel(id)).toBeDefined();
  });

  it('covers every open family', () => {
    expect(new Set(OPEN_MODELS.map((m) => m.family))).toEqual(
      new Set(['dense', 'moe', 'slm', 'ssm', 'hybrid']),
    );
  });
});

describe('closed API models', () => {
  it.each(CLOSED_MODELS.map((m) => [m.id] as const))(
    '%s links to a genai-prices record with a context window',
    (id) => {
      const m = findClosedModel(id);
      expect(m?.priceRecordFound).toBe(true);
      expect(m?.contextTokens).toBeGreaterThan(0);
    },
  );

  it.each([
    ['gpt-4-turbo', 128_000],
    ['gpt-4o', 128_000],
    ['claude-3.5-sonnet', 200_000],
    ['gemini-2.0-flash', 1_000_000],
  ])('the lecture models are present: %s (%i tokens, per the genai-prices record)', (id, context) => {
    expect(findClosedModel(id)?.contextTokens).toBe(context);
  });

  it('closed models appear in the landscape as family closed, with their price link', () => {
    const rows = landscape({ family: 'closed' });
    expect(rows.length).toBe(CLOSED_MODELS.length);
    expect(rows.find((r) => r.id === 'gpt-4o')?.pricesRecord).toBe('openai/gpt-4o');
  });
});

describe('GPUs', () => {
  it.each([
    'h100-sxm',
    'h100-pcie',
    'h200',
    'b200',
    'a100-80gb',
    'a100-40gb',
    'l40s',
    'l4',
    'a10g',
    't4',
    'v100-32gb',
    'rtx-3090',
    'rtx-4090',
    'rtx-5090',
    'mi300x',
    'mi250x',
    'm2-ultra',
    'tpu-v5e',
  ])('%s resolves, and every source key it cites exists', (id) => {
    const g = findGpu(id);
    expect(g?.id).toBe(id);
    for (const s of g?.sources ?? []) expect(Object.keys(GPU_SOURCES)).toContain(s);
  });

  it('short forms resolve (h100 = h100-sxm, a100 = a100-80gb); unknown ids do not', () => {
    expect(findGpu('H100')?.id).toBe('h100-sxm');
    expect(findGpu('a100')?.id).toBe('a100-80gb');
    expect(findGpu('h900')).toBeUndefined();
  });

  it('H100 SXM: 80 GB, 3,350 GB/s, 989.5 dense BF16 TFLOPS (reference gpus.json, NVIDIA Hopper table)', () => {
    expect(GPUS['h100-sxm']).toMatchObject({ memoryGB: 80, memoryBandwidthGBps: 3350 });
    expect(GPUS['h100-sxm'].denseTflops.bf16).toBe(989.5);
  });
});

describe('precision formats: exact stored bits per weight', () => {
  it.each([
    ['fp32', 32],
    ['bf16', 16],
    ['fp8-block', 8 + 32 / 16384],
    ['int4', 4 + 16 / 128 + 4 / 128],
    ['nf4', 4 + 8 / 64 + 32 / (64 * 256)],
    ['nf4-single', 4.5],
    ['fp4', 4.25],
    ['nvfp4', 4.5],
    ['ternary', 2],
  ] as const)('%s = %d bits (memory-notes.md §9; QLoRA §3; OCP MX)', (id, bits) => {
    expect(PRECISIONS[id].bitsPerWeight).toBeCloseTo(bits, 12);
  });

  it('NF4 double quantization saves 0.373 bits per parameter (QLoRA paper §3)', () => {
    expect(PRECISIONS['nf4-single'].bitsPerWeight - PRECISIONS.nf4.bitsPerWeight).toBeCloseTo(0.373, 3);
  });

  it('QLoRA 70B: 70B × 4.127 bits ≈ 36.1 GB of weights (seed/NOTES.md)', () => {
    expect(Math.round((70e9 * PRECISIONS.nf4.bitsPerWeight) / 8 / 1e8) / 10).toBe(36.1);
  });

  it('per-row INT8 scales depend on in_features', () => {
    expect(storedBitsPerWeight(PRECISIONS.int8, 4096)).toBe(8 + 32 / 4096);
  });

  it.each([
    ['Q4_0', 4.5],
    ['Q8_0', 8.5],
    ['Q2_K', 2.625],
    ['Q3_K', 3.4375],
    ['Q4_K', 4.5],
    ['Q5_K', 5.5],
    ['Q6_K', 6.5625],
    ['IQ4_XS', 4.25],
    ['MXFP4', 4.25],
  ])('GGUF %s block = %d bits per weight (ggml-common.h; memory-notes.md §7)', (name, bits) => {
    expect(findGgmlType(name)?.bitsPerWeight).toBe(bits);
  });

  it.each([
    ['nf4', 4.126953125, true],
    ['BF16', 16, true],
    ['gguf:Q4_K', 4.5, true],
    ['gguf:q8_0', 8.5, true],
    ['gguf:Q4_K_M', 4.8944, false],
  ] as const)('resolves precision id %s to %d bits (exact: %s)', (id, bits, exact) => {
    expect(resolvePrecision(id)).toMatchObject({ bitsPerWeight: bits, exact });
  });

  it('unknown precision ids resolve to undefined', () => {
    expect(resolvePrecision('int3')).toBeUndefined();
    expect(resolvePrecision('gguf:Q9_K')).toBeUndefined();
  });
});
