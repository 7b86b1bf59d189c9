/**
 * Which precision to use, per the lecture's "Quantization Decision Guide", checked against the
 * memory planner and the performance model for a given model and GPU:
 *
 * | scenario      | lecture says          | what is checked here                                                 |
 * | training      | FP32 or BF16          | full training memory (AdamW, grad checkpointing) in bf16, fp32       |
 * | fine-tuning   | QLoRA (4-bit + LoRA)  | LoRA on bf16 weights vs QLoRA on NF4: the first that fits            |
 * | cloud-serving | BF16 or INT8          | 8-bit-or-wider formats the GPU runs, cheapest $/1M output that fits  |
 * | edge          | INT8 or NF4           | batch 1: the first of int8, nf4, int4 that fits (the lecture’s order) |
 * | real-time     | INT8                  | batch 1: lowest time per output token among 8-bit-or-wider formats   |
 *
 * 8 bits and wider count as near-lossless (the lecture: INT8 < 1 % quality loss); 4-bit formats are
 * chosen only when nothing wider fits, or where the scenario asks for the smallest footprint.
 */
import type { Architecture } from '../arch/index.js';
import { resolvePrecision, type GpuSpec, type ResolvedPrecision } from '../catalog/index.js';
import { invalidInput } from '../errors.js';
import { KV_DTYPES } from '../memory/kv-dtypes.js';
import { cheapestGpuHour } from '../memory/fit.js';
import { INFERENCE_PLAN_DEFAULTS, planMemory, type MemoryMode } from '../memory/plan.js';
import { predictPerf } from '../perf/perf.js';

export const ADVICE_SCENARIOS = ['training', 'fine-tuning', 'cloud-serving', 'edge', 'real-time'] as const;
export type AdviceScenario = (typeof ADVICE_SCENARIOS)[number];

export function isAdviceScenario(s: string): s is AdviceScenario {
  return (ADVICE_SCENARIOS as readonly string[]).includes(s);
}

/** The lecture's table (seed slide "Quantization Decision Guide"). */
export const LECTURE_DECISION_GUIDE: Readonly<
  Record<AdviceScenario, { readonly recommended: string; readonly rationale: string }>
> = {
  training: { recommended: 'FP32 or BF16', rationale: 'Stability during gradient updates' },
  'fine-tuning': { recommended: 'QLoRA (4-bit + LoRA)', rationale: 'Memory efficiency, good quality' },
  'cloud-serving': { recommended: 'BF16 or INT8', rationale: 'Balance of speed and quality' },
  edge: { recommended: 'INT8 or NF4', rationale: 'Minimal memory footprint' },
  'real-time': { recommended: 'INT8', rationale: 'Fastest inference speed' },
};

export interface AdviceInput {
  readonly scenario: AdviceScenario;
  readonly modelId: string;
  readonly arch: Architecture;
  readonly gpu: GpuSpec;
  readonly gpus: number;
  readonly contextTokens: number;
  /** Serving: concurrent sequences (default 32 for cloud serving, 1 otherwise); training: micro-batch (1). */
  readonly batch?: number;
  /** Price of one GPU-hour (default: the cheapest listed for the GPU). */
  readonly gpuHourlyUsd?: number;
}

export interface AdviceCandidate {
  readonly precision: string;
  readonly mode: MemoryMode;
  readonly bitsPerWeight: number;
  readonly fits: boolean;
  readonly perGpuBytes: number;
  readonly capacityBytes: number | null;
  readonly weightsBytes: number;
  /** Inference scenarios: the performance model's figures (null where it could not run). */
  readonly tpotMs: number | null;
  readonly outputTokensPerSecond: number | null;
  readonly usdPerMillionOutputTokens: number | null;
  /** Why it was passed over, or null for the recommendation. */
  readonly note: string | null;
}

export interface Advice {
  readonly scenario: AdviceScenario;
  readonly model: string;
  readonly gpu: string;
  readonly gpus: number;
  readonly contextTokens: number;
  readonly batch: number;
  readonly lecture: { readonly recommended: string; readonly rationale: string };
  /** null when nothing fits: `why` says what would. */
  readonly recommended: AdviceCandidate | null;
  readonly candidates: readonly AdviceCandidate[];
  readonly why: readonly string[];
}

