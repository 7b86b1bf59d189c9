export {
  BUDGET_WINDOWS,
  KeyLimitsSchema,
  GatewayConfigSchema,
  gatewayConfigJsonSchema,
  PROVIDER_KINDS,
  type BudgetWindow,
  type GatewayConfig,
  type KeyConfig,
  type KeyLimits,
  type RouteConfig,
  type ModelConfig,
  type ProviderConfig,
  type ProviderKind,
} from './config-schema.js';
export { interpolateEnv } from './interpolate.js';
export { loadConfig } from './load-config.js';
export { EXAMPLE_CONFIG, keyPath, parseConfigText, validateConfig } from './validate-config.js';
