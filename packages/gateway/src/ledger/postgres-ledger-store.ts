import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyLedgerStore, type LedgerDatabase } from './_kysely-ledger-store.js';
import type { LedgerStore } from './ledger-store.js';

/**
 * The ledger in PostgreSQL (`storage.url: postgres://…`). `schema` puts the tables in that schema
 * (created if missing) — the tests use one per run.
 */
export async function openPostgresLedgerStore(
  url: string,
  opts: { readonly schema?: string } = {},
): Promise<LedgerStore> {
  if (opts.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(opts.schema))
    throw new Error(`invalid schema name "${opts.schema}"`);
  if (opts.schema !== undefined) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${opts.schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    ...(opts.schema !== undefined ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  const store = new KyselyLedgerStore(
    'postgres',
    new Kysely<LedgerDatabase>({ dialect: new PostgresDialect({ pool }) }),
  );
  await store.migrate();
  return store;
}
