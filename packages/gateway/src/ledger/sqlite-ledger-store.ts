import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyLedgerStore, toDb, type LedgerDatabase } from './_kysely-ledger-store.js';
import type { LedgerRow } from './ledger-row.js';
import type { LedgerStore } from './ledger-store.js';
import { startWalCheckpointer, type WalCheckpointer } from '../sqlite/wal-checkpointer.js';

/**
 * The SQLite store writes ledger rows through one prepared statement inside a better-sqlite3
 * transaction instead of a Kysely query built, compiled and prepared per batch: at 1,000 requests/s
 * that query building was the gateway's largest allocation per request after Node's HTTP stack, and
 * its garbage collection pauses made the latency tail (docs/gateway.md, "Benchmark"). Same table,
 * same values (toDb), same all-or-nothing transaction.
 */
class SqliteLedgerStore extends KyselyLedgerStore {
  private insertRows: ((rows: readonly LedgerRow[]) => void) | undefined;
  checkpointer: WalCheckpointer | null = null;

  constructor(private readonly database: Database.Database) {
    super('sqlite', new Kysely<LedgerDatabase>({ dialect: new SqliteDialect({ database }) }));
  }

  override async close(): Promise<void> {
    await this.checkpointer?.stop();
    await super.close();
  }

  override insert(rows: readonly LedgerRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    // a checkpoint is restarting the WAL (a few ms): wait on the event loop, not in SQLite's busy handler
    const gate = this.checkpointer?.gate;
    if (gate?.closed === true) return gate.opened().then(() => this.insert(rows));
    try {
      this.insertRows ??= this.prepareInsert(Object.keys(toDb(rows[0] as LedgerRow)));
      this.insertRows(rows);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Prepared on the first insert (after the migrations made the table), for toDb's columns. */
  private prepareInsert(columns: readonly string[]): (rows: readonly LedgerRow[]) => void {
    const statement = this.database.prepare(
      `insert into costwise_requests (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    return this.database.transaction((rows: readonly LedgerRow[]) => {
      for (const row of rows) statement.run(toDb(row));
    });
  }
}

export interface SqliteLedgerOptions {
  /** Told when the background WAL checkpointer fails (the gateway logs it). */
  readonly onWarning?: (message: string) => void;
}

/**
 * The ledger in a SQLite file (`:memory:` for tests). WAL with synchronous=NORMAL: a committed
 * transaction survives a crash of the process (kill -9); only a power loss may drop the last commits.
 * Checkpoints run in a worker thread (`startWalCheckpointer`), not on the thread that answers requests.
 * @see https://www.sqlite.org/wal.html
 */
export async function openSqliteLedgerStore(
  path: string,
  options: SqliteLedgerOptions = {},
): Promise<LedgerStore> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  const store = new SqliteLedgerStore(database);
  await store.migrate();
  if (path !== ':memory:')
    store.checkpointer = startWalCheckpointer(database, path, options.onWarning ?? (() => undefined));
  return store;
}
