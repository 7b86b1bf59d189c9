import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../arch/index.js';
import { findCatalogModel, findGpu, resolvePrecision, type ResolvedPrecision } from '../catalog/index.js';
import { ENGINE_PROFILES, type EngineId } from './engines.js';
import { fitModel } from './fit.js';
import { KV_DTYPES } from './kv-dtypes.js';
import { gpuMemoryBytes, INFERENCE_PLAN_DEFAULTS, planMemory } from './plan.js';

const MODELS = [
  'llama-3.1-8b',
  'mistral-7b-v0.1',
  'qwen3-30b-a3b',
  'deepseek-v2-lite',
  'gemma-2-9b',
  'jamba-1.5-mini',
  'mamba-130m',
] as const;
const ENGINES = Object.keys(ENGINE_PROFILES) as EngineId[];
// In decreasing stored bits: INT8 carries a scale per row, FP8 one per tensor; INT4 g128 4.156, NF4 4.127.
const PRECISION_BITS = ['fp32', 'bf16', 'int8', 'fp8', 'int4', 'nf4', 'ternary'] as const;

function p(id: string): ResolvedPrecision {
  const r = resolvePrecision(id);
  if (!r) throw new Error(id);
  return r;
}

function plan(
  model: string,
  o: { context: number; batch: number; precision?: string; engine?: EngineId; tp?: number; pp?: number },
) {
  const m = findCatalogModel(model);
  if (!m) throw new Error(model);
  return planMemory({
    ...INFERENCE_PLAN_DEFAULTS,
    modelId: model,
    arch: architectureFromConfig(m.config),
    precision: p(o.precision ?? 'bf16'),
    contextTokens: o.context,
    batch: o.batch,
    engine: ENGINE_PROFILES[o.engine ?? 'vllm'],
    tp: o.tp ?? 1,
    pp: o.pp ?? 1,
    gpu: findGpu('h100') ?? null,
    loraRank: 8,
  });
}

const model = fc.constantFrom(...MODELS);
const engine = fc.constantFrom(...ENGINES);

describe('memory invariants', () => {
  it('memory is monotone in context and batch, for every engine', () => {
    fc.assert(
      fc.property(
        model,
        engine,
        fc.integer({ min: 1, max: 32768 }),
        fc.integer({ min: 0, max: 4096 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 8 }),
        (id, e, c, dc, b, db) => {
          const small = plan(id, { context: c, batch: b, engine: e });
          const longer = plan(id, { context: c + dc, batch: b, engine: e });
          const wider = plan(id, { context: c, batch: b + db, engine: e });
          expect(longer.bytes.total).toBeGreaterThanOrEqual(small.bytes.total);
          expect(wider.bytes.total).toBeGreaterThanOrEqual(small.bytes.total);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('memory is monotone in the bits of the weight format', () => {
    fc.assert(
      fc.property(model, fc.integer({ min: 1, max: 8192 }), (id, c) => {
        const weights = PRECISION_BITS.map(
          (q) => plan(id, { context: c, batch: 1, precision: q }).bytes.weights,
        );
        for (let i = 1; i < weights.length; i++)
          expect(weights[i]).toBeLessThanOrEqual(weights[i - 1] ?? Infinity);
      }),
      { numRuns: 40 },
    );
  });

  it('per-GPU × GPUs ≥ the total over GPUs, and the total ≥ one GPU’s share of an unsharded plan', () => {
    fc.assert(
      fc.property(
        model,
        fc.constantFrom(1, 2, 4),
        fc.constantFrom(1, 2, 3),
        fc.integer({ min: 1, max: 16384 }),
        (id, tp, pp, c) => {
          const sharded = plan(id, { context: c, batch: 2, tp, pp });
          expect(sharded.perGpu.bytes * tp * pp).toBeGreaterThanOrEqual(sharded.bytes.total);
          const single = plan(id, { context: c, batch: 2 });
          // replicated tensors and per-GPU runtime memory only add: sharding never loses bytes
          expect(sharded.bytes.weights).toBeGreaterThanOrEqual(single.bytes.weights);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('nothing that fits exceeds the GPU', () => {
    const gpus = ['l4', 'a100-40gb', 'h100'].map((g) => findGpu(g)).filter((g) => g !== undefined);
    fc.assert(
      fc.property(
        model,
        engine,
        fc.integer({ min: 256, max: 65536 }),
        fc.integer({ min: 1, max: 32 }),
        (id, e, c, b) => {
          const m = findCatalogModel(id);
          if (!m) throw new Error(id);
          const r = fitModel(architectureFromConfig(m.config), {
            gpus,
            precisions: ['bf16', 'int4'],
            maxContextTokens: m.contextTokens,
            workload: {
              contextTokens: c,
              batch: b,
              kvDtype: KV_DTYPES.bf16,
              engine: ENGINE_PROFILES[e],
              maxBatchedTokens: 2048,
              flashAttention: true,
            },
          });
          for (const o of r.options) {
            const gpu = gpus.find((g) => g.id === o.gpu);
            if (o.fits && gpu) expect(o.perGpuBytes).toBeLessThanOrEqual(gpuMemoryBytes(gpu));
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
