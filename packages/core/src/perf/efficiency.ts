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
 * Fitted by `npm run calibrate:perf` (scripts/calibrate-perf.mjs): coordinate descent over each
 * factor's plausible range, minimising the mean |log error| of the 55 values in the calibration split
 * of data/perf-measurements.json (TensorRT-LLM v0.5/v0.6.1/v0.9 tables, LMDeploy, gpt-fast, NIM,
 * llama-bench, the vLLM nightly benchmark), starting from the previous fit. The validation split
 * (Databricks, kipply and the odd-hash half of the collected entries) is never read by the fit;
 * docs/perf-accuracy.md reports both. For comparison with the priors (perf-model.md §9): weight-read
 * MBU 0.70 (vLLM Llama-3.1-8B H100 ≈ 0.74, NIM 70B TP2 ≈ 0.57), all-reduce 49 µs per message (kipply:
 * 40–50 µs per layer at TP2, i.e. two messages). A per-layer prefill overhead was tried as a further
 * factor; the calibration split fits it at ≈ 0 µs, so it is not in the model.
 */
export const DEFAULT_EFFICIENCY: Efficiency = {
  weightMbu: 0.696,
  kvMbu: 0.787,
  prefillMfu: 0.664,
  decodeMfu: 0.372,
  prefillMfu8bit: 0.445,
  decodeMfu8bit: 0.36,
  stepOverheadMs: 1,
  requestOverheadMs: 4,
  allReduceLatencyUs: 48.7,
  source:
    'fitted by npm run calibrate:perf on the calibration split of data/perf-measurements.json (36 published values: TensorRT-LLM, LMDeploy, gpt-fast, NIM, llama-bench) from perf-model.md §9 priors; held-out error in docs/perf-accuracy.md',
};

/** Per-engine step overhead (ms): CUDA graphs and a C++ runtime keep it small; eager PyTorch does not. */
export const ENGINE_STEP_OVERHEAD_MS: Readonly<Record<EngineId, number>> = {
  vllm: 1.0,
  sglang: 0.8,
  trtllm: 0.5,
  llamacpp: 0.5,
  hf: 15,
};
