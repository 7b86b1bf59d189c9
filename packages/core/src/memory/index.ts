export {
  ACTIVATION_BYTES,
  inferenceActivationPeak,
  LOGITS_BYTES,
  trainingActivationBytes,
} from './activations.js';
export type { ActivationPeak, InferenceActivationInput, TrainingActivationInput } from './activations.js';
export { engineProfile, ENGINE_PROFILES, isEngineId } from './engines.js';
export type { EngineId, EngineProfile, RuntimeMemory } from './engines.js';
export {
  allGpus,
  cheapestGpuHour,
  fitModel,
  layoutEvaluator,
  MAX_PIPELINE_STAGES,
  tensorParallelOk,
  TP_DEGREES,
} from './fit.js';
export type { FitOption, FitResult, FitWorkload, LayoutEvaluator } from './fit.js';
export {
  heldTokensPerSequence,
  kvCacheMemory,
  kvCapacityTokens,
  kvLayerBytesPerToken,
  kvShareOnRank,
} from './kv-cache.js';
export type { KvCacheInput, KvCachePlan } from './kv-cache.js';
export { isKvDtypeId, KV_DTYPES } from './kv-dtypes.js';
export type { KvDtype, KvDtypeId } from './kv-dtypes.js';
export {
  engineActivationPeak,
  gpuMemoryBytes,
  INFERENCE_PLAN_DEFAULTS,
  pipelineStages,
  planMemory,
} from './plan.js';
export type { MemoryMode, MemoryPlan, MemoryPlanInput } from './plan.js';
export { isOptimizerId, loraParams, OPTIMIZERS, totalParams, zeroShare } from './training.js';
export type { LoraTargets, OptimizerId } from './training.js';
export { BYTES_16BIT, ggufWeightsBytes, quantizedMatrixBits, weightsBytes } from './weights.js';
export type { WeightsBreakdown } from './weights.js';
export { calibrate, memoryMeasurements } from './calibration.js';
export type { CalibrationResult, MemoryMeasurement } from './calibration.js';