interface Option {
  readonly precision: string;
  readonly mode: MemoryMode;
}

/** Formats the GPU has tensor-core rates for (fp8 on Hopper/Ada and later, bf16 from Ampere). */
function runsNatively(gpu: GpuSpec, precision: string): boolean {
  if (precision === 'fp8') return gpu.denseTflops.fp8 !== null;
  if (precision === 'bf16') return gpu.denseTflops.bf16 !== null;
  return true;
}

function optionsFor(scenario: AdviceScenario, gpu: GpuSpec): Option[] {
  const inference = (ids: string[]): Option[] =>
    ids.filter((p) => runsNatively(gpu, p)).map((precision) => ({ precision, mode: 'inference' }));
  switch (scenario) {
    case 'training':
      return [
        ...(runsNatively(gpu, 'bf16') ? [{ precision: 'bf16', mode: 'train-full' as const }] : []),
        { precision: 'fp32', mode: 'train-full' },
      ];
    case 'fine-tuning':
      return [
        { precision: runsNatively(gpu, 'bf16') ? 'bf16' : 'fp16', mode: 'lora' },
        { precision: 'nf4', mode: 'qlora' },
      ];
    case 'cloud-serving':
    case 'real-time':
      return inference(['bf16', 'fp8', 'int8', 'int4']);
    case 'edge':
      return inference(['int8', 'nf4', 'int4']);
  }
}

function resolve(id: string): ResolvedPrecision {
  const p = resolvePrecision(id);
  if (!p) throw invalidInput('precision', `unknown precision ${id}`);
  return p;
}

