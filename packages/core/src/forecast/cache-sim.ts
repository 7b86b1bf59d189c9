import { invalidInput } from '../errors.js';
import { seededRandom } from '../random.js';

/**
 * How requests sharing one cacheable prefix arrive. Every request, hit or miss, leaves the prefix in
 * the cache until `ttl` after it (a miss writes it, a hit refreshes it: Anthropic "refreshed for no
 * additional cost each time the cached content is used"), so a request hits exactly when the previous
 * request sharing the prefix came less than a TTL before it.
 */
export type ArrivalProcess =
  | { readonly kind: 'poisson'; readonly requestsPerSecond: number }
  | { readonly kind: 'periodic'; readonly intervalSeconds: number; readonly jitterSeconds?: number }
  | { readonly kind: 'trace'; readonly timestampsSeconds: readonly number[] };

/**
 * Probability that a request finds the prefix cached: P(gap since the previous request < TTL).
 * Poisson: 1 − e^(−λ·TTL); periodic every Δ with uniform jitter ±j: the share of gaps Δ + (U₁ − U₂)j
 * below TTL (a triangular distribution); trace: the share of its gaps below TTL (the first request
 * always misses).
 */
export function cacheHitRate(arrivals: ArrivalProcess, ttlSeconds: number): number {
  if (!(ttlSeconds >= 0)) throw invalidInput('ttlSeconds', 'must be a non-negative number of seconds');
  switch (arrivals.kind) {
    case 'poisson': {
      if (!(arrivals.requestsPerSecond > 0)) throw invalidInput('requestsPerSecond', 'must be positive');
      return 1 - Math.exp(-arrivals.requestsPerSecond * ttlSeconds);
    }
    case 'periodic': {
      const d = arrivals.intervalSeconds;
      const j = arrivals.jitterSeconds ?? 0;
      if (!(d > 0)) throw invalidInput('intervalSeconds', 'must be positive');
      checkJitter(j, d);
      if (j === 0) return d < ttlSeconds ? 1 : 0;
      // gap = d + j(U1 − U2), U1 − U2 triangular on [−1, 1]
      const x = (ttlSeconds - d) / j;
      if (x <= -1) return 0;
      if (x >= 1) return 1;
      return x <= 0 ? ((1 + x) * (1 + x)) / 2 : 1 - ((1 - x) * (1 - x)) / 2;
    }
    case 'trace': {
      const t = [...arrivals.timestampsSeconds].sort((a, b) => a - b);
      if (t.length === 0) return 0;
      let hits = 0;
      for (let i = 1; i < t.length; i++) if ((t[i] ?? 0) - (t[i - 1] ?? 0) < ttlSeconds) hits++;
      return hits / t.length;
    }
  }
}

/** Jitter ±j around an interval d: 0 ≤ j ≤ d, or a gap between requests could be negative. */
function checkJitter(jitterSeconds: number, intervalSeconds: number): void {
  if (!(jitterSeconds >= 0 && jitterSeconds <= intervalSeconds)) {
    throw invalidInput(
      'jitterSeconds',
      `must be between 0 and intervalSeconds (${intervalSeconds}): a gap between requests cannot be negative`,
    );
  }
}

/** Arrival times of `requests` requests drawn from the process. */
export function sampleArrivals(arrivals: ArrivalProcess, requests: number, seed = 1): number[] {
  if (arrivals.kind === 'trace') return [...arrivals.timestampsSeconds].sort((a, b) => a - b);
  if (arrivals.kind === 'periodic') checkJitter(arrivals.jitterSeconds ?? 0, arrivals.intervalSeconds);
  const rnd = seededRandom(seed);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < requests; i++) {
    if (arrivals.kind === 'poisson') t += -Math.log(1 - rnd()) / arrivals.requestsPerSecond;
    else t += arrivals.intervalSeconds + (arrivals.jitterSeconds ?? 0) * (rnd() - rnd());
    out.push(t);
  }
  return out;
}

