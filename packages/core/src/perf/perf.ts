import type { Architecture } from '../arch/index.js';
import type { GpuSpec, ResolvedPrecision } from '../catalog/index.js';
import { fitsOnGpu } from '../memory/budget.js';
import { ENGINE_PROFILES, type EngineId } from '../memory/engines.js';
import { layoutEvaluator } from '../memory/fit.js';
import type { KvDtype } from '../memory/kv-dtypes.js';
import { gpuMemoryBytes } from '../memory/plan.js';
import type { Efficiency } from './efficiency.js';
import {
  engineDefaults,
  isRooflineError,
  PIPELINE_LINK_BYTES_PER_S,
  roofline,
  type DecodeStep,
  type Roofline,
} from './roofline.js';

export interface Speculation {
  /** Probability that the target accepts a drafted token (α). */
  readonly acceptance: number;
  /** Tokens drafted per target step (γ). */
  readonly draftTokens: number;
  /** n-gram (prompt lookup) drafting costs nothing on the GPU; a draft model runs γ decode steps of its own. */
  readonly draft:
    | { readonly kind: 'ngram' }
    | { readonly kind: 'model'; readonly arch: Architecture; readonly precision: ResolvedPrecision };
}

/** Load: a fixed batch (static batching), closed-loop concurrency or an open-loop Poisson arrival rate. */
export type PerfLoad =
  | { readonly kind: 'batch'; readonly batch: number | 'max' }
  | { readonly kind: 'concurrency'; readonly concurrency: number }
  | { readonly kind: 'rate'; readonly requestsPerSecond: number };

export interface PerfInput {
  readonly arch: Architecture;
  readonly precision: ResolvedPrecision;
  readonly kvDtype: KvDtype;
  readonly gpu: GpuSpec;
  readonly tp: number;
  /** Pipeline stages of `tp` GPUs each (default 1); the layout uses tp × pp GPUs. */
  readonly pp?: number;
  readonly engine: EngineId;
  /** Concurrent sequences, or 'max': the largest batch memory allows (offline throughput). */
  readonly batch: number | 'max';
  /** Continuous-batching load instead of a static batch (overrides `batch`). */
  readonly load?: Exclude<PerfLoad, { kind: 'batch' }>;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly maxBatchedTokens?: number;
  readonly gpuHourlyUsd?: number;
  /** Share of the paid GPU time that serves traffic (0–1). */
  readonly utilization?: number;
  readonly speculation?: Speculation;
  readonly efficiency?: Partial<Efficiency>;
}

export interface PerfResult {
  readonly ttftMs: number;
  readonly tpotMs: number;
  readonly requestLatencyMs: number;
  readonly outputTokensPerSecond: number;
  readonly totalTokensPerSecond: number;
  readonly batch: number;
  readonly maxBatch: number;
  readonly bound: 'memory' | 'compute';
  /** Batch at which the decode step turns compute-bound, at this context. */
  readonly ridgeBatch: number | null;
  readonly usdPerMillionInputTokens: number | null;
  readonly usdPerMillionOutputTokens: number | null;
  /** One request of this shape: its input and output tokens at those prices. */
  readonly usdPerRequest: number | null;
  readonly efficiency: { readonly mfu: number; readonly mbu: number };
  readonly speculative: null | {
    readonly expectedTokensPerStep: number;
    /** TPOT without speculation ÷ TPOT with it, at this batch. */
    readonly speedup: number;
    /** The smallest batch at which speculation makes decoding slower (null: not up to the memory limit). */
    readonly slowerFromBatch: number | null;
  };
  /** Continuous batching under load: where the operating point settles. */
  readonly load: null | {
    readonly arrivalRps: number;
    /** Mean sequences in flight (Little's law). */
    readonly concurrency: number;
    /** Mean wait for a free batch slot before prefill (Erlang C over maxBatch slots). */
    readonly queueWaitMs: number;
    /** Share of GPU time spent in prefill. */
    readonly prefillShare: number;
    /** The arrival rate above which queues grow without bound. */
    readonly saturationRps: number;
  };
  readonly assumptions: readonly string[];
}

export type PerfOutcome =
  | { readonly ok: true; readonly result: PerfResult }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Expected tokens per target step with speculative decoding: (1 − α^(γ+1)) / (1 − α). @see Leviathan et al., arXiv:2211.17192 */