/** Evaluates the scenario's candidate precisions and picks one, saying why. */
export function adviseQuantization(input: AdviceInput): Advice {
  const { scenario, gpu } = input;
  const training = scenario === 'training' || scenario === 'fine-tuning';
  const batch = input.batch ?? (scenario === 'cloud-serving' ? 32 : 1);
  const listed = cheapestGpuHour(gpu);
  const gpuHourlyUsd = input.gpuHourlyUsd ?? listed?.usd;
  const candidates: AdviceCandidate[] = optionsFor(scenario, gpu).map((o) => {
    const precision = resolve(o.precision);
    const plan = planMemory({
      ...INFERENCE_PLAN_DEFAULTS,
      modelId: input.modelId,
      arch: input.arch,
      precision,
      mode: o.mode,
      contextTokens: input.contextTokens,
      batch,
      gpu,
      tp: input.gpus,
      gradientCheckpointing: training,
    });
    let perf: { tpotMs: number; tps: number; usd: number | null } | null = null;
    if (!training && plan.perGpu.fits === true) {
      const r = predictPerf({
        arch: input.arch,
        precision,
        kvDtype: KV_DTYPES.bf16,
        gpu,
        tp: input.gpus,
        engine: 'vllm',
        batch,
        inputTokens: Math.max(1, Math.floor(input.contextTokens / 2)),
        outputTokens: Math.max(1, Math.floor(input.contextTokens / 8)),
        ...(gpuHourlyUsd !== undefined ? { gpuHourlyUsd } : {}),
      });
      if (r.ok)
        perf = {
          tpotMs: r.result.tpotMs,
          tps: r.result.outputTokensPerSecond,
          usd: r.result.usdPerMillionOutputTokens,
        };
    }
    return {
      precision: precision.id,
      mode: o.mode,
      bitsPerWeight: precision.bitsPerWeight,
      fits: plan.perGpu.fits === true,
      perGpuBytes: plan.perGpu.bytes,
      capacityBytes: plan.perGpu.capacityBytes,
      weightsBytes: plan.bytes.weights,
      tpotMs: perf?.tpotMs ?? null,
      outputTokensPerSecond: perf?.tps ?? null,
      usdPerMillionOutputTokens: perf?.usd ?? null,
      note: null,
    };
  });
  const fitting = candidates.filter((c) => c.fits);
  const wide = fitting.filter((c) => c.bitsPerWeight >= 8);
  let chosen: AdviceCandidate | undefined;
  const why: string[] = [];
  const gb = (b: number | null): string => (b === null ? '?' : `${(b / 1e9).toFixed(1)} GB`);
  switch (scenario) {
    case 'training':
    case 'fine-tuning':
    case 'edge':
      // The options are listed best quality first: take the first that fits.
      chosen = fitting[0];
      break;
    case 'cloud-serving': {
      const by = (c: AdviceCandidate): number =>
        c.usdPerMillionOutputTokens ?? 1 / (c.outputTokensPerSecond ?? 1e-9);
      chosen = [...(wide.length > 0 ? wide : fitting)].sort((a, b) => by(a) - by(b))[0];
      break;
    }
    case 'real-time':
      chosen = [...(wide.length > 0 ? wide : fitting)].sort(
        (a, b) => (a.tpotMs ?? Infinity) - (b.tpotMs ?? Infinity),
      )[0];
      break;
  }
  const lecture = LECTURE_DECISION_GUIDE[scenario];
  if (chosen) {
    why.push(
      `${chosen.precision} (${chosen.mode}) needs ${gb(chosen.perGpuBytes)} per GPU of ${gb(chosen.capacityBytes)} on ${input.gpus} × ${gpu.name}`,
    );
    if (chosen.tpotMs !== null)
      why.push(
        `${chosen.outputTokensPerSecond?.toFixed(0) ?? '?'} output tokens/s at batch ${batch}, ${chosen.tpotMs.toFixed(1)} ms per token` +
          (chosen.usdPerMillionOutputTokens !== null
            ? `, $${chosen.usdPerMillionOutputTokens.toFixed(3)} per 1M output tokens`
            : ''),
      );
    if (chosen.bitsPerWeight < 8 && (scenario === 'cloud-serving' || scenario === 'real-time'))
      why.push('no 8-bit-or-wider format fits, so a 4-bit weight-only format (GPTQ/AWQ) it is');
    if (scenario === 'fine-tuning' && chosen.mode === 'lora')
      why.push('LoRA on 16-bit weights fits, so QLoRA’s NF4 quantization error is not needed here');
    if (scenario === 'fine-tuning' && chosen.mode === 'qlora')
      why.push('LoRA on 16-bit weights does not fit; QLoRA stores the base in NF4 (4.127 bits per weight)');
    if (chosen.usdPerMillionOutputTokens !== null && input.gpuHourlyUsd === undefined && listed)
      why.push(`GPU price $${listed.usd}/GPU-hour: ${listed.source}`);
  } else {
    const smallest = [...candidates].sort((a, b) => a.perGpuBytes - b.perGpuBytes)[0];
    why.push(
      `nothing fits on ${input.gpus} × ${gpu.name}: the smallest option, ${smallest?.precision ?? '?'} (${smallest?.mode ?? '?'}), needs ${gb(smallest?.perGpuBytes ?? null)} per GPU of ${gb(smallest?.capacityBytes ?? null)}; add GPUs (--gpus) or shorten the context`,
    );
  }
  const marked = candidates.map((c) => {
    if (c === chosen) return c;
    let note: string;
    if (!c.fits) note = `does not fit (${gb(c.perGpuBytes)} per GPU)`;
    else if (chosen && c.bitsPerWeight < 8 && chosen.bitsPerWeight >= 8)
      note = 'fits, but 4-bit costs quality that an 8-bit-or-wider format avoids here';
    else if (scenario === 'cloud-serving') note = 'fits, but costs more per output token';
    else if (scenario === 'real-time') note = 'fits, but is slower per token';
    else note = 'fits, but a wider format also fits';
    return { ...c, note };
  });
  return {
    scenario,
    model: input.modelId,
    gpu: gpu.id,
    gpus: input.gpus,
    contextTokens: input.contextTokens,
    batch,
    lecture,
    recommended: chosen ?? null,
    candidates: marked,
    why,
  };
}
