import type { Admission, AdmissionRequest, BudgetBalance, BudgetStore, Settlement } from './budget-store.js';
import { minuteOf } from './budget-store.js';

interface Counter {
  spent: number;
  reserved: number;
}

interface Rate {
  minute: number;
  requests: number;
  tokens: number;
}

/**
 * Budgets in this process: check and reserve run in one synchronous step, so the event loop makes them
 * atomic. Counters of several gateway instances are not shared (use storage.redis for that).
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly kind = 'memory';
  private readonly counters = new Map<string, Counter>();
  private readonly rates = new Map<string, Rate>();

  private rate(key: string, nowMs: number): Rate {
    const minute = minuteOf(nowMs);
    let r = this.rates.get(key);
    if (r?.minute !== minute) {
      r = { minute, requests: 0, tokens: 0 };
      this.rates.set(key, r);
    }
    return r;
  }

  admit(q: AdmissionRequest): Promise<Admission> {
    const limited = q.rpm !== null || q.tpm !== null;
    const rate = limited ? this.rate(q.key, q.nowMs) : null;
    if (rate !== null) {
      if (q.rpm !== null && rate.requests + 1 > q.rpm)
        return Promise.resolve({ kind: 'deny', code: 'RPM_EXCEEDED', used: rate.requests, reserved: 0 });
      if (q.tpm !== null && rate.tokens + q.tokens > q.tpm)
        return Promise.resolve({ kind: 'deny', code: 'TPM_EXCEEDED', used: rate.tokens, reserved: 0 });
    }
    if (q.budget !== null) {
      const id = `${q.key}\u0000${q.budget.period}`;
      let c = this.counters.get(id);
      if (c === undefined) {
        c = { spent: q.budget.seedSpentNanoUsd, reserved: 0 };
        this.counters.set(id, c);
      }
      if (c.spent + c.reserved + q.budget.reserveNanoUsd > q.budget.limitNanoUsd)
        return Promise.resolve({
          kind: 'deny',
          code: 'BUDGET_EXCEEDED',
          used: c.spent,
          reserved: c.reserved,
        });
      c.reserved += q.budget.reserveNanoUsd;
    }
    if (rate !== null) {
      rate.requests += 1;
      rate.tokens += q.tokens;
    }
    return Promise.resolve({ kind: 'admit' });
  }

  settle(s: Settlement): Promise<void> {
    if (s.period !== null) {
      const c = this.counters.get(`${s.key}\u0000${s.period}`);
      if (c !== undefined) {
        c.reserved -= s.reservedNanoUsd;
        c.spent += s.actualNanoUsd;
      }
    }
    if (s.rateLimited && s.extraTokens !== 0) this.rate(s.key, s.nowMs).tokens += s.extraTokens;
    return Promise.resolve();
  }

  balance(key: string, period: string): Promise<BudgetBalance | null> {
    const c = this.counters.get(`${key}\u0000${period}`);
    return Promise.resolve(c === undefined ? null : { spentNanoUsd: c.spent, reservedNanoUsd: c.reserved });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
