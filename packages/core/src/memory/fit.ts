import { GPUS, resolvePrecision, type GpuSpec, type ResolvedPrecision } from '../catalog/index.js';
import { kvCache as kvLayers, type Architecture } from '../arch/index.js';
import { invalidInput } from '../errors.js';
import { fitsOnGpu, type LayoutMemory } from './budget.js';
import type { EngineProfile, RuntimeMemory } from './engines.js';
import {
  heldTokensPerSequence,
  kvCacheMemory,
  kvCapacityTokens,
  kvLayerBytesPerToken,
  kvShareOnRank,
} from './kv-cache.js';
import type { KvDtype } from './kv-dtypes.js';
import { engineActivationPeak, gpuMemoryBytes, pipelineStages } from './plan.js';
import { weightsBytes } from './weights.js';

/** Tensor-parallel degrees within one node (NVLink domain of 8 GPUs); pipeline stages across nodes beyond. */
export const TP_DEGREES = [1, 2, 4, 8] as const;
export const MAX_PIPELINE_STAGES = 16;

export interface FitWorkload {
  readonly contextTokens: number;
  readonly batch: number;
  readonly kvDtype: KvDtype;
  readonly engine: EngineProfile;
  readonly maxBatchedTokens: number;
  readonly flashAttention: boolean;
  readonly memoryFraction?: number;
}

/** Per-GPU inference memory of one parallel layout, as a function of batch and context (weights precomputed). */
export interface LayoutEvaluator {
  readonly tp: number;
  readonly pp: number;
  readonly weightsPerGpu: number;
  readonly runtime: RuntimeMemory;
  evaluate(batch: number, contextTokens: number): LayoutMemory;
  perGpuBytes(batch: number, contextTokens: number): number;
}

/**
 * Whether a model can be split `tp` ways: attention heads divide evenly (vLLM requires
 * num_attention_heads % tp = 0; KV heads are replicated when fewer than tp), as do SSM inner widths.
 */
export function tensorParallelOk(arch: Architecture, tp: number): boolean {
  return arch.layers.every((l) => {
    const m = l.mixer;
    if (m.kind === 'full' || m.kind === 'sliding' || m.kind === 'chunked' || m.kind === 'mla')
      return m.heads % tp === 0;
    if (m.kind === 'mamba') return m.innerSize % tp === 0;
    return true;
  });
}

export function layoutEvaluator(
  arch: Architecture,
  precision: ResolvedPrecision,
  tp: number,
  pp: number,
  w: Omit<FitWorkload, 'contextTokens' | 'batch'>,
  stagesCache?: ReturnType<typeof pipelineStages>,
): LayoutEvaluator {
  const stages = stagesCache ?? pipelineStages(arch, pp);
  const weights = stages.map((s) => {
    const split = weightsBytes(
      s.groups.filter((t) => t.tensorParallel),
      precision,
    ).bytes;
    const replicated = weightsBytes(
      s.groups.filter((t) => !t.tensorParallel),
      precision,
    ).bytes;
    return Math.ceil(split / tp) + replicated;
  });
  const runtime = w.engine.runtime({ tp, pp, weightsBytes: weights[0] ?? 0 });
  const allLayers = kvLayers(arch).layers;
  // Per stage: each attention layer's bytes per token on this rank, and its window; the SSM state per sequence.
  const stageKv = stages.map((s) => {
    const layers = allLayers
      .filter((l) => l.layer >= s.layers[0] && l.layer < s.layers[1] && l.kind !== 'none')
      .map((l) => ({ layer: l, perToken: kvLayerBytesPerToken(l, w.kvDtype) * kvShareOnRank(l, tp) }));
    const state = kvCacheMemory(arch, {
      contextTokens: 1,
      batch: 1,
      dtype: w.kvDtype,
      engine: w.engine,
      maxBatchedTokens: w.maxBatchedTokens,
      tp,
      layerRange: s.layers,
    }).stateBytes;
    return { layers, state };
  });
  const block = w.engine.blockTokens;
  const activationCache = new Map<string, number>();
  const inBudgetActivations = w.engine.budgetIncludesActivations;
  const evaluate = (batch: number, contextTokens: number): LayoutMemory => {
    const chunk = Math.min(w.maxBatchedTokens, batch * contextTokens);
    const key = `${chunk}:${contextTokens}:${batch}`;
    let activations = activationCache.get(key);
    if (activations === undefined) {
      activations = engineActivationPeak(arch, w.engine, {
        chunkTokens: chunk,
        contextTokens,
        batch,
        flashAttention: w.flashAttention,
        tp,
      }).bytes;
      activationCache.set(key, activations);
    }
    let worst: LayoutMemory = { perGpuBytes: 0, budgetBytes: 0, nonKvBytes: 0 };
    stageKv.forEach((s, i) => {
      let kv = 0;
      for (const { layer, perToken } of s.layers) {
        const held = heldTokensPerSequence(
          layer,
          contextTokens,
          w.engine,
          w.maxBatchedTokens,
          arch.modelType,
        );
        kv += perToken * (w.engine.kvAllocation === 'paged' ? Math.ceil(held / block) * block : held);
      }
      const kvBytes = Math.ceil(kv * batch + s.state * batch);
      const stageWeights = weights[i] ?? 0;
      const nonKv = stageWeights + (inBudgetActivations ? activations + runtime.inBudgetBytes : 0);
      const total = stageWeights + kvBytes + activations + runtime.inBudgetBytes + runtime.outOfBudgetBytes;
      if (total > worst.perGpuBytes)
        worst = { perGpuBytes: total, budgetBytes: nonKv + kvBytes, nonKvBytes: nonKv };
    });
    return worst;
  };
  return {
    tp,
    pp,
    weightsPerGpu: Math.max(...weights),
    runtime,
    evaluate,
    perGpuBytes: (batch, contextTokens) => evaluate(batch, contextTokens).perGpuBytes,
  };
}

