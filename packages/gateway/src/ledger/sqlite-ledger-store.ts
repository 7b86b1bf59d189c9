import { mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { ZERO_USAGE } from '@costwise/core';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyLedgerStore, toDb, type LedgerDatabase } from './_kysely-ledger-store.js';
import type { LedgerRow } from './ledger-row.js';
import type { LedgerStore, SavingsGroup, UsageQuery, UsageReport } from './ledger-store.js';
import { openPendingJournal, readJournal, staleJournals, type PendingJournal } from './_pending-journal.js';
import { startWalCheckpointer, type WalCheckpointer } from '../sqlite/wal-checkpointer.js';

/** A row with every field set: its `toDb` keys are the INSERT's columns (a new field fails to compile here). */
const COLUMNS_PROBE: LedgerRow = {
  id: '',
  timeMs: 0,
  key: null,
  requestedModel: '',
  route: null,
  decision: null,
  reason: null,
  provider: null,
  upstreamModel: null,
  usage: ZERO_USAGE,
  costNanoUsd: null,
  wouldCostNanoUsd: null,
  latencyMs: 0,
  ttftMs: null,
  upstreamMs: null,
  status: 0,
  error: null,
  cache: 'miss',
};
const COLUMNS = Object.keys(toDb(COLUMNS_PROBE));
const VALUES = `(${COLUMNS.join(', ')}) values (${COLUMNS.map((c) => `@${c}`).join(', ')})`;

/** How long acknowledged rows wait in the journal before they are inserted, and how many at most. */
export const JOURNAL_FLUSH_MS = 25;
export const JOURNAL_FLUSH_ROWS = 256;
/** Rows the database could not take (it is broken or full) kept for a retry before writes are refused. */
const MAX_BUFFERED_ROWS = 100_000;

type DbRow = ReturnType<typeof toDb>;

/**
 * The SQLite store. Rows go into the table through prepared statements inside a better-sqlite3
 * transaction, not a Kysely query built per batch (that query building was the gateway's largest
 * allocation per request after Node's HTTP stack, docs/gateway.md, "Benchmark"); reads and keys go
 * through Kysely like PostgreSQL's.
 *
 * In a file, `insert` acknowledges rows once they are in a pending journal (`_pending-journal.ts`:
 * one `write(2)`, survives kill -9 like a WAL commit) and inserts them into the table in batches,
 * every `JOURNAL_FLUSH_MS` or `JOURNAL_FLUSH_ROWS`, after which the journal is emptied. A one-row
 * commit per request wrote 13,975 bytes in 6.8 write calls (every commit's WAL pages and the
 * checkpointer's copies); the journal and its batches write 888 bytes in 1.2 calls, for 25–36 µs of
 * this thread's CPU against 27–53 µs (`npm run bench:ledger`), and no response waits while a
 * checkpoint restarts the WAL (the rows wait in the journal instead). Every read of the requests
 * table here inserts what is pending first, so this process never reads a ledger without its
 * acknowledged rows; another process reading the file sees them up to `JOURNAL_FLUSH_MS` later. A store opened on the file inserts the journals of stores that are gone
 * (a crashed gateway's), with `INSERT OR IGNORE` since some of their rows may be committed already.
 * In memory (tests) each batch is one transaction, committed before `insert` settles.
 */
class SqliteLedgerStore extends KyselyLedgerStore {
  private insertRows: ((rows: readonly DbRow[]) => void) | undefined;
  private journal: PendingJournal | null = null;
  private buffered: DbRow[] = [];
  /** Ids of `buffered`, so that a duplicate id is refused at once, as the table would refuse it. */
  private bufferedIds = new Set<string>();
  private idTaken: ((id: string) => boolean) | undefined;
  private flushTimer: NodeJS.Timeout | null = null;
  checkpointer: WalCheckpointer | null = null;

  constructor(
    private readonly database: Database.Database,
    private readonly path: string,
    private readonly onWarning: (message: string) => void,
  ) {
    super('sqlite', new Kysely<LedgerDatabase>({ dialect: new SqliteDialect({ database }) }));
  }

  /** Inserts the rows of journals left by stores that are gone, then deletes those journals. */
  replayJournals(): void {
    if (this.path === ':memory:') return;
    const stale = staleJournals(this.path);
    if (stale.length === 0) return;
    const statement = this.database.prepare(`insert or ignore into costwise_requests ${VALUES}`);
    for (const file of stale) {
      const { rows, unreadableLines } = readJournal(file);
      const complete = rows.map((r) => Object.fromEntries(COLUMNS.map((c) => [c, r[c] ?? null])));
      let inserted = 0;
      this.database.transaction(() => {
        for (const row of complete) inserted += statement.run(row).changes;
      })();
      unlinkSync(file);
      if (rows.length > 0 || unreadableLines > 0)
        this.onWarning(
          `ledger: ${String(inserted)} of ${String(rows.length)} acknowledged rows recovered from ${file} (a gateway that stopped without closing the ledger)${unreadableLines > 0 ? `; ${String(unreadableLines)} unfinished line(s) skipped` : ''}`,
        );
    }
  }

