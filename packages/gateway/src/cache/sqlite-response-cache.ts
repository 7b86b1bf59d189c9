import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { startWalCheckpointer, type WalCheckpointer } from '../sqlite/wal-checkpointer.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

/** Sets between sweeps of expired entries (and of the oldest ones beyond maxEntries). */
const SWEEP_EVERY_SETS = 256;

/**
 * Responses in a SQLite file: they survive a restart and are shared by the gateway processes of one
 * host (WAL mode, one writer at a time). Expired entries read as misses and are swept every
 * SWEEP_EVERY_SETS sets, with the soonest-expiring dropped beyond `maxEntries`.
 */
export class SqliteResponseCache implements ResponseCache {
  readonly kind = 'sqlite';
  private setsSinceSweep = 0;
  private checkpointer: WalCheckpointer | null = null;
  private readonly getStmt: Database.Statement<[string], { value: string; until_ms: number }>;
  private readonly setStmt: Database.Statement<[string, string, number]>;
  private readonly deleteStmt: Database.Statement<[string]>;

  private constructor(
    private readonly db: Database.Database,
    private readonly maxEntries: number,
    private readonly clock: () => number,
  ) {
    this.getStmt = db.prepare('select value, until_ms from costwise_response_cache where key = ?');
    this.setStmt = db.prepare(
      'insert into costwise_response_cache (key, value, until_ms) values (?, ?, ?) on conflict (key) do update set value = excluded.value, until_ms = excluded.until_ms',
    );
    this.deleteStmt = db.prepare('delete from costwise_response_cache where key = ?');
  }

  /**
   * Opens (and creates) the cache file; `:memory:` for a private in-memory one. synchronous=NORMAL (no
   * fsync per set: a power loss may drop the last entries, which are only misses again) and checkpoints
   * in a worker thread, as the ledger does.
   */
  static open(
    path: string,
    maxEntries: number,
    clock: () => number = Date.now,
    onWarning: (message: string) => void = () => undefined,
  ): SqliteResponseCache {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    db.exec(
      'create table if not exists costwise_response_cache (key text primary key, value text not null, until_ms integer not null); ' +
        'create index if not exists costwise_response_cache_until on costwise_response_cache (until_ms)',
    );
    const cache = new SqliteResponseCache(db, maxEntries, clock);
    if (path !== ':memory:') cache.checkpointer = startWalCheckpointer(db, path, onWarning);
    return cache;
  }

  get(key: string): Promise<CachedResponse | null> {
    const row = this.getStmt.get(key);
    if (row === undefined) return Promise.resolve(null);
    if (row.until_ms <= this.clock()) {
      // expired: a miss either way; the sweep deletes it if a checkpoint holds writes now
      if (this.checkpointer?.gate.closed !== true) this.deleteStmt.run(key);
      return Promise.resolve(null);
    }
    return Promise.resolve(JSON.parse(row.value) as CachedResponse);
  }

  set(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    // a checkpoint is restarting the WAL (a few ms): wait on the event loop, not in SQLite's busy handler
    const gate = this.checkpointer?.gate;
    if (gate?.closed === true) return gate.opened().then(() => this.set(key, value, ttlMs));
    this.setStmt.run(key, JSON.stringify(value), this.clock() + ttlMs);
    if (++this.setsSinceSweep >= SWEEP_EVERY_SETS) this.sweep();
    return Promise.resolve();
  }

  /** Deletes expired entries, then the soonest-expiring beyond maxEntries. */
  sweep(): void {
    this.setsSinceSweep = 0;
    this.db.prepare('delete from costwise_response_cache where until_ms <= ?').run(this.clock());
    const { n } = this.db.prepare('select count(*) as n from costwise_response_cache').get() as { n: number };
    if (n > this.maxEntries)
      this.db
        .prepare(
          'delete from costwise_response_cache where key in (select key from costwise_response_cache order by until_ms limit ?)',
        )
        .run(n - this.maxEntries);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }
}
