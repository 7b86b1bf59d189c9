import type { CanonicalUsage } from '@costwise/core';

/** Whether the response came from the gateway's cache (part 2) or the upstream. */
export type CacheStatus = 'hit' | 'miss';

/**
 * One request as the ledger records it. Money is integer nano-dollars (USD × 10⁹), rounded once per
 * request, so sums never drift; `null` means the cost could not be computed (unknown, never 0).
 */
export interface LedgerRow {
  readonly id: string;
  /** Epoch milliseconds (UTC) when the request arrived. */
  readonly timeMs: number;
  /** The virtual key's name (never the key itself); null when rejected before authentication. */
  readonly key: string | null;
  /** The name the client asked for. */
  readonly requestedModel: string;
  /** Part 2: the route that chose the upstream, and its decision (e.g. a tier). */
  readonly route: string | null;
  readonly decision: string | null;
  /** Why the route decided so (scores, failures of earlier targets, prices compared). */
  readonly reason: string | null;
  readonly provider: string | null;
  readonly upstreamModel: string | null;
  readonly usage: CanonicalUsage;
  readonly costNanoUsd: number | null;
  /** Response-cache hits: what the upstream call would have cost (costNanoUsd is 0); else null. */
  readonly wouldCostNanoUsd: number | null;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly upstreamMs: number | null;
  readonly status: number;
  readonly error: string | null;
  readonly cache: CacheStatus;
}

/** `/admin/requests` row (the field names). */
export interface LedgerRowJson {
  readonly id: string;
  readonly time: string;
  readonly key: string | null;
  readonly requestedModel: string;
  readonly route: string | null;
  readonly decision: string | null;
  readonly reason: string | null;
  readonly provider: string | null;
  readonly upstreamModel: string | null;
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWrite5mTokens: number;
  readonly cacheWrite1hTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly costUsd: number | null;
  readonly wouldCostUsd: number | null;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly upstreamMs: number | null;
  readonly status: number;
  readonly error: string | null;
  readonly cache: CacheStatus;
}

export const NANO_PER_USD = 1e9;

/** USD → integer nano-dollars, rounded half away from zero (one rounding per request, error ≤ 5×10⁻¹⁰ USD). */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

export function rowToJson(r: LedgerRow): LedgerRowJson {
  return {
    id: r.id,
    time: new Date(r.timeMs).toISOString(),
    key: r.key,
    requestedModel: r.requestedModel,
    route: r.route,
    decision: r.decision,
    reason: r.reason,
    provider: r.provider,
    upstreamModel: r.upstreamModel,
    ...r.usage,
    costUsd: r.costNanoUsd === null ? null : r.costNanoUsd / NANO_PER_USD,
    wouldCostUsd: r.wouldCostNanoUsd === null ? null : r.wouldCostNanoUsd / NANO_PER_USD,
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    upstreamMs: r.upstreamMs,
    status: r.status,
    error: r.error,
    cache: r.cache,
  };
}
