import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionRequest, BudgetStore } from './budget-store.js';

const NOW = Date.parse('2026-03-01T10:00:30Z');
const TOTAL = {
  period: 'total',
  limitNanoUsd: 1000,
  reserveNanoUsd: 100,
  seedSpentNanoUsd: 0,
  ttlSeconds: 0,
};

function request(key: string, over: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    key,
    nowMs: NOW,
    budget: TOTAL,
    rpm: null,
    tpm: null,
    tokens: 0,
    ...over,
  };
}

/** The one conformance suite every budget store runs (STYLE.md §3). */
export function budgetStoreSuite(name: string, open: () => Promise<BudgetStore>): void {
  describe(`budget store conformance: ${name}`, () => {
    let store: BudgetStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    it('admits while spent + reserved + the new reservation fits, then denies with the balance', async () => {
      const verdicts = await Promise.all(Array.from({ length: 15 }, () => store.admit(request('k1'))));
      expect(verdicts.filter((v) => v.kind === 'admit')).toHaveLength(10);
      expect(verdicts.find((v) => v.kind === 'deny')).toEqual({
        kind: 'deny',
        code: 'BUDGET_EXCEEDED',
        used: 0,
        reserved: 1000,
      });
      expect(await store.balance('k1', 'total')).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 1000 });
    });

    it('settles a reservation to the real cost and releases the rest', async () => {
      const s = {
        key: 'k1',
        nowMs: NOW,
        period: 'total',
        reservedNanoUsd: 100,
        extraTokens: 0,
        rateLimited: false,
      };
      await store.settle({ ...s, actualNanoUsd: 30 });
      await store.settle({ ...s, actualNanoUsd: 0 });
      expect(await store.balance('k1', 'total')).toEqual({ spentNanoUsd: 30, reservedNanoUsd: 800 });
      expect((await store.admit(request('k1', { budget: { ...TOTAL, reserveNanoUsd: 170 } }))).kind).toBe(
        'admit',
      );
      expect((await store.admit(request('k1', { budget: { ...TOTAL, reserveNanoUsd: 1 } }))).kind).toBe(
        'deny',
      );
    });

    it('seeds a new period from the ledger spend once', async () => {
      const budget = {
        period: 'd2026-03-01',
        limitNanoUsd: 1000,
        reserveNanoUsd: 100,
        seedSpentNanoUsd: 950,
        ttlSeconds: 60,
      };
      expect(await store.admit(request('k2', { budget }))).toMatchObject({ kind: 'deny', used: 950 });
      expect(await store.balance('k2', 'd2026-03-01')).toEqual({ spentNanoUsd: 950, reservedNanoUsd: 0 });
      expect(await store.admit(request('k2', { budget: { ...budget, seedSpentNanoUsd: 0 } }))).toMatchObject({
        kind: 'deny',
        used: 950,
      });
    });

    it('limits requests and tokens per minute, and the next minute starts afresh', async () => {
      const q = request('k3', { budget: null, rpm: 3, tpm: 100, tokens: 30 });
      const verdicts = await Promise.all(Array.from({ length: 5 }, () => store.admit(q)));
      expect(verdicts.map((v) => (v.kind === 'admit' ? 'admit' : v.code))).toEqual([
        'admit',
        'admit',
        'admit',
        'RPM_EXCEEDED',
        'RPM_EXCEEDED',
      ]);
      expect(await store.admit({ ...q, rpm: null, tokens: 11 })).toMatchObject({
        code: 'TPM_EXCEEDED',
        used: 90,
      });
      await store.settle({
        key: 'k3',
        nowMs: NOW,
        period: null,
        reservedNanoUsd: 0,
        actualNanoUsd: 0,
        extraTokens: -20,
        rateLimited: true,
      });
      expect((await store.admit({ ...q, rpm: null, tokens: 11 })).kind).toBe('admit');
      expect((await store.admit({ ...q, nowMs: NOW + 60_000 })).kind).toBe('admit');
    });

    it('a refused rate limit reserves nothing from the budget', async () => {
      const q = request('k4', { rpm: 1 });
      expect((await store.admit(q)).kind).toBe('admit');
      expect((await store.admit(q)).kind).toBe('deny');
      expect(await store.balance('k4', 'total')).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100 });
    });
  });
}
