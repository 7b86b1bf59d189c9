import { describe, expect, it } from 'vitest';
import { periodOf, worstCaseNanoUsd } from './key-budgets.js';

describe('periodOf', () => {
  it.each([
    ['day', '2026-11-26T23:59:59.999Z', 'd2026-11-26', '2026-11-26T00:00:00.000Z'],
    ['month', '2026-11-26T10:00:00Z', 'm2026-11', '2026-11-01T00:00:00.000Z'],
    ['month', '2026-12-01T00:00:00Z', 'm2026-12', '2026-12-01T00:00:00.000Z'],
    ['total', '2026-11-26T10:00:00Z', 'total', '1970-01-01T00:00:00.000Z'],
  ] as const)('%s at %s is %s from %s (UTC)', (window, at, id, since) => {
    const p = periodOf(window, Date.parse(at));
    expect(p.id).toBe(id);
    expect(new Date(p.sinceMs).toISOString()).toBe(since);
  });
});

describe('worstCaseNanoUsd', () => {
  it.each([
    // Anthropic list prices as in the tests' PRICES: the 1-hour cache write ($6/MTok) is the dearest input rate
    [
      'claude-like',
      { inputMtok: 3, outputMtok: 15, cacheReadMtok: 0.3, cacheWriteMtok: 3.75, cacheWrite1hMtok: 6 },
      1000,
      100,
      6000 + 1500,
    ],
    ['plain', { inputMtok: 1.25, outputMtok: 10 }, 2000, 50, 2500 + 500],
    [
      'long-context tier',
      { inputMtok: 1, outputMtok: 2, tiers: [{ thresholdTokens: 200_000, inputMtok: 2, outputMtok: 4 }] },
      1000,
      1000,
      2000 + 4000,
    ],
  ] as const)('%s: %d input, %d output tokens → %d nano-USD', (_n, price, input, output, nano) => {
    expect(worstCaseNanoUsd(price, input, output)).toBe(nano * 1000);
  });
});
