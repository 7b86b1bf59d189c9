import type { CanonicalUsage } from '@costwise/core';
import type { CacheStatus, LedgerRow } from './ledger-row.js';

/**
 * What /admin/usage and `costwise usage --by` group on: the name the client asked for, the key, the
 * day, the provider, provider:model upstream, the route, and route → provider:model (a route's share of
 * each model and each pair's prompt-cache reads).
 */
export const USAGE_GROUPS = [
  'model',
  'key',
  'day',
  'provider',
  'upstream',
  'route',
  'route-upstream',
] as const;
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
  /** All input tokens, cached ones included (the canonical usage record): cacheRead/WriteTokens are part of it. */
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  /** 5-minute and 1-hour cache writes together. */
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

/** A virtual key created through the admin API (config keys live in costwise.yaml). */
export interface StoredKey {
  readonly id: string;
  readonly name: string;
  /** Hex SHA-256 of the key: the key itself is never stored. */
  readonly keySha256: string;
  readonly budgetNanoUsd: number | null;
  readonly budgetWindow: 'day' | 'month' | 'total';
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly allowedModels: readonly string[] | null;
  readonly createdMs: number;
}

/** Successful requests summed by route, upstream and cache status (the savings report's input). */
export interface SavingsGroup {
  readonly route: string | null;
  readonly provider: string | null;
  readonly upstreamModel: string | null;
  readonly cache: CacheStatus;
  readonly requests: number;
  readonly usage: CanonicalUsage;
  /** Known costs only; requests of unknown cost are counted in unknownCostRequests. */
  readonly costNanoUsd: number;
  readonly wouldCostNanoUsd: number;
  readonly unknownCostRequests: number;
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
  /** Stores a key unless its name or hash is taken. */
  createKey(key: StoredKey): Promise<'created' | 'duplicate'>;
  listKeys(): Promise<readonly StoredKey[]>;
  findKey(keySha256: string): Promise<StoredKey | null>;
  /** False when no key has this id. */
  deleteKey(id: string): Promise<boolean>;
  /** Known cost (nano-USD) recorded for a key name since a time (epoch ms, inclusive). */
  keySpend(keyName: string, sinceMs: number): Promise<number>;
  savingsGroups(query: Omit<UsageQuery, 'groupBy'>): Promise<readonly SavingsGroup[]>;
  close(): Promise<void>;
}