export function expectedTokensPerStep(acceptance: number, draftTokens: number): number {
  if (acceptance >= 1) return draftTokens + 1;
  return (1 - Math.pow(acceptance, draftTokens + 1)) / (1 - acceptance);
}

/**
 * The largest batch whose KV cache at `contextTokens` fits beside the weights under the engine's budget;
 * a speculative draft model adds its weights (outside the KV budget) and its own KV per sequence.
 */
export function maxBatchFor(p: PerfInput, contextTokens: number, draft: Roofline | null = null): number {
  const w = {
    kvDtype: p.kvDtype,
    engine: ENGINE_PROFILES[p.engine],
    maxBatchedTokens: p.maxBatchedTokens ?? engineDefaults(p.engine).maxBatchedTokens,
    flashAttention: true,
  };
  const pp = p.pp ?? 1;
  const gpus = p.tp * pp;
  const e = layoutEvaluator(p.arch, p.precision, p.tp, pp, w);
  const capacity = gpuMemoryBytes(p.gpu);
  const fits = (b: number): boolean => {
    const m = e.evaluate(b, contextTokens);
    if (!draft) return fitsOnGpu(m, w.engine, e.runtime, capacity, gpus).fits;
    const weights = draft.weightBytesPerGpu;
    const kv = b * contextTokens * draft.kvBytesPerTokenPerGpu;
    const withDraft = {
      ...m,
      perGpuBytes: m.perGpuBytes + weights + kv,
      budgetBytes: m.budgetBytes + weights + kv,
      nonKvBytes: m.nonKvBytes + weights,
    };
    return fitsOnGpu(withDraft, w.engine, e.runtime, capacity, gpus).fits;
  };
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = 2;
  while (hi < 1 << 16 && fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function ridge(r: Roofline, contextTokens: number): number | null {
  if (r.decodeStep(1, contextTokens).bound === 'compute') return 1;
  let lo = 1;
  let hi = 1 << 16;
  if (r.decodeStep(hi, contextTokens).bound === 'memory') return null;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (r.decodeStep(mid, contextTokens).bound === 'compute') hi = mid;
    else lo = mid;
  }
  return hi;
}

interface Setup {
  readonly p: PerfInput;
  readonly r: Roofline;
  readonly draft: Roofline | null;
  readonly chunk: number;
  readonly avgContext: number;
  readonly maxBatch: number;
}

interface Tpot {
  readonly ms: number;
  readonly plainMs: number;
  readonly step: DecodeStep;
  readonly tokensPerStep: number;
}

/** Time per output token at a batch: one decode step, or a speculative cycle ÷ its expected tokens. */
function tpotAt(s: Setup, batch: number): Tpot {
  const step = s.r.decodeStep(batch, s.avgContext);
  const spec = s.p.speculation;
  if (!spec) return { ms: step.ms, plainMs: step.ms, step, tokensPerStep: 1 };
  const e = expectedTokensPerStep(spec.acceptance, spec.draftTokens);
  // the target verifies γ + 1 positions per sequence in one pass (weights and KV read once)
  const verifyMs = s.r.decodeStep(batch, s.avgContext, spec.draftTokens + 1).ms;
  const draftMs = s.draft ? spec.draftTokens * s.draft.decodeStep(batch, s.avgContext).ms : 0;
  return { ms: (verifyMs + draftMs) / e, plainMs: step.ms, step, tokensPerStep: e };
}

function slowerFrom(s: Setup): number | null {
  const slower = (b: number): boolean => {
    const t = tpotAt(s, b);
    return t.ms > t.plainMs;
  };
  if (!slower(s.maxBatch)) return null;
  let lo = 0;
  let hi = s.maxBatch;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (slower(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Erlang C: the probability an arrival waits when `servers` slots carry `offered` Erlangs (offered < servers). */
export function erlangC(servers: number, offered: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offered * b) / (k + offered * b);
  return (servers * b) / (servers - offered * (1 - b));
}

interface Operating {
  readonly concurrency: number;
  readonly arrivalRps: number;
  readonly prefillShare: number;
  readonly tpot: Tpot;
  readonly tpotMs: number;
  readonly latencyMs: number;
}

/**
 * Continuous batching at a steady state: prefills (one prompt's worth of GPU work each) are chunked into
 * the decode steps and stretch them by 1 ÷ (1 − prefill share); a new request waits about one step
 * before its prefill; sequences in flight follow Little's law, N = λ · latency.
 */
function operatingPoint(s: Setup, prefill1Ms: number, concurrency: number, arrivalRps: number): Operating {
  const prefillShare = (arrivalRps * prefill1Ms) / 1e3;
  const tpot = tpotAt(s, Math.max(1, concurrency));
  const tpotMs = tpot.ms / (1 - prefillShare);
  const latencyMs = s.r.efficiency.requestOverheadMs + prefill1Ms + tpot.ms + tpotMs * (s.p.outputTokens - 1);
  return { concurrency, arrivalRps, prefillShare, tpot, tpotMs, latencyMs };
}

/** The operating point at an arrival rate, or null when the queue would grow without bound. */
function atRate(s: Setup, prefill1Ms: number, rps: number): Operating | null {
  if ((rps * prefill1Ms) / 1e3 >= 1) return null;
  const excess = (n: number): number => (rps * operatingPoint(s, prefill1Ms, n, rps).latencyMs) / 1e3 - n;
  if (excess(s.maxBatch) >= 0) return null;
  let lo = 0;
  let hi = s.maxBatch;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  return operatingPoint(s, prefill1Ms, hi, rps);
}

function saturationRps(s: Setup, prefill1Ms: number): number {
  let lo = 0;
  let hi = 1e3 / prefill1Ms;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (atRate(s, prefill1Ms, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * TTFT, TPOT, latency, throughput and the self-hosted price of a token for a model, GPU layout,
 * precision and load. A static batch prefills its prompts together (chunked at max-batched-tokens),
 * then each decode step reads the weights once and the KV cache at the average context
 * (input + output / 2); throughput counts the whole request cycle. Under concurrency or an arrival
 * rate, continuous batching interleaves prefill chunks with decode steps (see `operatingPoint`).
 */
export function predictPerf(p: PerfInput): PerfOutcome {
  for (const [field, v] of [
    ['--input', p.inputTokens],
    ['--output', p.outputTokens],
    ['--gpus', p.tp],
    ['--pp', p.pp ?? 1],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      return { ok: false, code: 'INVALID_INPUT', message: `${field}: must be a positive integer` };
  }
  if (p.speculation) {
    const { acceptance, draftTokens } = p.speculation;
    if (!(acceptance >= 0 && acceptance <= 1))
      return { ok: false, code: 'INVALID_INPUT', message: '--spec-acceptance: must be between 0 and 1' };
    if (!Number.isInteger(draftTokens) || draftTokens < 1)
      return { ok: false, code: 'INVALID_INPUT', message: '--spec-tokens: must be a positive integer' };
  }
  const utilization = p.utilization ?? 1;
  if (!(utilization > 0 && utilization <= 1))
    return { ok: false, code: 'INVALID_INPUT', message: '--utilization: must be in (0, 1]' };
  const pp = p.pp ?? 1;
  if (pp > p.arch.layers.length)
    return {
      ok: false,
      code: 'INVALID_INPUT',
      message: `--pp: ${pp} stages for ${p.arch.layers.length} layers; at most one stage per layer`,
    };
  if (pp > 1 && p.speculation)
    return {
      ok: false,
      code: 'UNSUPPORTED',
      message: '--pp with speculative decoding is not modelled; use tensor parallelism (--gpus) for it',
    };
  const r = roofline(p);
  if (isRooflineError(r)) return { ok: false, code: 'UNSUPPORTED', message: r.error };
  let draft: Roofline | null = null;
  if (p.speculation?.draft.kind === 'model') {
    const d = roofline({ ...p, arch: p.speculation.draft.arch, precision: p.speculation.draft.precision });
    if (isRooflineError(d)) return { ok: false, code: 'UNSUPPORTED', message: `draft model: ${d.error}` };
    draft = d;
  }
  const context = p.inputTokens + p.outputTokens;
  const layoutName = `${p.tp * pp} × ${p.gpu.name}${pp > 1 ? ` (TP ${p.tp} × PP ${pp})` : ''}`;
  const maxBatch = maxBatchFor(p, context, draft);
  if (maxBatch === 0) {
    return {
      ok: false,
      code: 'DOES_NOT_FIT',
      message: `the model does not fit ${layoutName} at ${p.precision.id} with a ${context}-token sequence (costwise fit shows what does)`,
    };
  }
  const chunk = p.maxBatchedTokens ?? engineDefaults(p.engine).maxBatchedTokens;
  const avgContext = p.inputTokens + p.outputTokens / 2;
  const s: Setup = { p, r, draft, chunk, avgContext, maxBatch };
  const usdPerS = p.gpuHourlyUsd === undefined ? null : (p.gpuHourlyUsd * p.tp * pp) / 3600;
  const assumptions = [
    `${r.computeNote} at ${r.tflops} dense TFLOPS; ${p.gpu.memoryBandwidthGBps ?? 0} GB/s per GPU`,
    `efficiency: weight MBU ${r.efficiency.weightMbu}, KV MBU ${r.efficiency.kvMbu}, prefill MFU ${r.efficiency.prefillMfu} (W8A8 ${r.efficiency.prefillMfu8bit}), decode MFU ${r.efficiency.decodeMfu} (W8A8 ${r.efficiency.decodeMfu8bit}), ${r.efficiency.stepOverheadMs} ms per decode step (${p.engine}), ${r.efficiency.requestOverheadMs} ms per request — ${r.efficiency.source}`,
    `decode reads the KV cache at the average context ${avgContext} tokens (input + output / 2)`,
  ];
  if (p.tp > 1)
    assumptions.push(
      `tensor parallel ${p.tp}: 2 all-reduces per layer over ${p.gpu.interconnect?.type ?? 'PCIe (32 GB/s assumed)'}`,
    );
  if (pp > 1)
    assumptions.push(
      `pipeline parallel ${pp}: layers split evenly over ${pp} stages of ${p.tp} GPU(s); a decode cycle runs the batch as ${pp} micro-batches through every stage, each hop sends the activations over ${PIPELINE_LINK_BYTES_PER_S / 1e9} GB/s (400 Gb/s InfiniBand per GPU)`,
    );
  if (p.speculation) {
    assumptions.push(
      p.speculation.draft.kind === 'ngram'
        ? `speculation: n-gram drafting (no GPU cost), α = ${p.speculation.acceptance}, γ = ${p.speculation.draftTokens}, acceptance independent per token`
        : `speculation: draft model on the same GPUs, γ = ${p.speculation.draftTokens} draft steps per cycle, α = ${p.speculation.acceptance}; the draft's weights and KV share the GPUs' memory with the target's`,
    );
  }

  let batch: number;
  let ttftMs: number;
  let tpot: Tpot;
  let tpotMs: number;
  let requestLatencyMs: number;
  let outputTokensPerSecond: number;
  let totalTokensPerSecond: number;
  let usdIn: number | null = null;
  let usdOut: number | null = null;
  let load: PerfResult['load'] = null;
  if (!p.load) {
    batch = p.batch === 'max' ? maxBatch : p.batch;
    if (!Number.isInteger(batch) || batch < 1)
      return { ok: false, code: 'INVALID_INPUT', message: '--batch: must be a positive integer or max' };
    if (batch > maxBatch) {
      return {
        ok: false,
        code: 'DOES_NOT_FIT',
        message: `batch ${batch} needs more memory than ${layoutName} has: at most ${maxBatch} sequences of ${context} tokens`,
      };
    }
    tpot = tpotAt(s, batch);
    tpotMs = tpot.ms;
    const prefill = r.prefillMs(batch, p.inputTokens, chunk);
    ttftMs = prefill + r.efficiency.requestOverheadMs;
    requestLatencyMs = ttftMs + tpotMs * (p.outputTokens - 1);
    const seconds = requestLatencyMs / 1e3;
    outputTokensPerSecond = (batch * p.outputTokens) / seconds;
    totalTokensPerSecond = (batch * context) / seconds;
    assumptions.push(
      `static batch: the batch's prompts prefilled together in chunks of ${chunk} tokens, then decoded together`,
    );
    if (usdPerS !== null) {
      // paid time ÷ the share that serves traffic; prefill time is charged to input tokens, decode to output
      usdIn = ((usdPerS / utilization) * (ttftMs / 1e3) * 1e6) / (batch * p.inputTokens);
      usdOut =
        ((usdPerS / utilization) * ((requestLatencyMs - ttftMs) / 1e3) * 1e6) / (batch * p.outputTokens);
    }
  } else {
    const prefill1 = r.prefillMs(1, p.inputTokens, chunk);
    let op: Operating;
    let queueWaitMs = 0;
    if (p.load.kind === 'concurrency') {
      const n = p.load.concurrency;
      if (!Number.isInteger(n) || n < 1)
        return { ok: false, code: 'INVALID_INPUT', message: '--concurrency: must be a positive integer' };
      if (n > maxBatch)
        return {
          ok: false,
          code: 'DOES_NOT_FIT',
          message: `concurrency ${n} needs more memory than ${layoutName} has: at most ${maxBatch} sequences of ${context} tokens`,
        };
      // closed loop: each client sends its next request when the last completes (λ = N ÷ latency)
      op = operatingPoint(s, prefill1, n, 0);
      for (let i = 0; i < 200; i++) op = operatingPoint(s, prefill1, n, (n * 1e3) / op.latencyMs);
    } else {
      const rps = p.load.requestsPerSecond;
      if (!(rps > 0) || !Number.isFinite(rps))
        return {
          ok: false,
          code: 'INVALID_INPUT',
          message: '--rate: must be a positive number of requests/s',
        };
      const found = atRate(s, prefill1, rps);
      const saturation = saturationRps(s, prefill1);
      if (!found)
        return {
          ok: false,
          code: 'OVERLOADED',
          message: `${rps} requests/s exceeds what ${layoutName} sustains (about ${saturation.toPrecision(3)} requests/s at ${p.inputTokens} in / ${p.outputTokens} out): the queue grows without bound; add GPUs or lower the rate`,
        };
      op = found;
      const c = erlangC(maxBatch, op.concurrency);
      queueWaitMs = (c * op.latencyMs) / (maxBatch - op.concurrency);
      load = {
        arrivalRps: rps,
        concurrency: op.concurrency,
        queueWaitMs,
        prefillShare: op.prefillShare,
        saturationRps: saturation,
      };
    }
    if (!load)
      load = {
        arrivalRps: op.arrivalRps,
        concurrency: op.concurrency,
        queueWaitMs: 0,
        prefillShare: op.prefillShare,
        saturationRps: saturationRps(s, prefill1),
      };
    batch = op.concurrency;
    tpot = op.tpot;
    tpotMs = op.tpotMs;
    ttftMs = queueWaitMs + r.efficiency.requestOverheadMs + prefill1 + op.tpot.ms;
    requestLatencyMs = queueWaitMs + op.latencyMs;
    outputTokensPerSecond = op.arrivalRps * p.outputTokens;
    totalTokensPerSecond = op.arrivalRps * context;
    assumptions.push(
      `continuous batching: prefills chunked into decode steps (prefill share ${(op.prefillShare * 100).toFixed(1)}% of GPU time); a new request waits one step for its prefill; ${p.load.kind === 'rate' ? 'Poisson arrivals, a free slot wait by Erlang C over the memory-limited batch' : 'closed loop, no think time'}`,
    );
    if (usdPerS !== null) {
      // the GPUs are paid for the whole hour at this load: prefill share to input, the rest to output
      usdIn = (usdPerS * op.prefillShare * 1e6) / (op.arrivalRps * p.inputTokens);
      usdOut = (usdPerS * (1 - op.prefillShare) * 1e6) / (op.arrivalRps * p.outputTokens);
      assumptions.push(
        'cost at this load counts the GPUs for every hour, idle time included (--utilization ignored)',
      );
    }
  }
  const step = tpot.step;
  const mbu = (step.weightBytesRead + step.kvBytesRead) / (step.ms / 1e3) / r.bandwidthBytesPerS;
  const mfu = (step.computeMs * r.decodeMfu) / step.ms;
  return {
    ok: true,
    result: {
      ttftMs,
      tpotMs,
      requestLatencyMs,
      outputTokensPerSecond,
      totalTokensPerSecond,
      batch,
      maxBatch,
      bound: step.bound,
      ridgeBatch: ridge(r, avgContext),
      usdPerMillionInputTokens: usdIn,
      usdPerMillionOutputTokens: usdOut,
      usdPerRequest:
        usdIn === null || usdOut === null ? null : (usdIn * p.inputTokens + usdOut * p.outputTokens) / 1e6,
      efficiency: { mfu, mbu },
      speculative: p.speculation
        ? {
            expectedTokensPerStep: tpot.tokensPerStep,
            speedup: tpot.plainMs / tpot.ms,
            slowerFromBatch: slowerFrom(s),
          }
        : null,
      load,
      assumptions,
    },
  };
}
