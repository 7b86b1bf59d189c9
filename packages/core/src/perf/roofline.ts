import { kvCache as kvLayers, tensorGroups, type Architecture } from '../arch/index.js';
import type { GpuSpec, ResolvedPrecision } from '../catalog/index.js';
import { ENGINE_PROFILES, type EngineId } from '../memory/engines.js';
import { kvLayerBytesPerToken, kvShareOnRank } from '../memory/kv-cache.js';
import type { KvDtype } from '../memory/kv-dtypes.js';
import { weightsBytes } from '../memory/weights.js';
import { attentionFlopsPerContextToken, countParams } from '../arch/index.js';
import { DEFAULT_EFFICIENCY, ENGINE_STEP_OVERHEAD_MS, type Efficiency } from './efficiency.js';

export interface PerfSetup {
  readonly arch: Architecture;
  readonly precision: ResolvedPrecision;
  readonly kvDtype: KvDtype;
  readonly gpu: GpuSpec;
  readonly tp: number;
  /** Pipeline stages (default 1), each `tp` GPUs holding an equal share of the layers. */
  readonly pp?: number;
  readonly engine: EngineId;
  readonly efficiency?: Partial<Efficiency>;
}

/**
 * Bandwidth between pipeline stages, which sit on different nodes: one 400 Gb/s InfiniBand NDR port
 * per GPU, as in NVIDIA DGX H100 (8 × ConnectX-7; https://docs.nvidia.com/dgx/dgxh100-user-guide/introduction-to-dgxh100.html).
 */
export const PIPELINE_LINK_BYTES_PER_S = 50e9;

/** The matmul rate a precision computes at on a GPU (TFLOPS), or why it cannot run. */
export function computeRate(
  gpu: GpuSpec,
  precision: ResolvedPrecision,
):
  | { readonly tflops: number; readonly note: string; readonly eightBit: boolean }
  | { readonly error: string } {
  const t = gpu.denseTflops;
  const sixteen = t.bf16 ?? t.fp16;
  if (precision.id === 'fp8' || precision.id === 'fp8-block') {
    if (t.fp8 === null) {
      return {
        error: `${gpu.name} has no FP8 tensor cores (no FP8 rate in its datasheet); use bf16, int8 or a weight-only int4 format`,
      };
    }
    return { tflops: t.fp8, note: 'W8A8 FP8 GEMMs at the FP8 rate', eightBit: true };
  }
  if (precision.id === 'int8') {
    if (t.int8 === null)
      return {
        error: `${gpu.name} has no INT8 tensor rate in its datasheet; use bf16 or a weight-only format`,
      };
    return { tflops: t.int8, note: 'W8A8 INT8 GEMMs at the INT8 rate', eightBit: true };
  }
  if (sixteen === null) return { error: `${gpu.name} has no sourced 16-bit tensor rate` };
  return {
    tflops: sixteen,
    eightBit: false,
    note:
      precision.bitsPerWeight < 16
        ? `weight-only ${precision.id}: dequantized to 16-bit math`
        : '16-bit GEMMs',
  };
}

export interface DecodeStep {
  readonly ms: number;
  readonly memoryMs: number;
  readonly computeMs: number;
  readonly commMs: number;
  readonly overheadMs: number;
  readonly bound: 'memory' | 'compute';
  readonly weightBytesRead: number;
  readonly kvBytesRead: number;
}

/** Expected distinct experts a batch of B tokens touches with top-k of E (uniform routing): E·(1 − (1 − k/E)^B). */
export function expertsTouched(experts: number, topK: number, tokens: number): number {
  return experts * (1 - Math.pow(1 - topK / experts, tokens));
}

