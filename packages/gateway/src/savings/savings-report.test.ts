import { ZERO_USAGE, type ResolvedPrice } from '@costwise/core';
import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../config/index.js';
import type { SavingsGroup } from '../ledger/index.js';
import { savingsReport, type PricedModel } from './savings-report.js';

const price = (inputMtok: number, outputMtok: number, cacheReadMtok?: number): ResolvedPrice => ({
  record: { inputMtok, outputMtok, ...(cacheReadMtok !== undefined ? { cacheReadMtok } : {}) },
  source: 'test',
  providerId: 'openai',
  modelId: 'test',
  warnings: [],
});

const models = new Map<string, PricedModel>([
  ['weak', { name: 'weak', providerId: 'oa', upstreamModel: 'mini', price: price(0.15, 0.6, 0.075) }],
  ['strong', { name: 'strong', providerId: 'oa', upstreamModel: 'big', price: price(2.5, 10, 1.25) }],
]);
const routes = new Map<string, RouteConfig>([
  ['auto', { name: 'auto', strategy: 'complexity', weak: 'weak', strong: 'strong', threshold: 0.5 }],
]);

const group = (over: Partial<SavingsGroup>): SavingsGroup => ({
  route: 'auto',
  provider: 'oa',
  upstreamModel: 'mini',
  cache: 'miss',
  requests: 1,
  usage: ZERO_USAGE,
  costNanoUsd: 0,
  wouldCostNanoUsd: 0,
  unknownCostRequests: 0,
  ...over,
});

describe('savingsReport', () => {
  it('splits the saving into routing, response cache and prompt cache, worked by hand', () => {
    const r = savingsReport(
      [
        // 10 requests on the weak model: 1,000,000 input tokens (400,000 of them cache reads), 100,000 output
        // paid: 600k × 0.15 + 400k × 0.075 + 100k × 0.6 per MTok = 0.09 + 0.03 + 0.06 = $0.18
        group({
          requests: 10,
          usage: { ...ZERO_USAGE, inputTokens: 1_000_000, cacheReadTokens: 400_000, outputTokens: 100_000 },
          costNanoUsd: 180_000_000,
        }),
        // 5 response-cache hits that would have cost $0.05
        group({ cache: 'hit', requests: 5, wouldCostNanoUsd: 50_000_000 }),
      ],
      models,
      routes,
    );
    // uncached on weak: 1M × 0.15 + 100k × 0.6 = 0.15 + 0.06 = $0.21 → prompt cache saved $0.03
    // uncached on strong: 1M × 2.5 + 100k × 10 = 2.5 + 1.0 = $3.50 → routing saved $3.29
    expect(r.byLever.promptCache).toBeCloseTo(0.03, 12);
    expect(r.byLever.routing).toBeCloseTo(3.29, 12);
    expect(r.byLever.responseCache).toBeCloseTo(0.05, 12);
    expect(r.actualUsd).toBeCloseTo(0.18, 12);
    expect(r.baselineUsd).toBeCloseTo(3.55, 12);
    expect(r.savedUsd).toBeCloseTo(r.byLever.routing + r.byLever.responseCache + r.byLever.promptCache, 12);
    expect(r.requests).toBe(15);
  });

  it('a request outside any route saves only through caches; an unpriced model claims no saving', () => {
    const r = savingsReport(
      [
        group({ route: null, usage: { ...ZERO_USAGE, inputTokens: 1_000_000 }, costNanoUsd: 150_000_000 }),
        group({ upstreamModel: 'unknown', costNanoUsd: 1_000, usage: { ...ZERO_USAGE, inputTokens: 10 } }),
      ],
      models,
      routes,
    );
    expect(r.byLever.routing).toBe(0);
    expect(r.byLever.promptCache).toBeCloseTo(0, 12);
    expect(r.savedUsd).toBeCloseTo(0, 12);
  });
});
