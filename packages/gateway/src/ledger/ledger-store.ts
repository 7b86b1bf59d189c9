import type { LedgerRow } from './ledger-row.js';

export const USAGE_GROUPS = ['model', 'key', 'day', 'provider', 'upstream'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageQuery {
  readonly groupBy: UsageGroup;
  /** Epoch ms, inclusive. */
  readonly sinceMs?: number;
  /** Epoch ms, exclusive. */
  readonly untilMs?: number;
}

export interface UsageRow {
  readonly group: string;
  readonly requests: number;
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  /** Sum of the known costs (exact: summed as integer nano-dollars). */
  readonly costUsd: number;
  /** Requests whose cost could not be computed: not in costUsd. */
  readonly unknownCostRequests: number;
  readonly cacheHits: number;
  readonly errors: number;
}

export interface UsageReport {
  readonly rows: readonly UsageRow[];
  readonly totals: Omit<UsageRow, 'group'>;
}

/** Where ledger rows live (one implementation per database, one shared conformance suite). */
export interface LedgerStore {
  readonly kind: string;
  /** Creates or upgrades the tables (idempotent). */
  migrate(): Promise<void>;
  /** Inserts rows in one transaction: all or none. */
  insert(rows: readonly LedgerRow[]): Promise<void>;
  usage(query: UsageQuery): Promise<UsageReport>;
  /** The most recent rows, newest first. */
  recent(limit: number): Promise<readonly LedgerRow[]>;
  close(): Promise<void>;
}
