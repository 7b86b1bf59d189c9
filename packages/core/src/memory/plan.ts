import { kvCache as kvLayers, tensorGroups, type Architecture, type TensorGroup } from '../arch/index.js';
import { invalidInput } from '../errors.js';
import { resolvePrecision, type GpuSpec, type ResolvedPrecision } from '../catalog/index.js';
import { inferenceActivationPeak, trainingActivationBytes } from './activations.js';
import { ENGINE_PROFILES, type EngineProfile } from './engines.js';
import { fitsOnGpu } from './budget.js';
import {
  engineAppliesWindows,
  kvCacheMemory,
  kvCapacityTokens,
  kvLayerBytesPerToken,
  type KvCachePlan,
} from './kv-cache.js';
import { KV_DTYPES, type KvDtype } from './kv-dtypes.js';
import {
  loraParams,
  OPTIMIZERS,
  totalParams,
  zeroShare,
  type LoraTargets,
  type OptimizerId,
} from './training.js';
import { weightsBytes } from './weights.js';

export type MemoryMode = 'inference' | 'train-full' | 'lora' | 'qlora';

const GiB = 1024 ** 3;

/**
 * Memory the CUDA driver reports for a GPU, where a startup log shows it (vLLM's total_memory).
 * @see calibration-data.ts (vLLM 0.19 on H100: "total_memory=79.19GiB"; vLLM on T4: "total_gpu_memory (14.74GiB)")
 */
const VISIBLE_MEMORY_GIB: Readonly<Record<string, number>> = { 'h100-sxm': 79.19, t4: 14.74 };

/** Share of the nominal capacity the driver leaves visible on the H100 (79.19 of 80 GiB), applied where no log says. */
const VISIBLE_SHARE = 79.19 / 80;

/**
 * A GPU's usable memory in bytes. Datasheet "80 GB" HBM and GDDR capacities are binary (HBM stacks and
 * GDDR chips come in power-of-two sizes: 80 GB = 5 × 16 GiB); the driver keeps a little for itself
 * (H100: 79.19 GiB visible). Measured values are used where a log gives them.
 */
export function gpuMemoryBytes(gpu: GpuSpec): number {
  const measured = VISIBLE_MEMORY_GIB[gpu.id];
  return Math.round((measured ?? (gpu.memoryGB ?? 0) * VISIBLE_SHARE) * GiB);
}

/** The activation peak of an inference forward pass as `engine` runs it (its dtype, logits rows, sampler, KV layout). */
export function engineActivationPeak(
  arch: Architecture,
  engine: EngineProfile,
  p: {
    readonly chunkTokens: number;
    readonly contextTokens: number;
    readonly batch: number;
    readonly flashAttention: boolean;
    readonly tp: number;
  },
) {
  return inferenceActivationPeak(arch, {
    chunkTokens: p.chunkTokens,
    contextTokens: engine.attendsAcrossBatch ? p.contextTokens * p.batch : p.contextTokens,
    logitsRows: engine.logitsRows(p.chunkTokens, p.batch),
    flashAttention: p.flashAttention,
    tp: p.tp,
    activationBytes: engine.activationBytes,
    scoresCopies: engine.scoresCopies,
    samplerCopies: engine.samplerCopies,
    ignoreWindows: !engineAppliesWindows(engine, arch.modelType),
  });
}

export interface MemoryPlanInput {
  readonly modelId: string;
  /** The architecture; null when only a parameter count is known (weights, gradients, optimizer only). */
  readonly arch: Architecture | null;
  /** Parameter count when no architecture is given (`--params 7e9`), or to override the architecture's. */
  readonly paramsOverride?: number;
  /** Exact weight bytes from a GGUF header (its per-tensor types), used instead of the precision. */
  readonly weightsBytesOverride?: number;
  readonly precision: ResolvedPrecision;
  readonly mode: MemoryMode;
  readonly contextTokens: number;
  readonly batch: number;
  readonly averageContextTokens?: number;
  readonly kvDtype: KvDtype;
  readonly engine: EngineProfile;
  readonly maxBatchedTokens?: number;
  readonly flashAttention: boolean;
  readonly tp: number;
  readonly pp: number;
  readonly gpu: GpuSpec | null;
  readonly optimizer: OptimizerId;
  readonly loraRank: number;
  readonly loraTargets: LoraTargets;
  readonly gradientCheckpointing: boolean;
  readonly zeroStage: 0 | 1 | 2 | 3;
  readonly dataParallel: number;
  /** The engine's memory fraction (vLLM --gpu-memory-utilization, SGLang --mem-fraction-static) instead of its default. */
  readonly memoryFraction?: number;
  /** Bytes moved to CPU memory: KV cache (vLLM swap / llama.cpp --no-kv-offload) and weights (--cpu-offload-gb). */
  readonly offload?: { readonly kvCacheBytes?: number; readonly weightsBytes?: number };
}

