/** Why a key's request is refused at admission (a value, not an exception: STYLE.md §7). */
export type DenyCode = 'BUDGET_EXCEEDED' | 'RPM_EXCEEDED' | 'TPM_EXCEEDED';

/** One request's claim on a key: its worst-case cost reserved in the budget period, and its rate counts. */
export interface AdmissionRequest {
  /** The key's name (ledger rows carry the same name). */
  readonly key: string;
  readonly nowMs: number;
  readonly budget: {
    /** `total`, `d2026-11-26` or `m2026-11` (UTC). */
    readonly period: string;
    readonly limitNanoUsd: number;
    readonly reserveNanoUsd: number;
    /** Spend the ledger already holds for this period: used only when the store has no counter yet. */
    readonly seedSpentNanoUsd: number;
    /** How long the period's counter must outlive its last use, seconds (0 = for ever). */
    readonly ttlSeconds: number;
  } | null;
  readonly rpm: number | null;
  readonly tpm: number | null;
  /** Tokens counted against tpm now (the input estimate). */
  readonly tokens: number;
}

export type Admission =
  | { readonly kind: 'admit' }
  | {
      readonly kind: 'deny';
      readonly code: DenyCode;
      /** Spent and reserved (budget) or used this minute (rpm, tpm) when refused. */
      readonly used: number;
      readonly reserved: number;
    };

/** Completes an admitted request: the reservation becomes the real cost (0 on failure). */
export interface Settlement {
  readonly key: string;
  readonly nowMs: number;
  /** The budget period the reservation was made in (null when the key has no budget). */
  readonly period: string | null;
  readonly reservedNanoUsd: number;
  readonly actualNanoUsd: number;
  /** Tokens to add to this minute's tpm count (actual total − the estimate counted at admission). */
  readonly extraTokens: number;
  readonly rateLimited: boolean;
}

export interface BudgetBalance {
  readonly spentNanoUsd: number;
  readonly reservedNanoUsd: number;
}

/**
 * Budget and rate counters, checked and reserved in one atomic step so that concurrent requests cannot
 * overshoot (one implementation per backend, one conformance suite).
 */
export interface BudgetStore {
  readonly kind: string;
  admit(request: AdmissionRequest): Promise<Admission>;
  settle(settlement: Settlement): Promise<void>;
  /** Null when the store holds no counter for the period yet. */
  balance(key: string, period: string): Promise<BudgetBalance | null>;
  close(): Promise<void>;
}

/** The minute a rate count belongs to (fixed one-minute windows, UTC). */
export function minuteOf(nowMs: number): number {
  return Math.floor(nowMs / 60_000);
}
