import { findClosedModel, resolvePrice, type ResolvedPrice } from '@costwise/core';
import type { Logger } from 'pino';
import type { KeyBudgets } from '../budgets/index.js';
import type { ResponseCache, SingleFlight, CachedResponse } from '../cache/index.js';
import type { GatewayConfig, ModelConfig, RouteConfig } from '../config/index.js';
import type { CircuitBreakers, ComplexityRouter, ConversationAffinity } from '../routing/index.js';
import type { LedgerStore, LedgerWriter } from '../ledger/index.js';
import { createProvider, type Provider } from '../providers/index.js';
import { KeyRing } from './keys.js';
import type { GatewayMetrics } from './metrics.js';
import type { UpstreamClient } from './upstream-client.js';

/** A model name clients may ask for, with its provider and its price (null when none resolves). */
export interface RoutedModel {
  readonly config: ModelConfig;
  readonly provider: Provider;
  readonly price: ResolvedPrice | null;
  readonly priceProblem: string | null;
  /** Context window in tokens (models[].contextTokens, else core's catalog; null when unknown). */
  readonly contextTokens: number | null;
}

/** Everything a request handler needs, injected (tests may pass their own clock, ids and upstream client). */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly models: ReadonlyMap<string, RoutedModel>;
  readonly keys: KeyRing;
  readonly routes: ReadonlyMap<string, RouteConfig>;
  readonly routers: ReadonlyMap<string, ComplexityRouter>;
  readonly breakers: CircuitBreakers;
  readonly affinity: ConversationAffinity;
  readonly budgets: KeyBudgets;
  /** Null when cache.responses.enabled is false. */
  readonly responseCache: ResponseCache | null;
  readonly flights: SingleFlight<CachedResponse | null>;
  /** In [0, 1): backoff jitter. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly store: LedgerStore;
  readonly writer: LedgerWriter;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Wall clock, epoch ms (ledger times). */
  readonly now: () => number;
  /** Monotonic clock, ms (latencies). */
  readonly clock: () => number;
  readonly upstream: UpstreamClient;
  readonly newId: () => string;
}

/** Resolves every configured model's provider and price once, at start. */
export function routeModels(config: GatewayConfig, logger: Logger): Map<string, RoutedModel> {
  const providers = new Map(config.providers.map((p) => [p.id, createProvider(p)]));
  const out = new Map<string, RoutedModel>();
  for (const m of config.models) {
    const provider = providers.get(m.provider);
    if (!provider) continue; // the schema already refused it
    let price: ResolvedPrice | null = null;
    let priceProblem: string | null = null;
    try {
      price = resolvePrice(
        provider.capabilities.priceProvider,
        m.model,
        m.prices ? { overrides: m.prices } : {},
      );
      for (const w of price.warnings) logger.warn({ model: m.name }, w);
    } catch (error) {
      priceProblem = error instanceof Error ? error.message : String(error);
      logger.warn(
        { model: m.name, provider: provider.id, upstreamModel: m.model },
        `no price: costs of ${m.name} will be recorded as unknown (give models[].prices): ${priceProblem}`,
      );
    }
    const contextTokens = m.contextTokens ?? findClosedModel(m.model)?.contextTokens ?? null;
    out.set(m.name, { config: m, provider, price, priceProblem, contextTokens });
  }
  return out;
}