/**
 * The knobs of a plain serving plan: one 4K-token sequence on one GPU with vLLM, BF16 KV and
 * FlashAttention, no training settings in play. Spread it and override what a plan is about.
 */
export const INFERENCE_PLAN_DEFAULTS = {
  mode: 'inference',
  contextTokens: 4096,
  batch: 1,
  kvDtype: KV_DTYPES.bf16,
  engine: ENGINE_PROFILES.vllm,
  flashAttention: true,
  tp: 1,
  pp: 1,
  gpu: null,
  optimizer: 'adamw',
  loraRank: 16,
  loraTargets: 'all-linear',
  gradientCheckpointing: false,
  zeroStage: 0,
  dataParallel: 1,
} as const satisfies Omit<MemoryPlanInput, 'modelId' | 'arch' | 'precision'>;

export interface MemoryPlan {
  readonly model: string;
  readonly mode: MemoryMode;
  readonly precision: string;
  /** Totals over all GPUs (replicated tensors counted on every GPU that holds them). */
  readonly bytes: {
    readonly weights: number;
    readonly kvCache: number;
    readonly activations: number;
    readonly overhead: number;
    readonly gradients: number;
    readonly optimizer: number;
    readonly total: number;
  };
  readonly kvCache: {
    readonly bytesPerToken: number;
    readonly tokens: number;
    readonly stateBytes: number;
    readonly pagedBytes: number;
    readonly contiguousBytes: number;
    readonly pagedSavingBytes: number;
    readonly blockTokens: number;
    readonly dtype: string;
  };
  readonly params: { readonly total: number; readonly trainable: number };
  readonly perGpu: {
    readonly gpus: number;
    readonly tp: number;
    readonly pp: number;
    /** The largest GPU's bytes (the pipeline stage holding the most). */
    readonly bytes: number;
    readonly breakdown: {
      readonly weights: number;
      readonly kvCache: number;
      readonly activations: number;
      readonly overhead: number;
      readonly gradients: number;
      readonly optimizer: number;
    };
    readonly gpu: string | null;
    readonly capacityBytes: number | null;
    /** What the engine's budget may hold (vLLM: capacity × gpu_memory_utilization), runtime memory outside it excluded. */
    readonly usableBytes: number | null;
    readonly fits: boolean | null;
    readonly headroomBytes: number | null;
    /** KV tokens that fit in the usable memory left after weights, activations and overhead (vLLM's "GPU KV cache size"). */
    readonly kvCapacityTokens: number | null;
  };
  readonly offload: {
    readonly cpuBytes: number;
    readonly kvCacheBytes: number;
    readonly weightsBytes: number;
    /** Tokens of KV cache the freed GPU memory holds (what the offload buys in context). */
    readonly contextTokensBought: number;
  };
  readonly activations: {
    readonly phase: string;
    readonly chunkTokens: number;
    readonly note: string;
  } | null;
  readonly assumptions: readonly string[];
}

interface Stage {
  readonly layers: readonly [number, number];
  readonly groups: readonly TensorGroup[];
}

/**
 * Contiguous pipeline stages of ⌈L/p⌉ or ⌊L/p⌋ layers (the first stages take the remainder), the
 * embeddings (and any vision tower) on the first stage, the final norm and output head on the last.
 * @see vLLM distributed/utils.py get_pp_indices (even partition)
 */
export function pipelineStages(arch: Architecture, pp: number): Stage[] {
  const groups = tensorGroups(arch);
  const n = arch.layers.length;
  const stages: Stage[] = [];
  let start = 0;
  for (let s = 0; s < pp; s++) {
    const size = Math.floor(n / pp) + (s < n % pp ? 1 : 0);
    const range: [number, number] = [start, start + size];
    stages.push({
      layers: range,
      groups: groups.filter((t) => {
        if (t.layer !== null) return t.layer >= range[0] && t.layer < range[1];
        const last = t.name === 'final_norm' || t.component === 'lmHead';
        return last ? s === pp - 1 : s === 0;
      }),
    });
    start += size;
  }
  return stages;
}

