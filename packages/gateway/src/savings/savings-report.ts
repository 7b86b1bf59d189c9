import { requestCost, type CanonicalUsage, type ResolvedPrice } from '@costwise/core';
import type { RouteConfig } from '../config/index.js';
import { NANO_PER_USD, type SavingsGroup } from '../ledger/index.js';

/** A priced model as the report needs it: its name, where it runs, its price. */
export interface PricedModel {
  readonly name: string;
  readonly providerId: string;
  readonly upstreamModel: string;
  readonly price: ResolvedPrice | null;
}

export interface SavingsRow {
  readonly route: string | null;
  /** `provider:upstreamModel` that answered. */
  readonly model: string;
  readonly requests: number;
  readonly cacheHits: number;
  readonly actualUsd: number;
  readonly baselineUsd: number;
  readonly routingUsd: number;
  readonly responseCacheUsd: number;
  readonly promptCacheUsd: number;
}

export interface SavingsReport {
  readonly requests: number;
  /** What the ledger recorded (cache hits at 0). */
  readonly actualUsd: number;
  /** Had every request gone to its route's strongest model, without the response or prompt cache. */
  readonly baselineUsd: number;
  readonly savedUsd: number;
  readonly byLever: {
    readonly routing: number;
    readonly responseCache: number;
    readonly promptCache: number;
  };
  /** Requests whose cost is unknown: in neither figure. */
  readonly unknownCostRequests: number;
  readonly rows: readonly SavingsRow[];
}

/**
 * The model a route would use with no cost lever: a complexity route's strong model, a fallback route's
 * first target, a cheapest route's dearest candidate (input + output list price per MTok).
 */
export function strongestOf(
  route: RouteConfig,
  models: ReadonlyMap<string, PricedModel>,
): PricedModel | null {
  if (route.strategy === 'complexity') return models.get(route.strong) ?? null;
  if (route.strategy === 'fallback') return models.get(route.targets[0] ?? '') ?? null;
  let best: PricedModel | null = null;
  let bestMtok = -1;
  for (const name of route.candidates) {
    const m = models.get(name);
    const mtok =
      m?.price === null || m === undefined ? -1 : m.price.record.inputMtok + m.price.record.outputMtok;
    if (m !== undefined && mtok > bestMtok) {
      best = m;
      bestMtok = mtok;
    }
  }
  return best;
}

/** A group's cost priced per average request (long-context tiers apply per request), times its requests. */
function groupUsd(usage: CanonicalUsage, requests: number, price: ResolvedPrice, uncached: boolean): number {
  const avg = (n: number): number => n / requests;
  const u: CanonicalUsage = {
    inputTokens: avg(usage.inputTokens),
    cacheReadTokens: uncached ? 0 : avg(usage.cacheReadTokens),
    cacheWrite5mTokens: uncached ? 0 : avg(usage.cacheWrite5mTokens),
    cacheWrite1hTokens: uncached ? 0 : avg(usage.cacheWrite1hTokens),
    outputTokens: avg(usage.outputTokens),
    reasoningTokens: avg(usage.reasoningTokens),
  };
  return requestCost(u, price, { expected: true }).totalUsd * requests;
}

/**
 * Actual cost against the cost had every request gone to its route's strongest model uncached, split
 * into three levers: routing (same usage priced on the strongest model instead of the one that answered,
 * both without caching), the response cache (what each hit would have cost) and the provider prompt
 * cache (the uncached price of the usage minus what was paid; negative when cache writes cost more than
 * reads saved). Assumes the strongest model would have used the same tokens (tokenizers differ).
 */
export function savingsReport(
  groups: readonly SavingsGroup[],
  models: ReadonlyMap<string, PricedModel>,
  routes: ReadonlyMap<string, RouteConfig>,
): SavingsReport {
  const byUpstream = new Map<string, PricedModel>();
  for (const m of models.values()) byUpstream.set(`${m.providerId}:${m.upstreamModel}`, m);
  const rows: SavingsRow[] = [];
  let unknown = 0;
  for (const g of groups) {
    unknown += g.unknownCostRequests;
    const known = g.requests - g.unknownCostRequests;
    const actualUsd = g.costNanoUsd / NANO_PER_USD;
    const model = `${g.provider ?? '(none)'}:${g.upstreamModel ?? '(none)'}`;
    const row = {
      route: g.route,
      model,
      requests: g.requests,
      cacheHits: g.cache === 'hit' ? g.requests : 0,
    };
    if (g.cache === 'hit') {
      const responseCacheUsd = g.wouldCostNanoUsd / NANO_PER_USD;
      rows.push({
        ...row,
        actualUsd,
        baselineUsd: actualUsd + responseCacheUsd,
        routingUsd: 0,
        responseCacheUsd,
        promptCacheUsd: 0,
      });
      continue;
    }
    const here = byUpstream.get(model);
    const route = g.route === null ? undefined : routes.get(g.route);
    const strongest = route === undefined ? null : strongestOf(route, models);
    if (here?.price == null || known === 0) {
      rows.push({
        ...row,
        actualUsd,
        baselineUsd: actualUsd,
        routingUsd: 0,
        responseCacheUsd: 0,
        promptCacheUsd: 0,
      });
      continue;
    }
    const uncachedHere = groupUsd(g.usage, g.requests, here.price, true) * (known / g.requests);
    const uncachedStrong =
      strongest?.price == null
        ? uncachedHere
        : groupUsd(g.usage, g.requests, strongest.price, true) * (known / g.requests);
    rows.push({
      ...row,
      actualUsd,
      baselineUsd: uncachedStrong,
      routingUsd: uncachedStrong - uncachedHere,
      responseCacheUsd: 0,
      promptCacheUsd: uncachedHere - actualUsd,
    });
  }
  const sum = (
    k: 'actualUsd' | 'baselineUsd' | 'routingUsd' | 'responseCacheUsd' | 'promptCacheUsd',
  ): number => rows.reduce((s, r) => s + r[k], 0);
  const actualUsd = sum('actualUsd');
  const baselineUsd = sum('baselineUsd');
  return {
    requests: rows.reduce((s, r) => s + r.requests, 0),
    actualUsd,
    baselineUsd,
    savedUsd: baselineUsd - actualUsd,
    byLever: {
      routing: sum('routingUsd'),
      responseCache: sum('responseCacheUsd'),
      promptCache: sum('promptCacheUsd'),
    },
    unknownCostRequests: unknown,
    rows,
  };
}
