import { invalidInput } from '../errors.js';
import { requestCost } from '../pricing/cost.js';
import type { ResolvedPrice } from '../pricing/prices.js';
import { ZERO_USAGE, type CanonicalUsage } from '../pricing/usage.js';
import {
  cacheableTokens,
  cacheHitRate,
  type ArrivalProcess,
  type CachedTrafficCost,
  type CachePolicy,
} from './cache-sim.js';

export interface PromptShape {
  /** Tokens of the static prefix shared by the requests (system prompt, tools, documents). */
  readonly prefixTokens: number;
  /** Tokens after it that change per request. */
  readonly dynamicTokens: number;
  readonly outputTokens: number;
}

/**
 * Expected cost per request of traffic sharing one prefix under a TTL: a hit reads the cached part,
 * a miss writes it (at the 5-minute or 1-hour write price where the provider bills writes), both pay
 * the rest of the input and the output at list price.
 */
export function cachedTrafficCost(
  price: Pick<ResolvedPrice, 'record' | 'source' | 'providerId'>,
  policy: CachePolicy,
  prompt: PromptShape,
  arrivals: ArrivalProcess,
  ttl: string,
): CachedTrafficCost {
  const ttlSeconds = policy.ttls[ttl];
  if (ttlSeconds === undefined)
    throw invalidInput(
      'ttl',
      `is ${ttl}, which this provider does not offer; use one of ${Object.keys(policy.ttls).join(', ')}`,
    );
  const cached = cacheableTokens(policy, prompt.prefixTokens);
  const input = prompt.prefixTokens + prompt.dynamicTokens;
  const base: CanonicalUsage = { ...ZERO_USAGE, inputTokens: input, outputTokens: prompt.outputTokens };
  const plain = requestCost(base, price).totalUsd;
  const hitRate = cached > 0 ? cacheHitRate(arrivals, ttlSeconds) : 0;
  const hit = requestCost({ ...base, cacheReadTokens: cached }, price).totalUsd;
  const writeKey = ttlSeconds > 300 ? 'cacheWrite1hTokens' : 'cacheWrite5mTokens';
  const miss = policy.writesBilled ? requestCost({ ...base, [writeKey]: cached }, price).totalUsd : plain;
  const usdPerRequest = hitRate * hit + (1 - hitRate) * miss;
  return {
    ttl,
    ttlSeconds,
    hitRate,
    cachedTokens: cached,
    usdPerRequest,
    uncachedUsdPerRequest: plain,
    savingShare: plain > 0 ? 1 - usdPerRequest / plain : 0,
  };
}

/** Every TTL the provider offers for this traffic, cheapest first. */
export function compareTtls(
  price: Pick<ResolvedPrice, 'record' | 'source' | 'providerId'>,
  policy: CachePolicy,
  prompt: PromptShape,
  arrivals: ArrivalProcess,
): CachedTrafficCost[] {
  return Object.keys(policy.ttls)
    .map((ttl) => cachedTrafficCost(price, policy, prompt, arrivals, ttl))
    .sort((a, b) => a.usdPerRequest - b.usdPerRequest);
}