export interface FitOption {
  readonly gpu: string;
  readonly gpus: number;
  readonly tp: number;
  readonly pp: number;
  readonly precision: string;
  readonly fits: boolean;
  readonly maxBatchAtContext: number;
  readonly maxContextAtBatch: number;
  readonly perGpuBytes: number;
  readonly headroomBytes: number;
  readonly kvCapacityTokens: number | null;
  readonly hourlyUsd: number | null;
  readonly priceSource: string | null;
}

export interface FitResult {
  readonly options: readonly FitOption[];
  readonly cheapest: FitOption | null;
  readonly workload: {
    readonly contextTokens: number;
    readonly batch: number;
    readonly engine: string;
    readonly kvDtype: string;
  };
}

/** The lowest listed on-demand price per GPU-hour, with its source, from reference/gpus.json. */
export function cheapestGpuHour(gpu: GpuSpec): { readonly usd: number; readonly source: string } | null {
  let best: { usd: number; source: string } | null = null;
  for (const p of gpu.cloudPrices) {
    if (best === null || p.usdPerGpuHour < best.usd)
      best = { usd: p.usdPerGpuHour, source: `${p.provider} (${p.date ?? 'undated'})` };
  }
  return best;
}

/** Largest x in [1, hi] with ok(x), for monotone ok; 0 when ok(1) is false. */
function largest(ok: (x: number) => boolean, hi: number): number {
  if (!ok(1)) return 0;
  let lo = 1;
  let top = hi;
  if (ok(top)) return top;
  while (top - lo > 1) {
    const mid = Math.floor((lo + top) / 2);
    if (ok(mid)) lo = mid;
    else top = mid;
  }
  return lo;
}

/** The longest context a layout is asked about: the model's own limit, or 1M tokens for SSMs. */
const MAX_SEARCH_CONTEXT = 1 << 20;
const MAX_SEARCH_BATCH = 1 << 16;

/**
 * What fits where: for each GPU and precision, the fewest GPUs that hold the model and the workload
 * (tensor parallel up to 8 in a node, then pipeline stages), the largest batch at the context and the
 * largest context at the batch, the headroom, the KV capacity in tokens, and the hourly price; sorted
 * by price with the cheapest option that fits first.
 */
