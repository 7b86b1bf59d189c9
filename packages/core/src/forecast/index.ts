export { blendedUsdPerMTok, breakEven, fixedMonthlyUsd } from './breakeven.js';
export { DAYS_PER_MONTH, HOURS_PER_MONTH } from './month.js';
export type { BreakEven, BreakEvenInput, BreakEvenPoint } from './breakeven.js';
export { cacheableTokens, cacheHitRate, CACHE_POLICIES, sampleArrivals, simulateCache } from './cache-sim.js';
export type { ArrivalProcess, CachePolicy, SimulatedCache } from './cache-sim.js';
export { cachedTrafficCost, compareTtls } from './caching.js';
export type { PromptShape } from './caching.js';
export type { CachedTrafficCost } from './cache-sim.js';
export { forecast } from './forecast.js';
export type { Forecast, ForecastStep, Lever, OptionForecast } from './forecast.js';
export {
  cappedMean,
  mean,
  parseWorkload,
  TokenDistribution,
  workloadJsonSchema,
  WorkloadSchema,
} from './workload.js';
export type { Workload } from './workload.js';
