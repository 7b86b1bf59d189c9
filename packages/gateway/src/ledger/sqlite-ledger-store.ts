import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyLedgerStore, type LedgerDatabase } from './_kysely-ledger-store.js';
import type { LedgerStore } from './ledger-store.js';

/**
 * The ledger in a SQLite file (`:memory:` for tests). WAL with synchronous=NORMAL: a committed
 * transaction survives a crash of the process (kill -9); only a power loss may drop the last commits.
 * @see https://www.sqlite.org/wal.html
 */
export async function openSqliteLedgerStore(path: string): Promise<LedgerStore> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  const store = new KyselyLedgerStore(
    'sqlite',
    new Kysely<LedgerDatabase>({ dialect: new SqliteDialect({ database }) }),
  );
  await store.migrate();
  return store;
}
