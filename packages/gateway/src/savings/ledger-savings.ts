import pino from 'pino';
import type { GatewayConfig, RouteConfig } from '../config/index.js';
import { routeModels, type RoutedModel } from '../http/gateway-context.js';
import type { LedgerStore, UsageQuery } from '../ledger/index.js';
import { savingsReport, type PricedModel, type SavingsReport } from './savings-report.js';

export function pricedModels(models: ReadonlyMap<string, RoutedModel>): Map<string, PricedModel> {
  return new Map(
    [...models.values()].map((m) => [
      m.config.name,
      { name: m.config.name, providerId: m.provider.id, upstreamModel: m.config.model, price: m.price },
    ]),
  );
}

/** The savings report of a ledger, priced with the models and routes of a config. */
export async function ledgerSavings(
  store: LedgerStore,
  models: ReadonlyMap<string, PricedModel>,
  routes: ReadonlyMap<string, RouteConfig>,
  range: Omit<UsageQuery, 'groupBy'>,
): Promise<SavingsReport> {
  return savingsReport(await store.savingsGroups(range), models, routes);
}

/** For `costwise usage --savings`: resolves the config's prices without starting a gateway. */
export function savingsContext(config: GatewayConfig): {
  models: Map<string, PricedModel>;
  routes: Map<string, RouteConfig>;
} {
  return {
    models: pricedModels(routeModels(config, pino({ level: 'silent' }))),
    routes: new Map(config.routes.map((r) => [r.name, r])),
  };
}
