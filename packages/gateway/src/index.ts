export * from './config/index.js';
export * from './ledger/index.js';
export { createGateway, createLogger, type Gateway, type GatewayOptions } from './gateway.js';
export { startGateway, type RunningGateway } from './server.js';
export { createProvider, PROVIDER_FACTORIES } from './providers/index.js';
export type { ClientApi, Provider, ProviderCapabilities } from './providers/index.js';
export { GatewayMetrics } from './http/metrics.js';
