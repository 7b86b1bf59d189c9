import { describe, expect, it } from 'vitest';
import { resolvePrice } from '../pricing/prices.js';
import {
  cacheableTokens,
  cacheHitRate,
  CACHE_POLICIES,
  simulateCache,
  type ArrivalProcess,
} from './cache-sim.js';
import { cachedTrafficCost, compareTtls } from './caching.js';

const anthropic = CACHE_POLICIES['anthropic'];
const openai = CACHE_POLICIES['openai'];
if (!anthropic || !openai) throw new Error('policies missing');

describe('cache hit rate: analytic against a discrete-event simulation', () => {
  it.each<[string, ArrivalProcess, number]>([
    ['Poisson, 1 request/min, 5-minute TTL', { kind: 'poisson', requestsPerSecond: 1 / 60 }, 300],
    ['Poisson, 1 request/10 min, 5-minute TTL', { kind: 'poisson', requestsPerSecond: 1 / 600 }, 300],
    ['Poisson, 1 request/10 min, 1-hour TTL', { kind: 'poisson', requestsPerSecond: 1 / 600 }, 3600],
    ['Poisson, 3 requests/s, 5-minute TTL', { kind: 'poisson', requestsPerSecond: 3 }, 300],
    [
      'every 4 min ± 2 min, 5-minute TTL',
      { kind: 'periodic', intervalSeconds: 240, jitterSeconds: 120 },
      300,
    ],
    ['every 5 min ± 1 min, 5-minute TTL', { kind: 'periodic', intervalSeconds: 300, jitterSeconds: 60 }, 300],
  ])('%s: within 1%%', (_name, arrivals, ttl) => {
    const analytic = cacheHitRate(arrivals, ttl);
    const simulated = simulateCache(arrivals, ttl, 200_000, 7).hitRate;
    expect(Math.abs(simulated - analytic)).toBeLessThan(0.01);
  });

  it('Poisson: 1 − e^(−λ·TTL)', () => {
    expect(cacheHitRate({ kind: 'poisson', requestsPerSecond: 1 / 300 }, 300)).toBeCloseTo(
      1 - Math.exp(-1),
      12,
    );
  });

  it('a trace hits when the previous request is less than a TTL before', () => {
    expect(cacheHitRate({ kind: 'trace', timestampsSeconds: [0, 100, 450, 500, 900] }, 300)).toBeCloseTo(
      2 / 5,
      12,
    );
    expect(simulateCache({ kind: 'trace', timestampsSeconds: [0, 100, 450, 500, 900] }, 300).hits).toBe(2);
  });
});

describe('provider cache policies', () => {
  it.each([
    [openai, 1000, 0],
    [openai, 1024, 1024],
    [openai, 1151, 1024],
    [openai, 1152, 1152],
    [anthropic, 1023, 0],
    [anthropic, 5000, 5000],
  ])('cacheable tokens of a %#', (policy, prefix, cached) => {
    expect(cacheableTokens(policy, prefix)).toBe(cached);
  });
});

describe('cached traffic cost', () => {
  const sonnet = resolvePrice('anthropic', 'claude-3-5-sonnet');
  const prompt = { prefixTokens: 10_000, dynamicTokens: 0, outputTokens: 0 };

  it("the lecture's example as traffic: 100 back-to-back requests hit 99 times (NOTES.md: $0.3345)", () => {
    const trace = { kind: 'trace', timestampsSeconds: Array.from({ length: 100 }, (_, i) => i) } as const;
    const c = cachedTrafficCost(sonnet, anthropic, prompt, trace, '5m');
    expect(c.hitRate).toBeCloseTo(0.99, 12);
    expect(100 * c.usdPerRequest).toBeCloseTo(0.3345, 9);
    expect(100 * c.uncachedUsdPerRequest).toBeCloseTo(3, 9);
  });

  it('rejects a TTL the provider does not offer and jitter larger than the interval, naming the field', () => {
    const poisson = { kind: 'poisson', requestsPerSecond: 1 } as const;
    expect(() => cachedTrafficCost(sonnet, anthropic, prompt, poisson, '2h')).toThrow(/ttl: .*5m, 1h/);
    const periodic = { kind: 'periodic', intervalSeconds: 60, jitterSeconds: 90 } as const;
    expect(() => cacheHitRate(periodic, 300)).toThrow(/jitterSeconds: must be between 0 and intervalSeconds/);
    expect(() => simulateCache(periodic, 300, 100)).toThrow(/jitterSeconds/);
  });

  it('sparse traffic (one request every 20 minutes) favours the 1-hour TTL; dense traffic the 5-minute one', () => {
    const sparse = compareTtls(sonnet, anthropic, prompt, { kind: 'poisson', requestsPerSecond: 1 / 1200 });
    expect(sparse[0]?.ttl).toBe('1h');
    const dense = compareTtls(sonnet, anthropic, prompt, { kind: 'poisson', requestsPerSecond: 1 });
    expect(dense[0]?.ttl).toBe('5m');
  });

  it('caching never costs more than the uncached price when writes are free (OpenAI)', () => {
    const gpt = resolvePrice('openai', 'gpt-4o');
    const c = cachedTrafficCost(
      gpt,
      openai,
      { prefixTokens: 5000, dynamicTokens: 200, outputTokens: 300 },
      { kind: 'poisson', requestsPerSecond: 1 / 900 },
      '5m',
    );
    expect(c.usdPerRequest).toBeLessThanOrEqual(c.uncachedUsdPerRequest);
  });
});