/** Weight bytes one tensor-parallel rank holds of `groups`: split tensors ÷ tp, replicated ones whole. */
function rankWeights(groups: readonly TensorGroup[], precision: ResolvedPrecision, tp: number): number {
  const split = weightsBytes(
    groups.filter((t) => t.tensorParallel),
    precision,
  ).bytes;
  const replicated = weightsBytes(
    groups.filter((t) => !t.tensorParallel),
    precision,
  ).bytes;
  return Math.ceil(split / tp) + replicated;
}

function checkPositive(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw invalidInput(field, `must be a positive integer (got ${value})`);
}

/**
 * The memory plan of a model and workload: weights, KV cache (and SSM state), activation peak, engine
 * overhead, and for training gradients and optimizer states; in total and per GPU under tensor and
 * pipeline parallelism; whether it fits the GPU and how many KV tokens the remainder holds.
 */
export function planMemory(input: MemoryPlanInput): MemoryPlan {
  checkPositive('--tp', input.tp);
  checkPositive('--pp', input.pp);
  checkPositive('--batch', input.batch);
  checkPositive('--context', input.contextTokens);
  checkPositive('--data-parallel', input.dataParallel);
  const { arch, engine } = input;
  if (arch && input.pp > arch.layers.length) {
    throw invalidInput(
      '--pp',
      `${input.pp} stages for ${arch.layers.length} layers; use at most ${arch.layers.length}`,
    );
  }
  const assumptions: string[] = [];
  const training = input.mode !== 'inference';
  let precision = input.precision;
  if (input.mode === 'qlora' && !precision.id.startsWith('nf4')) {
    const nf4 = resolvePrecision('nf4');
    if (nf4) precision = nf4;
    assumptions.push(
      'QLoRA: base weights in NF4 with double quantization (4.127 bits/param), adapters in bf16',
    );
  }
  if (input.mode === 'train-full' && precision.bitsPerWeight < 16) {
    throw invalidInput(
      '--precision',
      `full fine-tuning trains 16- or 32-bit weights, not ${precision.id}; use bf16 or --mode qlora`,
    );
  }
  const maxBatched = input.maxBatchedTokens ?? engine.defaultMaxBatchedTokens;
  const tp = input.tp;
  const pp = arch ? input.pp : 1;
  const groups = arch ? tensorGroups(arch) : [];
  const params = input.paramsOverride ?? totalParams(groups);
  if (!arch && !input.paramsOverride) throw invalidInput('<model>', 'needs an architecture or --params');

  // Weights, per stage and rank.
  const stages = arch ? pipelineStages(arch, pp) : [];
  const weightsPerStage = arch
    ? stages.map((s) => rankWeights(s.groups, precision, tp))
    : [Math.ceil((params * precision.bitsPerWeight) / 8 / tp)];
  if (!arch)
    assumptions.push(
      `no architecture: weights = ${params.toExponential(3)} params × ${precision.bitsPerWeight} bits, no KV cache or activations`,
    );
  const weightsTotalArch = arch
    ? weightsBytes(groups, precision).bytes
    : Math.ceil((params * precision.bitsPerWeight) / 8);
  let weightsScale = 1;
  if (input.weightsBytesOverride !== undefined && weightsTotalArch > 0) {
    weightsScale = input.weightsBytesOverride / weightsTotalArch;
    assumptions.push(
      'weights: exact bytes of the GGUF tensors (their own types), spread over GPUs as the architecture splits them',
    );
  } else if (arch && input.paramsOverride !== undefined) {
    weightsScale = input.paramsOverride / totalParams(groups);
  }
  const stageWeights = weightsPerStage.map((w) => Math.ceil(w * weightsScale));

  // Trainable parameters, gradients and optimizer states.
  const trainable =
    input.mode === 'train-full'
      ? params
      : input.mode === 'lora' || input.mode === 'qlora'
        ? loraParams(groups, input.loraRank, input.loraTargets)
        : 0;
  const share = zeroShare(input.zeroStage, input.dataParallel);
  const gradBytesPerParam = input.mode === 'train-full' ? Math.min(precision.bitsPerWeight, 32) / 8 : 2;
  const gradientsPerGpu = Math.ceil(((trainable * gradBytesPerParam) / (tp * pp)) * share.gradients);
  const optimizerPerGpu = Math.ceil(
    ((trainable * OPTIMIZERS[input.optimizer].bytesPerParam) / (tp * pp)) * share.optimizer,
  );
  // LoRA adapter weights themselves (bf16), beside the frozen base
  const adapterWeightsPerGpu =
    input.mode === 'lora' || input.mode === 'qlora' ? Math.ceil((trainable * 2) / (tp * pp)) : 0;
  if (training) {
    assumptions.push(
      `optimizer ${input.optimizer}: ${OPTIMIZERS[input.optimizer].note} (${OPTIMIZERS[input.optimizer].bytesPerParam.toFixed(3)} B per trainable param); gradients ${gradBytesPerParam} B per trainable param`,
    );
    if (input.zeroStage > 0)
      assumptions.push(`ZeRO stage ${input.zeroStage} over ${input.dataParallel} data-parallel GPUs`);
  }

  // KV cache, activations and overhead per stage (per rank).
  const kvPlans: KvCachePlan[] = [];
  let activationsPerGpu = 0;
  let activationInfo: MemoryPlan['activations'] = null;
  if (arch) {
    for (const s of stages) {
      kvPlans.push(
        kvCacheMemory(arch, {
          contextTokens: input.contextTokens,
          batch: training ? 0 : input.batch,
          dtype: input.kvDtype,
          engine,
          maxBatchedTokens: Number.isFinite(maxBatched) ? maxBatched : input.contextTokens,
          tp,
          layerRange: s.layers,
          ...(input.averageContextTokens !== undefined
            ? { averageContextTokens: input.averageContextTokens }
            : {}),
        }),
      );
    }
    if (training) {
      activationsPerGpu = Math.ceil(
        trainingActivationBytes(arch, {
          microBatch: input.batch,
          sequenceTokens: input.contextTokens,
          flashAttention: input.flashAttention,
          gradientCheckpointing: input.gradientCheckpointing,
          tp,
        }) / pp,
      );
      activationInfo = {
        phase: input.gradientCheckpointing ? 'checkpointed layers' : 'all layers stored',
        chunkTokens: input.batch * input.contextTokens,
        note: `micro-batch ${input.batch} × ${input.contextTokens} tokens; ${input.flashAttention ? 'FlashAttention' : 'eager attention (s² term)'}; ${input.gradientCheckpointing ? 'full per-layer checkpointing' : 'no checkpointing'}; logits in 16 bits + fp32 copy and gradient`,
      };
    } else {
      const chunk = Math.min(
        Number.isFinite(maxBatched) ? maxBatched : Number.POSITIVE_INFINITY,
        input.batch * input.contextTokens,
      );
      const peak = engineActivationPeak(arch, engine, {
        chunkTokens: chunk,
        contextTokens: input.contextTokens,
        batch: input.batch,
        flashAttention: input.flashAttention,
        tp,
      });
      activationsPerGpu = peak.bytes;
      activationInfo = { phase: peak.phase, chunkTokens: chunk, note: peak.note };
    }
  }
  const kvPerStage = kvPlans.map((k) => k.bytes);
  const kvOffload = Math.min(input.offload?.kvCacheBytes ?? 0, kvPerStage.reduce((s, x) => s + x, 0) * tp);
  const weightOffload = Math.min(
    input.offload?.weightsBytes ?? 0,
    stageWeights.reduce((s, x) => s + x, 0) * tp,
  );
  const gpus = tp * pp;
  // Training runs under plain PyTorch: its runtime memory is the CUDA context.
  const runtimeEngine = training ? ENGINE_PROFILES.hf : engine;
  const runtime = runtimeEngine.runtime({ tp, pp, weightsBytes: stageWeights[0] ?? 0 });
  const stageTotals = stageWeights.map((w, i) => {
    const weights = Math.max(0, w - weightOffload / gpus) + adapterWeightsPerGpu;
    const kv = Math.max(0, (kvPerStage[i] ?? 0) - kvOffload / gpus);
    return {
      weights: Math.ceil(weights),
      kvCache: Math.ceil(kv),
      activations: activationsPerGpu,
      overhead: runtime.inBudgetBytes + runtime.outOfBudgetBytes,
      gradients: gradientsPerGpu,
      optimizer: optimizerPerGpu,
    };
  });
  const totalOf = (x: (typeof stageTotals)[number]): number =>
    x.weights + x.kvCache + x.activations + x.overhead + x.gradients + x.optimizer;
  const worst = stageTotals.reduce((a, b) => (totalOf(b) > totalOf(a) ? b : a));
  const sum = (k: keyof (typeof stageTotals)[number]): number =>
    stageTotals.reduce((s, x) => s + x[k], 0) * tp;
  const bytes = {
    weights: sum('weights'),
    kvCache: sum('kvCache'),
    activations: sum('activations'),
    overhead: sum('overhead'),
    gradients: sum('gradients'),
    optimizer: sum('optimizer'),
    total: 0,
  };
  bytes.total =
    bytes.weights + bytes.kvCache + bytes.activations + bytes.overhead + bytes.gradients + bytes.optimizer;

  // Fit on the GPU: the engine's budget holds weights, activations, in-budget runtime memory and KV;
  // CUDA context and graph pools live beside it, within the GPU's memory.
  const perGpuBytes = totalOf(worst);
  const capacity = input.gpu ? gpuMemoryBytes(input.gpu) : null;
  const inBudgetActivations = runtimeEngine.budgetIncludesActivations;
  const nonKv =
    worst.weights +
    worst.gradients +
    worst.optimizer +
    (inBudgetActivations ? worst.activations + runtime.inBudgetBytes : 0);
  const layoutMemory = { perGpuBytes, budgetBytes: nonKv + worst.kvCache, nonKvBytes: nonKv };
  const onGpu =
    capacity === null
      ? null
      : fitsOnGpu(
          layoutMemory,
          runtimeEngine,
          runtime,
          capacity,
          gpus,
          training ? undefined : input.memoryFraction,
        );
  let kvCapacity: number | null = null;
  if (onGpu !== null && arch && !training) {
    const worstIndex = stageTotals.indexOf(worst);
    kvCapacity = kvCapacityTokens(
      arch,
      onGpu.usableBytes - nonKv,
      input.kvDtype,
      engine.blockTokens,
      tp,
      stages[worstIndex]?.layers,
    );
    if (!Number.isFinite(kvCapacity)) kvCapacity = null;
  }
  if (!training) {
    assumptions.push(`${engine.name}: ${engine.budgetRule}; runtime memory ${runtime.formula}`);
  }
  if (arch?.layers.some((l) => l.mlp.kind === 'moe') && tp > 1) {
    assumptions.push(
      'MoE experts split across the tensor-parallel GPUs: slicing every expert (TP) or placing whole experts (expert parallelism) holds the same bytes per GPU',
    );
  }
  const kv0 = kvPlans[0];
  // KV bytes one token costs across all GPUs (replicated heads counted on each).
  const kvPerTokenTotal = kvPlans.reduce((sum, k) => sum + k.bytesPerToken, 0) * tp;
  const kvSum = (k: 'pagedBytes' | 'contiguousBytes' | 'pagedSavingBytes' | 'stateBytes'): number =>
    kvPlans.reduce((s, p) => s + p[k], 0) * tp;
  return {
    model: input.modelId,
    mode: input.mode,
    precision: precision.id,
    bytes,
    kvCache: {
      bytesPerToken: arch
        ? kvLayers(arch).layers.reduce((s, l) => s + kvLayerBytesPerToken(l, input.kvDtype), 0)
        : 0,
      tokens: training ? 0 : (kv0?.tokens ?? 0),
      stateBytes: kvSum('stateBytes'),
      pagedBytes: kvSum('pagedBytes'),
      contiguousBytes: kvSum('contiguousBytes'),
      pagedSavingBytes: kvSum('pagedSavingBytes'),
      blockTokens: engine.blockTokens,
      dtype: input.kvDtype.id,
    },
    params: { total: params, trainable },
    perGpu: {
      gpus,
      tp,
      pp,
      bytes: perGpuBytes,
      breakdown: worst,
      gpu: input.gpu?.id ?? null,
      capacityBytes: capacity,
      usableBytes: onGpu?.usableBytes ?? null,
      fits: onGpu?.fits ?? null,
      headroomBytes: onGpu?.headroomBytes ?? null,
      kvCapacityTokens: kvCapacity,
    },
    offload: {
      cpuBytes: kvOffload + weightOffload,
      kvCacheBytes: kvOffload,
      weightsBytes: weightOffload,
      contextTokensBought:
        kvPerTokenTotal > 0 ? Math.floor((kvOffload + weightOffload) / kvPerTokenTotal) : 0,
    },
    activations: activationInfo,
    assumptions,
  };
}
