import { z } from 'zod';

/** One group of GET /admin/usage (the gateway's UsageRow). */
const UsageRowSchema = z.object({
  group: z.string(),
  requests: z.number(),
  inputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  unknownCostRequests: z.number(),
  cacheHits: z.number(),
  errors: z.number(),
});

export const UsageReportSchema = z.object({
  rows: z.array(UsageRowSchema),
  totals: UsageRowSchema.omit({ group: true }),
});
export type UsageReportJson = z.infer<typeof UsageReportSchema>;
export type UsageTotalsJson = UsageReportJson['totals'];

/** GET /admin/keys: every key with its spend in the current budget window (USD). */
export const KeysSchema = z.object({
  keys: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      source: z.enum(['config', 'admin']),
      budgetUsd: z.number().nullable(),
      budgetWindow: z.string(),
      spentUsd: z.number(),
      reservedUsd: z.number(),
      remainingUsd: z.number().nullable(),
    }),
  ),
});
export type KeysJson = z.infer<typeof KeysSchema>;
export type KeyJson = KeysJson['keys'][number];

/** GET /admin/savings: actual cost against every request on its route's strongest model, uncached (USD). */
export const SavingsSchema = z.object({
  requests: z.number(),
  actualUsd: z.number(),
  baselineUsd: z.number(),
  savedUsd: z.number(),
  byLever: z.object({ routing: z.number(), responseCache: z.number(), promptCache: z.number() }),
  unknownCostRequests: z.number(),
  rows: z.array(
    z.object({
      route: z.string().nullable(),
      model: z.string(),
      requests: z.number(),
      cacheHits: z.number(),
      actualUsd: z.number(),
      baselineUsd: z.number(),
      routingUsd: z.number(),
      responseCacheUsd: z.number(),
      promptCacheUsd: z.number(),
    }),
  ),
});
export type SavingsJson = z.infer<typeof SavingsSchema>;

export const TOKEN_KINDS = ['uncachedInput', 'cacheRead', 'cacheWrite', 'output'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];
export const TOKEN_KIND_LABELS = {
  uncachedInput: 'input (uncached)',
  cacheRead: 'cache read',
  cacheWrite: 'cache write',
  output: 'output',
} as const satisfies Record<TokenKind, string>;

/**
 * Tokens of a usage group by kind, each counted once: the ledger's inputTokens include the cache reads
 * and writes (core's canonical usage), so the uncached input is input − reads − writes.
 */
export function tokensByKind(r: UsageTotalsJson): Record<TokenKind, number> {
  return {
    uncachedInput: Math.max(0, r.inputTokens - r.cacheReadTokens - r.cacheWriteTokens),
    cacheRead: r.cacheReadTokens,
    cacheWrite: r.cacheWriteTokens,
    output: r.outputTokens,
  };
}

/**
 * Two cache rates of a usage group: the share of requests the gateway's response cache answered, and
 * the share of input tokens the provider's prompt cache served (cache reads / input). Null without data.
 */
export function cacheRates(r: UsageTotalsJson): {
  readonly responseHitRate: number | null;
  readonly promptReadShare: number | null;
} {
  return {
    responseHitRate: r.requests === 0 ? null : r.cacheHits / r.requests,
    promptReadShare: r.inputTokens === 0 ? null : r.cacheReadTokens / r.inputTokens,
  };
}

export interface Share {
  readonly group: string;
  readonly requests: number;
  /** Of all requests in the report, 0–1. */
  readonly share: number;
}

/** Each group's share of the requests (e.g. of GET /admin/usage?groupBy=upstream), largest first. */
export function requestShares(rows: readonly { group: string; requests: number }[]): Share[] {
  const total = rows.reduce((s, r) => s + r.requests, 0);
  return rows
    .map((r) => ({ group: r.group, requests: r.requests, share: total === 0 ? 0 : r.requests / total }))
    .sort((a, b) => b.requests - a.requests || a.group.localeCompare(b.group));
}

export interface RouteBreakdown {
  /** The route name; '(no route)' for requests that named a model. */
  readonly route: string;
  readonly requests: number;
  readonly cacheHits: number;
  readonly responseHitRate: number | null;
  /** Which upstream (`provider:model`) answered the route's requests, and how often. */
  readonly models: readonly Share[];
}

export const NO_ROUTE = '(no route)';

/** Successful requests of the savings report per route: response-cache hit rate and routing shares. */
export function routeBreakdown(savings: SavingsJson): RouteBreakdown[] {
  const byRoute = new Map<string, SavingsJson['rows'][number][]>();
  for (const r of savings.rows) {
    const key = r.route ?? NO_ROUTE;
    byRoute.set(key, [...(byRoute.get(key) ?? []), r]);
  }
  return [...byRoute]
    .map(([route, rows]) => {
      const requests = rows.reduce((s, r) => s + r.requests, 0);
      const cacheHits = rows.reduce((s, r) => s + r.cacheHits, 0);
      const perModel = new Map<string, number>();
      for (const r of rows) perModel.set(r.model, (perModel.get(r.model) ?? 0) + r.requests);
      return {
        route,
        requests,
        cacheHits,
        responseHitRate: requests === 0 ? null : cacheHits / requests,
        models: requestShares([...perModel].map(([group, n]) => ({ group, requests: n }))),
      };
    })
    .sort((a, b) => a.route.localeCompare(b.route));
}

/** The share of a key's budget spent or reserved in its window (may exceed 1); null without a budget. */
export function budgetUsed(k: KeyJson): number | null {
  if (k.budgetUsd === null) return null;
  return k.budgetUsd === 0 ? 1 : (k.spentUsd + k.reservedUsd) / k.budgetUsd;
}

/** One row of GET /admin/requests (the fields the dashboard shows; others pass through unread). */
export const RecentRequestsSchema = z.object({
  rows: z.array(
    z.object({
      id: z.string(),
      time: z.string(),
      requestedModel: z.string(),
      upstreamModel: z.string().nullable(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      costUsd: z.number().nullable(),
      latencyMs: z.number().nullable(),
      status: z.number().nullable(),
      cache: z.string(),
    }),
  ),
});
export type RecentRequestsJson = z.infer<typeof RecentRequestsSchema>;

/** A checked admin API answer: the parsed body, or an error naming the endpoint and what is wrong. */
export function parseAdmin<T>(
  endpoint: string,
  schema: z.ZodType<T>,
  status: number,
  body: unknown,
): { ok: true; value: T } | { ok: false; message: string } {
  if (status === 401 || status === 403) {
    const message = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
    return {
      ok: false,
      message: `${endpoint}: ${message.success ? message.data.error.message : `HTTP ${String(status)}`}`,
    };
  }
  if (status !== 200) return { ok: false, message: `${endpoint}: HTTP ${String(status)}` };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${endpoint}: unexpected answer at ${issue?.path.map(String).join('.') ?? '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: parsed.data };
}