  override insert(rows: readonly LedgerRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const dbRows = rows.map(toDb);
    if (this.path === ':memory:') {
      try {
        this.insertAll(dbRows);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (this.buffered.length + dbRows.length > MAX_BUFFERED_ROWS)
      return Promise.reject(
        new Error(
          `${String(this.buffered.length)} ledger rows are waiting for the database, which takes none`,
        ),
      );
    try {
      // all or nothing, like a transaction: a batch with an id the ledger holds (or holds twice) is refused
      const batchIds = new Set<string>();
      for (const r of dbRows) {
        if (batchIds.has(r.id) || this.bufferedIds.has(r.id) || this.isIdTaken(r.id))
          throw Object.assign(new Error(`UNIQUE constraint failed: costwise_requests.id (${r.id})`), {
            code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
          });
        batchIds.add(r.id);
      }
      this.journal ??= openPendingJournal(this.path);
      this.journal.append(dbRows);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    for (const r of dbRows) {
      this.buffered.push(r);
      this.bufferedIds.add(r.id);
    }
    if (this.buffered.length >= JOURNAL_FLUSH_ROWS) this.scheduleFlush(0);
    else if (this.flushTimer === null) this.scheduleFlush(JOURNAL_FLUSH_MS);
    return Promise.resolve();
  }

  private scheduleFlush(ms: number): void {
    if (this.flushTimer !== null) {
      if (ms > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      // a checkpoint is restarting the WAL (a few ms): the rows wait in the journal, nobody waits on them
      const gate = this.checkpointer?.gate;
      if (gate?.closed === true)
        void gate.opened().then(() => {
          this.flushPending();
        });
      else this.flushPending();
    }, ms);
    this.flushTimer.unref();
  }

  /** Inserts the acknowledged rows that wait in the journal, then empties it. */
  flushPending(): void {
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.buffered.length === 0) return;
    const rows = this.buffered;
    this.buffered = [];
    this.bufferedIds = new Set();
    try {
      this.insertAll(rows);
    } catch {
      // the batch rolled back: row by row, so that one row the table refuses does not hold the rest
      for (const row of rows) {
        try {
          this.insertAll([row]);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'))
            this.onWarning(`ledger row ${row.id} refused by the database: ${(error as Error).message}`);
          else {
            this.buffered.push(row);
            this.bufferedIds.add(row.id);
          }
        }
      }
      if (this.buffered.length > 0) {
        this.onWarning(
          `ledger: ${String(this.buffered.length)} acknowledged rows could not be inserted yet (they stay in ${this.journal?.path ?? 'the journal'}); retrying`,
        );
        this.scheduleFlush(1000);
        return;
      }
    }
    this.journal?.clear();
  }

  private isIdTaken(id: string): boolean {
    if (this.idTaken === undefined) {
      const statement = this.database.prepare('select 1 from costwise_requests where id = ?').pluck();
      this.idTaken = (x) => statement.get(x) !== undefined;
    }
    return this.idTaken(id);
  }

  private insertAll(rows: readonly DbRow[]): void {
    this.insertRows ??= this.prepareInsert();
    this.insertRows(rows);
  }

  /** Prepared on the first insert (after the migrations made the table). */
  private prepareInsert(): (rows: readonly DbRow[]) => void {
    const statement = this.database.prepare(`insert into costwise_requests ${VALUES}`);
    return this.database.transaction((rows: readonly DbRow[]) => {
      for (const row of rows) statement.run(row);
    });
  }

  override usage(q: UsageQuery): Promise<UsageReport> {
    this.flushPending();
    return super.usage(q);
  }

  override recent(limit: number): Promise<readonly LedgerRow[]> {
    this.flushPending();
    return super.recent(limit);
  }

  override keySpend(keyName: string, sinceMs: number): Promise<number> {
    this.flushPending();
    return super.keySpend(keyName, sinceMs);
  }

  override savingsGroups(q: Omit<UsageQuery, 'groupBy'>): Promise<readonly SavingsGroup[]> {
    this.flushPending();
    return super.savingsGroups(q);
  }

  override async close(): Promise<void> {
    try {
      this.flushPending();
    } finally {
      // rows the database did not take stay in the journal for the next open
      this.journal?.close(this.buffered.length === 0);
      this.journal = null;
    }
    await this.checkpointer?.stop();
    await super.close();
  }
}

export interface SqliteLedgerOptions {
  /** Told when the background WAL checkpointer fails, or rows were recovered or refused (the gateway logs it). */
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
  const onWarning = options.onWarning ?? (() => undefined);
  const store = new SqliteLedgerStore(database, path, onWarning);
  await store.migrate();
  store.replayJournals();
  if (path !== ':memory:') store.checkpointer = startWalCheckpointer(database, path, onWarning);
  return store;
}