export function fitModel(
  arch: Architecture,
  opts: {
    readonly gpus: readonly GpuSpec[];
    readonly precisions: readonly string[];
    readonly workload: FitWorkload;
    readonly maxContextTokens: number | null;
  },
): FitResult {
  const w = opts.workload;
  const options: FitOption[] = [];
  const maxContext = opts.maxContextTokens ?? MAX_SEARCH_CONTEXT;
  const stageCache = new Map<number, ReturnType<typeof pipelineStages>>();
  for (const precisionId of opts.precisions) {
    const precision = resolvePrecision(precisionId);
    if (!precision)
      throw invalidInput(
        '--precision',
        `unknown precision "${precisionId}"; use bf16, fp8, int8, int4, nf4, fp4, gguf:Q4_K_M, …`,
      );
    const evaluators = new Map<string, LayoutEvaluator>();
    const layout = (tp: number, pp: number): LayoutEvaluator => {
      const key = `${tp}x${pp}`;
      let e = evaluators.get(key);
      if (!e) {
        let stages = stageCache.get(pp);
        if (!stages) {
          stages = pipelineStages(arch, pp);
          stageCache.set(pp, stages);
        }
        e = layoutEvaluator(arch, precision, tp, pp, w, stages);
        evaluators.set(key, e);
      }
      return e;
    };
    const layouts: [number, number][] = [];
    for (const tp of TP_DEGREES) if (tensorParallelOk(arch, tp)) layouts.push([tp, 1]);
    const maxTp = Math.max(...layouts.map(([tp]) => tp));
    for (let pp = 2; pp <= Math.min(MAX_PIPELINE_STAGES, arch.layers.length); pp++) layouts.push([maxTp, pp]);
    for (const gpu of opts.gpus) {
      if (gpu.memoryGB === null) continue;
      const capacity = gpuMemoryBytes(gpu);
      const check = (e: LayoutEvaluator, b: number, c: number) => {
        const m = e.evaluate(b, c);
        return { m, f: fitsOnGpu(m, w.engine, e.runtime, capacity, e.tp * e.pp, w.memoryFraction) };
      };
      // Fewest GPUs first: the first layout that holds the workload, else the largest one tried.
      let pick: LayoutEvaluator | null = null;
      for (const [tp, pp] of layouts) {
        const e = layout(tp, pp);
        const last = tp === maxTp && pp === layouts.at(-1)?.[1];
        if (e.weightsPerGpu + e.runtime.inBudgetBytes + e.runtime.outOfBudgetBytes > capacity && !last)
          continue;
        pick = e;
        if (check(e, w.batch, w.contextTokens).f.fits) break;
      }
      if (!pick) continue;
      const e = pick;
      const { m, f } = check(e, w.batch, w.contextTokens);
      const fitsAt = (b: number, c: number): boolean => check(e, b, c).f.fits;
      const kvTokens = kvCapacityTokens(
        arch,
        f.usableBytes - m.nonKvBytes,
        w.kvDtype,
        w.engine.blockTokens,
        e.tp,
      );
      const price = cheapestGpuHour(gpu);
      options.push({
        gpu: gpu.id,
        gpus: e.tp * e.pp,
        tp: e.tp,
        pp: e.pp,
        precision: precision.id,
        fits: f.fits,
        maxBatchAtContext: f.fits ? largest((b) => fitsAt(b, w.contextTokens), MAX_SEARCH_BATCH) : 0,
        maxContextAtBatch: largest((c) => fitsAt(w.batch, c), maxContext),
        perGpuBytes: m.perGpuBytes,
        headroomBytes: f.headroomBytes,
        kvCapacityTokens: Number.isFinite(kvTokens) ? kvTokens : null,
        hourlyUsd: price ? Math.round(price.usd * e.tp * e.pp * 1e4) / 1e4 : null,
        priceSource: price?.source ?? null,
      });
    }
  }
  const price = (o: FitOption): number => o.hourlyUsd ?? Number.POSITIVE_INFINITY;
  options.sort(
    (a, b) =>
      Number(b.fits) - Number(a.fits) ||
      price(a) - price(b) ||
      a.gpus - b.gpus ||
      b.headroomBytes - a.headroomBytes,
  );
  const cheapest = options.find((o) => o.fits && o.hourlyUsd !== null) ?? options.find((o) => o.fits) ?? null;
  return {
    options,
    cheapest,
    workload: { contextTokens: w.contextTokens, batch: w.batch, engine: w.engine.id, kvDtype: w.kvDtype.id },
  };
}

/** Every GPU of the catalog. */
export function allGpus(): GpuSpec[] {
  return Object.values(GPUS);
}
