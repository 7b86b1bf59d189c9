export { contextTier, requestCost } from './cost.js';
export type { CostLine, CostUnit, RequestCost } from './cost.js';
export {
  detectStreamApi,
  detectUsageApi,
  isUsageApi,
  normalizeAnthropic,
  normalizeAnthropicStream,
  normalizeDeepSeek,
  normalizeGemini,
  normalizeOpenAiChat,
  normalizeOpenAiResponses,
  USAGE_NORMALIZERS,
} from './normalizers/index.js';
export type { Normalized, UsageApi, UsageNormalizer } from './normalizers/index.js';
export { fromGenaiPrices, parsePriceOverrides, PriceOverridesSchema, resolvePrice } from './prices.js';
export type { ContextTier, PriceOverrides, PriceRecord, ResolvedPrice } from './prices.js';
export { PROVIDER_RULES, rulesFor } from './rules.js';
export type { ProviderRules } from './rules.js';
export { addUsage, CanonicalUsageSchema, checkUsage, parseCanonicalUsage, ZERO_USAGE } from './usage.js';
export type { CanonicalUsage } from './usage.js';
export { PRICE_DATA_URL, usePriceData } from './price-data.js';
