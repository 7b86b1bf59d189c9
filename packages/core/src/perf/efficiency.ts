import type { EngineId } from '../memory/engines.js';

/**
 * Achieved fractions of peak, the roofline's calibrated part. Priors from perf-model.md §9, then
 * fitted on the calibration split of the measurements (`calibration.ts`); each value names where it
 * came from. They are data: override them per call.
 */
export interface Efficiency {
  /** Memory-bandwidth utilisation when streaming weights in a decode step. */
  readonly weightMbu: number;
  /** Bandwidth utilisation reading the KV cache (long contiguous reads). */
  readonly kvMbu: number;
  /** Model FLOPs utilisation of 16-bit prefill GEMMs. */
  readonly prefillMfu: number;
  /** Model FLOPs utilisation of 16-bit decode GEMMs (large batches). */
  readonly decodeMfu: number;
  /** The same for W8A8 (FP8/INT8) GEMMs: their peak is twice the 16-bit one and harder to reach. */
  readonly prefillMfu8bit: number;
  readonly decodeMfu8bit: number;
  /** Fixed time per request before its first token: scheduling, the context-phase launch, first sampling (ms). */
  readonly requestOverheadMs: number;
  /** Fixed time per decode step: launches, sampling, scheduling (ms). */
  readonly stepOverheadMs: number;
  /** Latency of one all-reduce message under tensor parallelism (µs). */
  readonly allReduceLatencyUs: number;
  readonly source: string;
}

/**
 * Priors from perf-model.md §9; the MFUs and the request overhead were then fitted by hand on the
 * calibration split of data/perf-measurements.json (TensorRT-LLM v0.5/v0.6.1 performance tables):
 * 16-bit prefill on A100 reaches 0.70 (TTFT slope 0.061 ms/token for Llama-2-7B, kipply's 0.72 for MLP
 * GEMMs), FP8 prefill on H100 ≈ 0.5 (slope 0.015 ms/token), FP8 decode at batch 768–1024 ≈ 0.3; the
 * TTFT intercepts leave 4.5–7.7 ms per request beyond the weight read. The validation split
 * (Databricks, kipply, TensorRT-LLM v0.9, LMDeploy, gpt-fast, NIM, llama-bench) was not used;
 * docs/perf-accuracy.md reports both.
 */
export const DEFAULT_EFFICIENCY: Efficiency = {
  weightMbu: 0.8,
  kvMbu: 0.9,
  prefillMfu: 0.7,
  decodeMfu: 0.5,
  prefillMfu8bit: 0.5,
  decodeMfu8bit: 0.3,
  stepOverheadMs: 1,
  requestOverheadMs: 5,
  allReduceLatencyUs: 22,
  source:
    'perf-model.md §9 priors (MBU 0.55–0.9 Databricks/kipply; weight-read MBU ≈ 74% vLLM Llama-3.1-8B H100; KV reads ≈ 90% vLLM FP8-KV slope; all-reduce 40–50 µs per layer at TP2, kipply) with MFUs and the 5 ms request overhead fitted on TensorRT-LLM v0.5/v0.6.1 tables (docs/perf-accuracy.md)',
};

/** Per-engine step overhead (ms): CUDA graphs and a C++ runtime keep it small; eager PyTorch does not. */
export const ENGINE_STEP_OVERHEAD_MS: Readonly<Record<EngineId, number>> = {
  vllm: 1.0,
  sglang: 0.8,
  trtllm: 0.5,
  llamacpp: 0.5,
  hf: 15,
};