export interface Roofline {
  readonly setup: PerfSetup;
  readonly efficiency: Efficiency;
  readonly tflops: number;
  readonly computeNote: string;
  /** The MFUs in force for this precision (16-bit or W8A8). */
  readonly prefillMfu: number;
  readonly decodeMfu: number;
  readonly bandwidthBytesPerS: number;
  /** Weight bytes one GPU holds; of which routed-expert bytes (read only when touched). */
  readonly weightBytesPerGpu: number;
  readonly expertBytesPerGpu: number;
  /** KV-cache bytes one token adds on one GPU. */
  readonly kvBytesPerTokenPerGpu: number;
  /** Pipeline stages the layers are split over. */
  readonly pp: number;
  /**
   * One decode step of `batch` sequences at `contextTokens`, each scoring `tokensPerSequence` new tokens
   * (speculative verification: γ + 1). Under pipeline parallelism the step is a whole cycle: the batch
   * runs as pp micro-batches, each stage processes all of them, so every sequence gets its token.
   */
  decodeStep(batch: number, contextTokens: number, tokensPerSequence?: number): DecodeStep;
  prefillMs(batch: number, inputTokens: number, chunkTokens: number): number;
}

/**
 * The roofline of a model on a GPU layout:
 * decode step = max(weights read + KV read at the average context ÷ bandwidth·MBU, 2·active weights·B +
 * attention ÷ peak·MFU) + tensor-parallel all-reduce + a fixed per-step overhead; MoE reads only the
 * experts the batch touches and computes top-k of them. Prefill = max(FLOPs ÷ peak·MFU, weights read
 * once per chunk ÷ bandwidth·MBU) + all-reduce.
 * @see shared reference perf-model.md §0, §11 (kipply's inference arithmetic; Databricks)
 */
