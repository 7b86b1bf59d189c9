export {
  decodeBf16,
  decodeE8m0,
  decodeFloat,
  decodeFp16,
  decodeTable,
  encodeBf16,
  encodeE8m0,
  encodeFloat,
  encodeFp16,
  FLOAT_FORMATS,
  roundHalfEven,
  toFp16,
} from './float-formats.js';
export type { FloatFormat, FloatFormatId, SpecialValues } from './float-formats.js';
export { dequantizeGgml, GGML_BLOCKS, ggmlBlockBytes, q4kScaleMin, quantizeGgml } from './ggml-blocks.js';
export type { GgmlBlockLayout, GgmlBlockType } from './ggml-blocks.js';
export {
  dequantizeInt4Grouped,
  dequantizeInt8Asymmetric,
  dequantizeInt8Symmetric,
  int4GroupedBytes,
  quantizeInt4Grouped,
  quantizeInt8Asymmetric,
  quantizeInt8Symmetric,
} from './integer.js';
export type { AsymmetricInt8, GroupedInt4, SymmetricInt8 } from './integer.js';
export { quantizeLayerAwq, quantizeLayerGptq, quantizeLayerRtn } from './layer-quantizers.js';
export type {
  AwqOptions,
  GptqOptions,
  LayerCodes,
  LayerQuantOptions,
  LayerQuantResult,
} from './layer-quantizers.js';
export { hessian, outputRelativeError } from './linear-layer.js';
export type { Calibration, LinearLayer } from './linear-layer.js';
export { accumulateError, finishError, newErrorAccumulator, tensorError } from './metrics.js';
export type { ErrorAccumulator, TensorError } from './metrics.js';
export {
  dequantizeFp4,
  dequantizeMxfp4,
  dequantizeNvfp4,
  quantizeFp4,
  quantizeMxfp4,
  quantizeNvfp4,
} from './microscaling.js';
export type { Fp4Tensor, MxFp4Blocks, NvFp4Blocks } from './microscaling.js';
export { dequantizeNf4, NF4_BLOCK, NF4_DQ_BLOCK, NF4_LEVELS, nf4Bytes, quantizeNf4 } from './nf4.js';
export type { Nf4Blocks } from './nf4.js';
export {
  accumulateStats,
  chunkElements,
  concatBytes,
  elementsOf,
  encodeLayerParts,
  finishStats,
  INT4_GROUP,
  isQuantSchemeId,
  newStatsAccumulator,
  QUANT_SCHEME_IDS,
  QUANT_SCHEMES,
  quantizeTensor,
  rowLengthOf,
  storedBytes,
} from './schemes.js';
export type {
  EncodedChunk,
  EncodeOptions,
  QuantizedTensor,
  QuantScheme,
  QuantSchemeId,
  StatsAccumulator,
  StoredDtype,
  StoredPart,
  TensorStats,
} from './schemes.js';
export { dequantizeTernary, quantizeTernary, TERNARY_EPSILON } from './ternary.js';
export type { TernaryTensor } from './ternary.js';
export {
  checkSafetensorsHeaderLength,
  FLOAT_SOURCE_DTYPES,
  isFloatSourceDtype,
  MAX_SAFETENSORS_HEADER_BYTES,
  validateSafetensorsHeader,
  SAFETENSORS_DTYPE_BYTES,
} from './safetensors-header.js';
export type {
  FloatSourceDtype,
  SafetensorsDtype,
  SafetensorsHeader,
  SafetensorsTensor,
} from './safetensors-header.js';
export { ADVICE_SCENARIOS, adviseQuantization, isAdviceScenario, LECTURE_DECISION_GUIDE } from './advise.js';
export type { Advice, AdviceCandidate, AdviceInput, AdviceScenario } from './advise.js';
