export {
  causalSelfAttention,
  cachedDecodeStep,
  EMPTY_KV_CACHE,
  kvCacheStateBytes,
  scaledDotProductAttention,
} from './attention.js';
export type { AttentionResult, AttentionWeights, KvCacheState } from './attention.js';
export { loadBalancingLoss, moeForward, routeTopK } from './moe-routing.js';
export type { TokenRoute } from './moe-routing.js';
export { selectiveScanStep, selectiveStateElements, ssmConvolution, ssmScan, ssmStep } from './ssm-scan.js';
export type { LinearSsm } from './ssm-scan.js';
export { matmul, softmax, transpose } from './_matrix.js';
export type { Matrix, Vector } from './_matrix.js';