export interface SimulatedCache {
  readonly requests: number;
  readonly hits: number;
  readonly hitRate: number;
}

/**
 * Discrete-event simulation of one cache entry with a TTL refreshed on every use: events in time
 * order; a request at t hits when the entry's expiry is after t, and sets the expiry to t + TTL.
 */
export function simulateCache(
  arrivals: ArrivalProcess,
  ttlSeconds: number,
  requests = 200_000,
  seed = 1,
): SimulatedCache {
  let expiresAt = Number.NEGATIVE_INFINITY;
  let hits = 0;
  const times = sampleArrivals(arrivals, requests, seed);
  for (const t of times) {
    if (t < expiresAt) hits++;
    expiresAt = t + ttlSeconds;
  }
  return { requests: times.length, hits, hitRate: times.length > 0 ? hits / times.length : 0 };
}

/**
 * How a provider caches a prompt prefix (capabilities as data).
 * @see provider-billing.md §4 (minimum lengths, OpenAI 128-token increments, DeepSeek 64-token units, TTLs)
 */
export interface CachePolicy {
  /** Below this many prefix tokens nothing is cached. */
  readonly minTokens: number;
  /** Cached length is rounded down to this granularity… */
  readonly granularityTokens: number;
  /** …counted from `minTokens` (OpenAI: 1,024, 1,152, 1,280, …) rather than from 0. */
  readonly granularityFromMin: boolean;
  readonly ttls: Readonly<Record<string, number>>;
  /** Whether a miss pays a write premium (Anthropic, OpenAI GPT-5.6+) or writes are free (DeepSeek, older OpenAI). */
  readonly writesBilled: boolean;
  readonly source: string;
}

export const CACHE_POLICIES: Readonly<Record<string, CachePolicy>> = {
  anthropic: {
    minTokens: 1024,
    granularityTokens: 1,
    granularityFromMin: false,
    ttls: { '5m': 300, '1h': 3600 },
    writesBilled: true,
    source:
      'Anthropic prompt caching: 5-minute default and 1-hour TTLs refreshed on use; minimum 1,024 tokens (Sonnet 4.5, Opus 4/4.1; 2,048–4,096 for some models)',
  },
  openai: {
    minTokens: 1024,
    granularityTokens: 128,
    granularityFromMin: true,
    ttls: { '5m': 300, '1h': 3600, '24h': 86400 },
    writesBilled: false,
    source:
      'OpenAI prompt caching: prompts of 1,024 tokens or more, hits in 128-token increments, in-memory retention 5–10 minutes (up to 1 h), extended 24 h',
  },
  deepseek: {
    minTokens: 64,
    granularityTokens: 64,
    granularityFromMin: false,
    ttls: { hours: 3 * 3600 },
    writesBilled: false,
    source: 'DeepSeek context caching: 64-token units, billed only on hits, cleared within hours to days',
  },
  google: {
    minTokens: 1024,
    granularityTokens: 1,
    granularityFromMin: false,
    ttls: { '1h': 3600 },
    writesBilled: false,
    source: 'Gemini implicit caching: minimum 1,024 (Flash) to 4,096 (Pro) tokens, no cost-saving guarantee',
  },
};

/** Tokens of a prefix the provider actually caches. */
export function cacheableTokens(policy: CachePolicy, prefixTokens: number): number {
  if (prefixTokens < policy.minTokens) return 0;
  if (policy.granularityTokens <= 1) return prefixTokens;
  const base = policy.granularityFromMin ? policy.minTokens : 0;
  return base + Math.floor((prefixTokens - base) / policy.granularityTokens) * policy.granularityTokens;
}

export interface CachedTrafficCost {
  readonly ttl: string;
  readonly ttlSeconds: number;
  readonly hitRate: number;
  readonly cachedTokens: number;
  /** Expected USD per request with caching, and without. */
  readonly usdPerRequest: number;
  readonly uncachedUsdPerRequest: number;
  readonly savingShare: number;
}
