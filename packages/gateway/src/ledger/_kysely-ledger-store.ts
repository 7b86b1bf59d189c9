import { Migrator, sql, type Kysely, type RawBuilder } from 'kysely';
import { migrationProvider } from './_migrations.js';
import { NANO_PER_USD, type CacheStatus, type LedgerRow } from './ledger-row.js';
import type {
  LedgerStore,
  SavingsGroup,
  StoredKey,
  UsageGroup,
  UsageQuery,
  UsageReport,
  UsageRow,
} from './ledger-store.js';

type Int = number | string | bigint;

interface RequestsTable {
  id: string;
  time_ms: Int;
  day: string;
  key_name: string | null;
  requested_model: string;
  route: string | null;
  decision: string | null;
  reason: string | null;
  provider: string | null;
  upstream_model: string | null;
  input_tokens: Int;
  cache_read_tokens: Int;
  cache_write_5m_tokens: Int;
  cache_write_1h_tokens: Int;
  output_tokens: Int;
  reasoning_tokens: Int;
  cost_nano_usd: Int | null;
  would_cost_nano_usd: Int | null;
  latency_ms: number;
  ttft_ms: number | null;
  upstream_ms: number | null;
  status: number;
  error: string | null;
  cache: string;
}

interface KeysTable {
  id: string;
  name: string;
  key_sha256: string;
  budget_nano_usd: Int | null;
  budget_window: string;
  rpm: number | null;
  tpm: number | null;
  allowed_models: string | null;
  created_ms: Int;
}

export interface LedgerDatabase {
  costwise_requests: RequestsTable;
  costwise_keys: KeysTable;
}

function keyToDb(k: StoredKey): KeysTable {
  return {
    id: k.id,
    name: k.name,
    key_sha256: k.keySha256,
    budget_nano_usd: k.budgetNanoUsd,
    budget_window: k.budgetWindow,
    rpm: k.rpm,
    tpm: k.tpm,
    allowed_models: k.allowedModels === null ? null : JSON.stringify(k.allowedModels),
    created_ms: k.createdMs,
  };
}

function keyFromDb(r: KeysTable): StoredKey {
  return {
    id: r.id,
    name: r.name,
    keySha256: r.key_sha256,
    budgetNanoUsd: numOrNull(r.budget_nano_usd),
    budgetWindow: r.budget_window as StoredKey['budgetWindow'],
    rpm: numOrNull(r.rpm),
    tpm: numOrNull(r.tpm),
    allowedModels: r.allowed_models === null ? null : (JSON.parse(r.allowed_models) as string[]),
    createdMs: num(r.created_ms),
  };
}

// PostgreSQL returns bigint and SUM as strings; SQLite as numbers. Both stay below 2^53 here.
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const GROUP_EXPR: Record<UsageGroup, RawBuilder<string>> = {
  model: sql<string>`requested_model`,
  key: sql<string>`coalesce(key_name, '(none)')`,
  day: sql<string>`day`,
  provider: sql<string>`coalesce(provider, '(none)')`,
  upstream: sql<string>`coalesce(provider, '(none)') || ':' || coalesce(upstream_model, '(none)')`,
  route: sql<string>`coalesce(route, '(none)')`,
  'route-upstream': sql<string>`coalesce(route, '(none)') || ' → ' || coalesce(provider, '(none)') || ':' || coalesce(upstream_model, '(none)')`,
};

export function toDb(r: LedgerRow): RequestsTable {
  return {
    id: r.id,
    time_ms: r.timeMs,
    day: new Date(r.timeMs).toISOString().slice(0, 10),
    key_name: r.key,
    requested_model: r.requestedModel,
    route: r.route,
    decision: r.decision,
    reason: r.reason,
    provider: r.provider,
    upstream_model: r.upstreamModel,
    input_tokens: r.usage.inputTokens,
    cache_read_tokens: r.usage.cacheReadTokens,
    cache_write_5m_tokens: r.usage.cacheWrite5mTokens,
    cache_write_1h_tokens: r.usage.cacheWrite1hTokens,
    output_tokens: r.usage.outputTokens,
    reasoning_tokens: r.usage.reasoningTokens,
    cost_nano_usd: r.costNanoUsd,
    would_cost_nano_usd: r.wouldCostNanoUsd,
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    upstream_ms: r.upstreamMs,
    status: r.status,
    error: r.error,
    cache: r.cache,
  };
}