export function roofline(s: PerfSetup): Roofline | { readonly error: string } {
  const eff: Efficiency = {
    ...DEFAULT_EFFICIENCY,
    stepOverheadMs: ENGINE_STEP_OVERHEAD_MS[s.engine],
    ...s.efficiency,
  };
  const rate = computeRate(s.gpu, s.precision);
  if ('error' in rate) return rate;
  if (s.gpu.memoryBandwidthGBps === null) return { error: `${s.gpu.name} has no sourced memory bandwidth` };
  const bw = s.gpu.memoryBandwidthGBps * 1e9;
  const prefillMfu = rate.eightBit ? eff.prefillMfu8bit : eff.prefillMfu;
  const decodeMfu = rate.eightBit ? eff.decodeMfu8bit : eff.decodeMfu;
  const flops = rate.tflops * 1e12;
  const groups = tensorGroups(s.arch);
  const split =
    weightsBytes(
      groups.filter((g) => g.tensorParallel),
      s.precision,
    ).bytes / s.tp;
  const replicated = weightsBytes(
    groups.filter((g) => !g.tensorParallel),
    s.precision,
  ).bytes;
  const expert =
    weightsBytes(
      groups.filter((g) => g.routedExpert),
      s.precision,
    ).bytes / s.tp;
  const pp = s.pp ?? 1;
  // each stage holds 1/pp of the layers (embeddings and head counted as evenly shared)
  const weightBytesPerGpu = (split + replicated) / pp;
  const expertPerGpu = expert / pp;
  const counted = countParams(s.arch);
  const matmulPerToken = counted.activeMatmulPerToken / s.tp / pp;
  const kv = kvLayers(s.arch).layers;
  const kvPerToken =
    kv.reduce((sum, l) => sum + kvLayerBytesPerToken(l, s.kvDtype) * kvShareOnRank(l, s.tp), 0) / pp;
  const attnPerCtx =
    s.arch.layers.reduce((sum, l) => sum + attentionFlopsPerContextToken(l.mixer), 0) / s.tp / pp;
  const moe = s.arch.layers.find((l) => l.mlp.kind === 'moe')?.mlp;
  const layers = s.arch.layers.length / pp;
  const interconnect = (s.gpu.interconnect?.bandwidthGBps ?? 32) * 1e9;
  const allReduceMs = (tokens: number): number => {
    if (s.tp <= 1) return 0;
    const bytes = tokens * s.arch.hiddenSize * 2;
    // two all-reduces per layer; ring all-reduce moves 2(t−1)/t of the message over each link
    return (
      2 * layers * (eff.allReduceLatencyUs * 1e-3 + ((2 * (s.tp - 1)) / s.tp) * (bytes / interconnect) * 1e3)
    );
  };
  // a stage hands its activations to the next: one message of tokens × hidden × 2 bytes
  const hopMs = (tokens: number): number =>
    pp <= 1
      ? 0
      : eff.allReduceLatencyUs * 1e-3 + ((tokens * s.arch.hiddenSize * 2) / PIPELINE_LINK_BYTES_PER_S) * 1e3;
  return {
    setup: s,
    efficiency: eff,
    tflops: rate.tflops,
    computeNote: rate.note,
    prefillMfu,
    decodeMfu,
    bandwidthBytesPerS: bw,
    weightBytesPerGpu,
    expertBytesPerGpu: expertPerGpu,
    kvBytesPerTokenPerGpu: kvPerToken,
    pp,
    decodeStep(batch, contextTokens, tokensPerSequence = 1) {
      // one stage's step on a micro-batch of batch / pp sequences; a cycle is pp of them
      const micro = batch / pp;
      const tokens = micro * tokensPerSequence;
      let weightRead = weightBytesPerGpu;
      if (moe?.kind === 'moe') {
        const touched = expertsTouched(moe.experts, moe.expertsPerToken, tokens);
        weightRead = weightBytesPerGpu - expertPerGpu + expertPerGpu * (touched / moe.experts);
      }
      const kvRead = micro * contextTokens * kvPerToken;
      const memoryMs = (weightRead / (bw * eff.weightMbu) + kvRead / (bw * eff.kvMbu)) * 1e3;
      const computeMs =
        ((tokens * (2 * matmulPerToken + attnPerCtx * contextTokens)) / (flops * decodeMfu)) * 1e3;
      const commMs = allReduceMs(tokens) + hopMs(tokens);
      const ms = Math.max(memoryMs, computeMs) + commMs + eff.stepOverheadMs;
      return {
        ms: pp * ms,
        memoryMs: pp * memoryMs,
        computeMs: pp * computeMs,
        commMs: pp * commMs,
        overheadMs: pp * eff.stepOverheadMs,
        bound: memoryMs >= computeMs ? 'memory' : 'compute',
        weightBytesRead: pp * weightRead,
        kvBytesRead: pp * kvRead,
      };
    },
    prefillMs(batch, inputTokens, chunkTokens) {
      const tokens = batch * inputTokens;
      const causalAttention = batch * attnPerCtx * ((inputTokens * (inputTokens + 1)) / 2);
      const computeMs = ((2 * matmulPerToken * tokens + causalAttention) / (flops * prefillMfu)) * 1e3;
      const chunks = Math.max(1, Math.ceil(tokens / chunkTokens));
      const memoryMs = ((chunks * weightBytesPerGpu) / (bw * eff.weightMbu)) * 1e3;
      const stageMs = Math.max(computeMs, memoryMs) + allReduceMs(tokens);
      if (pp <= 1) return stageMs;
      // the batch's prompts flow through the stages as m micro-batches: (m + pp − 1) micro-steps
      const m = Math.min(pp, batch);
      return ((m + pp - 1) / m) * stageMs + (pp - 1) * hopMs(tokens / m);
    },
  };
}

export function isRooflineError(r: Roofline | { readonly error: string }): r is { readonly error: string } {
  return 'error' in r;
}

export function engineDefaults(engine: EngineId): { readonly maxBatchedTokens: number } {
  const p = ENGINE_PROFILES[engine];
  return {
    maxBatchedTokens: Number.isFinite(p.defaultMaxBatchedTokens) ? p.defaultMaxBatchedTokens : 1 << 20,
  };
}
