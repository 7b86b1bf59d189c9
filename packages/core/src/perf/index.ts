export { DEFAULT_EFFICIENCY, ENGINE_STEP_OVERHEAD_MS } from './efficiency.js';
export type { Efficiency } from './efficiency.js';
export { erlangC, expectedTokensPerStep, maxBatchFor, predictPerf } from './perf.js';
export type { PerfInput, PerfLoad, PerfOutcome, PerfResult, Speculation } from './perf.js';
export { computeRate, expertsTouched, isRooflineError, roofline } from './roofline.js';
export type { DecodeStep, PerfSetup, Roofline } from './roofline.js';