function fromDb(r: RequestsTable): LedgerRow {
  return {
    id: r.id,
    timeMs: num(r.time_ms),
    key: r.key_name,
    requestedModel: r.requested_model,
    route: r.route,
    decision: r.decision,
    reason: r.reason,
    provider: r.provider,
    upstreamModel: r.upstream_model,
    usage: {
      inputTokens: num(r.input_tokens),
      cacheReadTokens: num(r.cache_read_tokens),
      cacheWrite5mTokens: num(r.cache_write_5m_tokens),
      cacheWrite1hTokens: num(r.cache_write_1h_tokens),
      outputTokens: num(r.output_tokens),
      reasoningTokens: num(r.reasoning_tokens),
    },
    costNanoUsd: numOrNull(r.cost_nano_usd),
    wouldCostNanoUsd: numOrNull(r.would_cost_nano_usd),
    latencyMs: r.latency_ms,
    ttftMs: numOrNull(r.ttft_ms),
    upstreamMs: numOrNull(r.upstream_ms),
    status: r.status,
    error: r.error,
    cache: r.cache as CacheStatus,
  };
}

/** The ledger on any Kysely dialect: SQLite and PostgreSQL share this code and its migrations. */
export class KyselyLedgerStore implements LedgerStore {
  constructor(
    readonly kind: string,
    private readonly db: Kysely<LedgerDatabase>,
  ) {}

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw error instanceof Error ? error : new Error('ledger migration failed');
  }

  async insert(rows: readonly LedgerRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map(toDb);
    await this.db.transaction().execute(async (trx) => {
      // Keep each statement under SQLite's bound-parameter limit (22 columns per row).
      for (let i = 0; i < values.length; i += 400) {
        await trx
          .insertInto('costwise_requests')
          .values(values.slice(i, i + 400))
          .execute();
      }
    });
  }

  async usage(q: UsageQuery): Promise<UsageReport> {
    const group = GROUP_EXPR[q.groupBy];
    let query = this.db
      .selectFrom('costwise_requests')
      .select([
        group.as('grp'),
        sql<Int>`count(*)`.as('requests'),
        sql<Int>`sum(input_tokens)`.as('input_tokens'),
        sql<Int>`sum(cache_read_tokens)`.as('cache_read_tokens'),
        sql<Int>`sum(cache_write_5m_tokens + cache_write_1h_tokens)`.as('cache_write_tokens'),
        sql<Int>`sum(output_tokens)`.as('output_tokens'),
        sql<Int>`sum(cost_nano_usd)`.as('cost_nano_usd'),
        sql<Int>`sum(case when cost_nano_usd is null and status < 400 then 1 else 0 end)`.as('unknown_cost'),
        sql<Int>`sum(case when cache = 'hit' then 1 else 0 end)`.as('cache_hits'),
        sql<Int>`sum(case when status >= 400 then 1 else 0 end)`.as('errors'),
      ])
      .groupBy(group)
      .orderBy(group);
    if (q.sinceMs !== undefined) query = query.where('time_ms', '>=', q.sinceMs);
    if (q.untilMs !== undefined) query = query.where('time_ms', '<', q.untilMs);
    const raw = await query.execute();
    const nano = raw.map((r) => num(r.cost_nano_usd));
    const rows: UsageRow[] = raw.map((r, i) => ({
      group: r.grp,
      requests: num(r.requests),
      inputTokens: num(r.input_tokens),
      cacheReadTokens: num(r.cache_read_tokens),
      cacheWriteTokens: num(r.cache_write_tokens),
      outputTokens: num(r.output_tokens),
      costUsd: (nano[i] ?? 0) / NANO_PER_USD,
      unknownCostRequests: num(r.unknown_cost),
      cacheHits: num(r.cache_hits),
      errors: num(r.errors),
    }));
    const sum = (k: keyof Omit<UsageRow, 'group' | 'costUsd'>): number => rows.reduce((s, r) => s + r[k], 0);
    return {
      rows,
      totals: {
        requests: sum('requests'),
        inputTokens: sum('inputTokens'),
        cacheReadTokens: sum('cacheReadTokens'),
        cacheWriteTokens: sum('cacheWriteTokens'),
        outputTokens: sum('outputTokens'),
        costUsd: nano.reduce((s, n) => s + n, 0) / NANO_PER_USD,
        unknownCostRequests: sum('unknownCostRequests'),
        cacheHits: sum('cacheHits'),
        errors: sum('errors'),
      },
    };
  }

  async recent(limit: number): Promise<readonly LedgerRow[]> {
    const rows = await this.db
      .selectFrom('costwise_requests')
      .selectAll()
      .orderBy('time_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(fromDb);
  }

  async createKey(k: StoredKey): Promise<'created' | 'duplicate'> {
    const clash = await this.db
      .selectFrom('costwise_keys')
      .select('id')
      .where((eb) => eb.or([eb('name', '=', k.name), eb('key_sha256', '=', k.keySha256)]))
      .executeTakeFirst();
    if (clash !== undefined) return 'duplicate';
    try {
      await this.db.insertInto('costwise_keys').values(keyToDb(k)).execute();
    } catch {
      return 'duplicate'; // a concurrent insert won the unique index
    }
    return 'created';
  }

  async listKeys(): Promise<readonly StoredKey[]> {
    const rows = await this.db.selectFrom('costwise_keys').selectAll().orderBy('created_ms').execute();
    return rows.map(keyFromDb);
  }

  async findKey(keySha256: string): Promise<StoredKey | null> {
    const r = await this.db
      .selectFrom('costwise_keys')
      .selectAll()
      .where('key_sha256', '=', keySha256)
      .executeTakeFirst();
    return r === undefined ? null : keyFromDb(r);
  }

  async deleteKey(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('costwise_keys').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async keySpend(keyName: string, sinceMs: number): Promise<number> {
    const r = await this.db
      .selectFrom('costwise_requests')
      .select(sql<Int>`sum(cost_nano_usd)`.as('nano'))
      .where('key_name', '=', keyName)
      .where('time_ms', '>=', sinceMs)
      .executeTakeFirst();
    return num(r?.nano);
  }

  async savingsGroups(q: Omit<UsageQuery, 'groupBy'>): Promise<readonly SavingsGroup[]> {
    let query = this.db
      .selectFrom('costwise_requests')
      .select([
        'route',
        'provider',
        'upstream_model',
        'cache',
        sql<Int>`count(*)`.as('requests'),
        sql<Int>`sum(input_tokens)`.as('input_tokens'),
        sql<Int>`sum(cache_read_tokens)`.as('cache_read_tokens'),
        sql<Int>`sum(cache_write_5m_tokens)`.as('cache_write_5m_tokens'),
        sql<Int>`sum(cache_write_1h_tokens)`.as('cache_write_1h_tokens'),
        sql<Int>`sum(output_tokens)`.as('output_tokens'),
        sql<Int>`sum(reasoning_tokens)`.as('reasoning_tokens'),
        sql<Int>`sum(cost_nano_usd)`.as('cost_nano_usd'),
        sql<Int>`sum(would_cost_nano_usd)`.as('would_cost_nano_usd'),
        sql<Int>`sum(case when cost_nano_usd is null then 1 else 0 end)`.as('unknown_cost'),
      ])
      .where('status', '<', 400)
      .groupBy(['route', 'provider', 'upstream_model', 'cache'])
      .orderBy('route')
      .orderBy('provider')
      .orderBy('upstream_model')
      .orderBy('cache');
    if (q.sinceMs !== undefined) query = query.where('time_ms', '>=', q.sinceMs);
    if (q.untilMs !== undefined) query = query.where('time_ms', '<', q.untilMs);
    const raw = await query.execute();
    return raw.map((r) => ({
      route: r.route,
      provider: r.provider,
      upstreamModel: r.upstream_model,
      cache: r.cache as CacheStatus,
      requests: num(r.requests),
      usage: {
        inputTokens: num(r.input_tokens),
        cacheReadTokens: num(r.cache_read_tokens),
        cacheWrite5mTokens: num(r.cache_write_5m_tokens),
        cacheWrite1hTokens: num(r.cache_write_1h_tokens),
        outputTokens: num(r.output_tokens),
        reasoningTokens: num(r.reasoning_tokens),
      },
      costNanoUsd: num(r.cost_nano_usd),
      wouldCostNanoUsd: num(r.would_cost_nano_usd),
      unknownCostRequests: num(r.unknown_cost),
    }));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
