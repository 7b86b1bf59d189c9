export type * from './architecture.js';
export { architectureFromConfig } from './build.js';
export {
  attentionScoreCount,
  complexityCurve,
  flopsCrossoverTokens,
  moeCostReduction,
  sequenceFlops,
} from './complexity.js';
export type { ComplexityPoint } from './complexity.js';
export { attentionFlopsPerContextToken, flopsPerToken, flopsPerTokenAt, scanFlopsPerToken } from './flops.js';
export type { FlopsPerToken } from './flops.js';
export { configFromGguf } from './gguf.js';
export type { GgufConfig, GgufHeader } from './gguf.js';
export { inferFamily, inspectModel, MODEL_FAMILIES, SLM_MAX_PARAMS } from './inspect.js';
export type { InspectReport, ModelFamily, ModelInput, ModelSourceKind } from './inspect.js';
export {
  heldTokens,
  kvCache,
  kvCacheBytes,
  kvLayer,
  mambaStateElements,
  stateBytesPerSequence16Bit,
} from './kv-cache.js';
export type { KvCacheSummary, KvLayer, KvLayerKind } from './kv-cache.js';
export { isKnownModelType, MODEL_TYPES } from './model-types/index.js';
export type { ModelType } from './model-types/index.js';
export { COMPONENTS, countParams, layerCounts, mixerParams, mlpCounts } from './params.js';
export type { BlockCount, Component, ComponentCounts, LayerCount, ParamCount } from './params.js';
export {
  classifyTensor,
  countTensors,
  layerIndexOf,
  numel,
  parseSafetensorsHeader,
  tensorParams,
  tensorsFromHeaderJson,
} from './tensors.js';
export type { TensorClass, TensorCount, TensorInfo } from './tensors.js';
export { groupElements, layerTensorGroups, tensorGroups } from './tensor-groups.js';
export type { TensorGroup, TensorRole as WeightRole } from './tensor-groups.js';
