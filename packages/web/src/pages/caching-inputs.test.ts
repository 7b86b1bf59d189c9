import { cachedTrafficCost, CACHE_POLICIES, compareTtls, resolvePrice } from '@costwise/core';
import { describe, expect, it } from 'vitest';
import {
  cachingInputs,
  computeCaching,
  rateSweep,
  simulateChosen,
  SWEEP_RATES_PER_HOUR,
} from './caching-inputs.js';

const anthropic = CACHE_POLICIES.anthropic;
if (anthropic === undefined) throw new Error('no anthropic policy');

describe('the caching simulator', () => {
  it("is core's cachedTrafficCost and compareTtls for the page's inputs", () => {
    const params = {
      model: 'anthropic:claude-3-5-sonnet',
      prefix: '10000',
      dynamic: '0',
      output: '0',
      rate: '4',
    };
    const r = computeCaching(params);
    const price = resolvePrice('anthropic', 'claude-3-5-sonnet');
    const prompt = { prefixTokens: 10_000, dynamicTokens: 0, outputTokens: 0 };
    const arrivals = { kind: 'poisson', requestsPerSecond: 4 / 3600 } as const;
    expect(r.chosen).toEqual(cachedTrafficCost(price, anthropic, prompt, arrivals, '5m'));
    expect(r.comparison).toEqual(compareTtls(price, anthropic, prompt, arrivals));
    // Poisson: 1 − e^(−λ·TTL), λ·TTL = 4/3600 · 300
    expect(r.hitRate).toBeCloseTo(1 - Math.exp(-(4 / 3600) * 300), 12);
    // 10K tokens of Claude 3.5 Sonnet at $3/M: $0.03 uncached (caching.test.ts, NOTES.md)
    expect(r.uncachedUsdPerRequest).toBeCloseTo(0.03, 12);
  });

  it('sparse traffic (3 requests an hour) is cheaper with the 1-hour TTL', () => {
    const r = computeCaching({ model: 'anthropic:claude-3-5-sonnet', rate: '3', ttl: '1h' });
    expect(r.comparison[0]?.ttl).toBe('1h');
    expect(r.usdPerRequest).toBe(r.comparison[0]?.usdPerRequest);
  });

  it('with no caching the hit rate is 0 and the cost the uncached one', () => {
    const r = computeCaching({ ttl: 'none' });
    expect(r.hitRate).toBe(0);
    expect(r.usdPerRequest).toBe(r.uncachedUsdPerRequest);
    expect(r.uncachedUsdPerRequest).toBe(computeCaching({}).uncachedUsdPerRequest);
  });

  it('periodic arrivals with jitter use the triangular gap distribution', () => {
    // every 4 min ± 2 min against a 5-minute TTL: x = (300 − 240)/120 = 0.5, hit = 1 − (1 − x)²/2
    const r = computeCaching({ arrival: 'periodic', rate: '15', jitter: '120' });
    expect(r.hitRate).toBeCloseTo(1 - 0.25 / 2, 12);
  });

  it('the seeded simulation agrees with the analytic hit rate within 2 points, and repeats exactly', () => {
    const i = cachingInputs({ rate: '6' });
    const sim = simulateChosen(i);
    expect(sim?.requests).toBe(20_000);
    expect(Math.abs((sim?.hitRate ?? 0) - computeCaching({ rate: '6' }).hitRate)).toBeLessThan(0.02);
    expect(simulateChosen(i)).toEqual(sim);
    expect(simulateChosen(cachingInputs({ ttl: 'none' }))).toBeNull();
  });

  it('the sweep prices every TTL the provider offers at every rate', () => {
    const sweep = rateSweep(cachingInputs({ model: 'openai:gpt-4o' }));
    expect(sweep.map((s) => s.ttl)).toEqual(Object.keys(CACHE_POLICIES.openai?.ttls ?? {}));
    for (const s of sweep) expect(s.usdPerRequest).toHaveLength(SWEEP_RATES_PER_HOUR.length);
  });

  it.each([
    [{ model: 'groq:gemma2-9b-it' }, /^model: no prompt-cache policy is recorded for "groq"/],
    [{ model: 'claude' }, /^model: "claude" must be provider:model/],
    [{ rate: '0' }, /^rate: "0" must be a number > 0/],
    [{ prefix: '-1' }, /^prefix: "-1" must be a whole number ≥ 0/],
    [{ arrival: 'periodic', rate: '60', jitter: '90' }, /^jitter: "90" must be a number ≥ 0 and ≤ 60/],
    [{ model: 'deepseek:deepseek-chat', ttl: '5m' }, /^ttl: deepseek offers none, hours/],
  ])('a bad input %j names its field', (params, message) => {
    expect(() => computeCaching(params)).toThrow(message);
  });
});
