export { assignFolds, callsToReach, crossValidatedScores, evaluateRouter, quantileSorted } from './eval.js';
export type { CurvePoint, RoutedOutcome, RouterEvaluation } from './eval.js';
export { fnv1a, hashedTermCounts, SHAPE_FEATURES, shapeFeatures } from './features.js';
export type { ShapeFeature } from './features.js';
export { LabelledPromptSchema, parseLabelledJsonl, parsePromptJsonl, PromptLineSchema } from './labelled.js';
export type { LabelledPrompt, PromptLine } from './labelled.js';
export { loadRouterModel, ROUTER_MODEL_FORMAT, RouterModelSchema, scorePrompt } from './model.js';
export type { RouterModel, RouterModelFile, RouterScore, RouterTraining } from './model.js';
export { chooseThreshold, NEVER_STRONG_THRESHOLD, ThresholdTargetSchema } from './threshold.js';
export type { ThresholdCalibration, ThresholdChoice, ThresholdTarget } from './threshold.js';
export {
  BAG_OF_WORDS_BASELINE,
  ROUTER_SCORE_MEANING,
  ROUTER_TRAINING_DEFAULTS,
  trainRouter,
} from './train.js';
export type { RouterTrainingOptions } from './train.js';
export { crossValidateRouter, fitRouter } from './fit.js';
export type { FitRouterOptions, FitRouterResult } from './fit.js';
export { defaultRouterModel } from './default-model.js';
