import type { PriceRecord } from '@costwise/core';
import type { BudgetWindow } from '../config/index.js';
import type { Admission, BudgetStore } from './budget-store.js';

/** What a virtual key may do; null = unlimited. */
export interface KeyPolicy {
  readonly name: string;
  readonly budgetNanoUsd: number | null;
  readonly budgetWindow: BudgetWindow;
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly allowedModels: readonly string[] | null;
}

export interface BudgetPeriod {
  /** `total`, `d2026-11-26`, `m2026-11` (UTC). */
  readonly id: string;
  /** Epoch ms the period began (0 for total). */
  readonly sinceMs: number;
  /** How long its counter is worth keeping, seconds (0 = for ever). */
  readonly ttlSeconds: number;
}

/** The budget period a time falls in: UTC calendar day or month, or all time. */
export function periodOf(window: BudgetWindow, nowMs: number): BudgetPeriod {
  if (window === 'total') return { id: 'total', sinceMs: 0, ttlSeconds: 0 };
  const d = new Date(nowMs);
  if (window === 'day') {
    const sinceMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { id: `d${d.toISOString().slice(0, 10)}`, sinceMs, ttlSeconds: 2 * 86_400 };
  }
  const sinceMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return { id: `m${d.toISOString().slice(0, 7)}`, sinceMs, ttlSeconds: 62 * 86_400 };
}

/**
 * The most a request can cost (nano-USD): every input token at the dearest input rate (plain, cache
 * write 5 m or 1 h, any long-context tier) plus `maxTokens` at the dearest output rate, plus any
 * per-request fee. `inputTokensBound` must not be below the real count (the gateway passes the body's
 * UTF-8 byte length: a text token is at least one byte).
 */
export function worstCaseNanoUsd(price: PriceRecord, inputTokensBound: number, maxTokens: number): number {
  const tiers = price.tiers ?? [];
  const inMtok = Math.max(
    price.inputMtok,
    price.cacheWriteMtok ?? 0,
    price.cacheWrite1hMtok ?? 0,
    ...tiers.map((t) => Math.max(t.inputMtok ?? 0, t.cacheWriteMtok ?? 0, t.cacheWrite1hMtok ?? 0)),
  );
  const outMtok = Math.max(
    price.outputMtok,
    price.reasoningMtok ?? 0,
    ...tiers.map((t) => Math.max(t.outputMtok ?? 0, t.reasoningMtok ?? 0)),
  );
  // nano-USD per token = USD per MTok × 10⁹ / 10⁶
  return Math.ceil(
    inputTokensBound * inMtok * 1e3 + maxTokens * outMtok * 1e3 + (price.requestUsd ?? 0) * 1e9,
  );
}

/** An admitted request's claim, to settle once its cost is known. */
export interface Reservation {
  readonly key: string;
  readonly period: string | null;
  readonly reservedNanoUsd: number;
  readonly tokensCounted: number;
  readonly rateLimited: boolean;
}

/** Keys' budgets over a BudgetStore, seeding a period's counter from the ledger the first time it is used. */
export class KeyBudgets {
  private readonly seeds = new Map<string, Promise<number>>();

  constructor(
    readonly store: BudgetStore,
    private readonly ledgerSpend: (keyName: string, sinceMs: number) => Promise<number>,
  ) {}

  private seed(key: string, period: BudgetPeriod): Promise<number> {
    const id = `${key}\u0000${period.id}`;
    let s = this.seeds.get(id);
    if (s === undefined) {
      s = this.ledgerSpend(key, period.sinceMs);
      this.seeds.set(id, s);
    }
    return s;
  }

  /** Checks rpm, tpm and the budget and, when all pass, reserves `worstNanoUsd` in one atomic step. */
  async admit(
    policy: KeyPolicy,
    nowMs: number,
    worstNanoUsd: number,
    tokens: number,
  ): Promise<{ admission: Admission; reservation: Reservation }> {
    const period = policy.budgetNanoUsd === null ? null : periodOf(policy.budgetWindow, nowMs);
    const seed = period === null ? 0 : await this.seed(policy.name, period);
    const admission = await this.store.admit({
      key: policy.name,
      nowMs,
      budget:
        period === null || policy.budgetNanoUsd === null
          ? null
          : {
              period: period.id,
              limitNanoUsd: policy.budgetNanoUsd,
              reserveNanoUsd: worstNanoUsd,
              seedSpentNanoUsd: seed,
              ttlSeconds: period.ttlSeconds,
            },
      rpm: policy.rpm,
      tpm: policy.tpm,
      tokens,
    });
    return {
      admission,
      reservation: {
        key: policy.name,
        period: period?.id ?? null,
        reservedNanoUsd: period === null ? 0 : worstNanoUsd,
        tokensCounted: tokens,
        rateLimited: policy.rpm !== null || policy.tpm !== null,
      },
    };
  }

  /** The real cost replaces the reservation (0 when the request failed); tpm gets the real token count. */
  settle(r: Reservation, nowMs: number, actualNanoUsd: number, actualTokens: number): Promise<void> {
    if (r.period === null && !r.rateLimited) return Promise.resolve();
    return this.store.settle({
      key: r.key,
      nowMs,
      period: r.period,
      reservedNanoUsd: r.reservedNanoUsd,
      actualNanoUsd,
      extraTokens: actualTokens - r.tokensCounted,
      rateLimited: r.rateLimited,
    });
  }
}

export const DENY_MESSAGES: Readonly<Record<Exclude<Admission, { kind: 'admit' }>['code'], string>> = {
  BUDGET_EXCEEDED: 'budget exceeded',
  RPM_EXCEEDED: 'requests-per-minute limit reached',
  TPM_EXCEEDED: 'tokens-per-minute limit reached',
};
