import { ZERO_USAGE } from '@costwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRow } from './ledger-row.js';
import type { LedgerStore } from './ledger-store.js';
import { LedgerWriter } from './ledger-writer.js';

const DAY1 = Date.parse('2026-03-01T10:00:00Z');
const DAY2 = Date.parse('2026-03-02T23:59:59Z');

export function row(over: Partial<LedgerRow> & Pick<LedgerRow, 'id'>): LedgerRow {
  return {
    timeMs: DAY1,
    key: 'team-a',
    requestedModel: 'claude-sonnet',
    route: null,
    decision: null,
    reason: null,
    provider: 'anthropic',
    upstreamModel: 'claude-3-5-sonnet-20241022',
    usage: ZERO_USAGE,
    costNanoUsd: 0,
    wouldCostNanoUsd: null,
    latencyMs: 12.5,
    ttftMs: null,
    upstreamMs: 11,
    status: 200,
    error: null,
    cache: 'miss',
    ...over,
  };
}

/** The one conformance suite every ledger store runs (STYLE.md §3). */
export function ledgerStoreSuite(
  name: string,
  open: () => Promise<LedgerStore>,
  close?: () => Promise<void>,
): void {
  describe(`ledger store conformance: ${name}`, () => {
    let store: LedgerStore;
    beforeAll(async () => {
      store = await open();
      await store.migrate(); // twice: migrations are idempotent
      await store.insert([
        row({
          id: 'r1',
          usage: { ...ZERO_USAGE, inputTokens: 1000, cacheReadTokens: 800, outputTokens: 50 },
          costNanoUsd: 1_590_000,
        }),
        row({
          id: 'r2',
          timeMs: DAY1 + 1,
          usage: {
            ...ZERO_USAGE,
            inputTokens: 500,
            cacheWrite5mTokens: 100,
            cacheWrite1hTokens: 200,
            outputTokens: 10,
            reasoningTokens: 4,
          },
          costNanoUsd: 3_000_000_001,
          cache: 'hit',
          ttftMs: 3.25,
        }),
        row({
          id: 'r3',
          timeMs: DAY2,
          key: 'team-b',
          requestedModel: 'gpt-4o-mini',
          route: 'auto',
          decision: 'weak',
          provider: 'openai',
          upstreamModel: 'gpt-4o-mini',
          costNanoUsd: null,
          usage: { ...ZERO_USAGE, inputTokens: 7 },
        }),
        row({
          id: 'r4',
          timeMs: DAY2 + 1,
          key: 'team-b',
          requestedModel: 'gpt-4o-mini',
          provider: null,
          upstreamModel: null,
          costNanoUsd: null,
          status: 400,
          error: 'messages: required',
        }),
      ]);
    });
    afterAll(async () => {
      await store.close();
      await close?.();
    });

    it('round-trips a row field by field', async () => {
      const rows = await store.recent(10);
      expect(rows.map((r) => r.id)).toEqual(['r4', 'r3', 'r2', 'r1']);
      expect(rows.find((r) => r.id === 'r2')).toEqual(
        row({
          id: 'r2',
          timeMs: DAY1 + 1,
          usage: {
            ...ZERO_USAGE,
            inputTokens: 500,
            cacheWrite5mTokens: 100,
            cacheWrite1hTokens: 200,
            outputTokens: 10,
            reasoningTokens: 4,
          },
          costNanoUsd: 3_000_000_001,
          cache: 'hit',
          ttftMs: 3.25,
        }),
      );
      expect(rows.find((r) => r.id === 'r3')?.costNanoUsd).toBeNull();
    });

    it('groups by model with exact integer cost sums and unknown costs apart', async () => {
      const r = await store.usage({ groupBy: 'model' });
      expect(r.rows).toEqual([
        {
          group: 'claude-sonnet',
          requests: 2,
          inputTokens: 1500,
          cacheReadTokens: 800,
          cacheWriteTokens: 300,
          outputTokens: 60,
          costUsd: 3.001590001,
          unknownCostRequests: 0,
          cacheHits: 1,
          errors: 0,
        },
        {
          group: 'gpt-4o-mini',
          requests: 2,
          inputTokens: 7,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          unknownCostRequests: 1,
          cacheHits: 0,
          errors: 1,
        },
      ]);
      expect(r.totals.requests).toBe(4);
      expect(r.totals.costUsd).toBe(3.001590001);
    });

    it.each([
      ['key', ['team-a', 'team-b']],
      ['day', ['2026-03-01', '2026-03-02']],
      ['provider', ['(none)', 'anthropic', 'openai']],
      ['upstream', ['(none):(none)', 'anthropic:claude-3-5-sonnet-20241022', 'openai:gpt-4o-mini']],
      ['route', ['(none)', 'auto']],
      [
        'route-upstream',
        [
          '(none) → (none):(none)',
          '(none) → anthropic:claude-3-5-sonnet-20241022',
          'auto → openai:gpt-4o-mini',
        ],
      ],
    ] as const)('groups by %s', async (groupBy, groups) => {
      const r = await store.usage({ groupBy });
      expect(r.rows.map((x) => x.group)).toEqual(groups);
    });

    it('filters by time: since inclusive, until exclusive', async () => {
      const r = await store.usage({ groupBy: 'day', sinceMs: DAY1 + 1, untilMs: DAY2 + 1 });
      expect(r.rows.map((x) => [x.group, x.requests])).toEqual([
        ['2026-03-01', 1],
        ['2026-03-02', 1],
      ]);
    });

    it('a batch with a duplicate id commits nothing', async () => {
      await expect(store.insert([row({ id: 'r5' }), row({ id: 'r1' })])).rejects.toThrow();
      expect((await store.recent(100)).some((r) => r.id === 'r5')).toBe(false);
    });

    it('the writer commits concurrent writes in batches and loses none', async () => {
      const writer = new LedgerWriter(store, 64);
      const ids = Array.from({ length: 300 }, (_, i) => `w${String(i).padStart(3, '0')}`);
      await Promise.all(ids.map((id, i) => writer.write(row({ id, timeMs: DAY2 + 10 + i, costNanoUsd: 1 }))));
      expect(writer.committed).toBe(300);
      const r = await store.usage({ groupBy: 'model', sinceMs: DAY2 + 10 });
      expect(r.totals.requests).toBe(300);
      expect(r.totals.costUsd).toBe(300e-9);
    });

    it('stores admin keys by hash, refuses a taken name, lists and deletes them', async () => {
      const k = {
        id: 'key_1',
        name: 'ci-bot',
        keySha256: 'a'.repeat(64),
        budgetNanoUsd: 2_500_000_000,
        budgetWindow: 'month',
        rpm: 60,
        tpm: null,
        allowedModels: ['auto', 'gpt-4o-mini'],
        createdMs: DAY1,
      } as const;
      expect(await store.createKey(k)).toBe('created');
      expect(await store.createKey({ ...k, id: 'key_2', keySha256: 'b'.repeat(64) })).toBe('duplicate');
      expect(await store.findKey('a'.repeat(64))).toEqual(k);
      expect(await store.findKey('c'.repeat(64))).toBeNull();
      expect((await store.listKeys()).map((x) => x.id)).toEqual(['key_1']);
      expect(await store.deleteKey('key_1')).toBe(true);
      expect(await store.deleteKey('key_1')).toBe(false);
      expect(await store.listKeys()).toEqual([]);
    });

    it('sums the known spend of a key since a time', async () => {
      expect(await store.keySpend('team-a', DAY1)).toBe(3_001_590_001 + 300);
      expect(await store.keySpend('team-a', DAY1 + 1)).toBe(3_000_000_001 + 300);
      expect(await store.keySpend('team-b', DAY1)).toBe(0);
    });
  });
}
