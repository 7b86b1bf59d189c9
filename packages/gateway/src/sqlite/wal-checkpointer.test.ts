import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openWal(): { db: Database.Database; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-wal-'));
  dirs.push(dir);
  const path = join(dir, 'x.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (id integer primary key, v text not null)');
  return { db, path };
}

const until = async (ok: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return ok();
};

describe('startWalCheckpointer', () => {
  it('turns off the committing connection’s checkpoints and checkpoints from its worker', async () => {
    const { db, path } = openWal();
    const warnings: string[] = [];
    const checkpointer = startWalCheckpointer(db, path, (m) => warnings.push(m), { intervalMs: 50 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const sizeBefore = statSync(path).size;
    const insert = db.prepare('insert into t (v) values (?)');
    // 1,500 commits of one page each: SQLite's own checkpoint would have run at 1,000 WAL pages
    for (let i = 0; i < 1500; i++) insert.run('x'.repeat(200));
    // the database file grows only when a checkpoint copies the WAL into it (the rows fill ~75 pages)
    const walPages = statSync(`${path}-wal`).size / 4096;
    expect(walPages).toBeGreaterThan(1000);
    expect(await until(() => statSync(path).size > sizeBefore + 50 * 4096, 5000)).toBe(true);
    await checkpointer.stop();
    expect(warnings).toEqual([]);
    // every row is there, read through a fresh connection
    db.close();
    const again = new Database(path, { readonly: true });
    expect((again.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(1500);
    again.close();
  });

  it('keeps the WAL bounded under commits that never pause (a PASSIVE checkpoint alone lets it grow)', async () => {
    const walAfter = async (
      restartBytes: number,
    ): Promise<{ walBytes: number; restarts: number; commits: number }> => {
      const { db, path } = openWal();
      const checkpointer = startWalCheckpointer(db, path, () => undefined, { intervalMs: 50, restartBytes });
      const insert = db.prepare('insert into t (v) values (?)');
      // a one-row commit every millisecond or so for 0.8 s, as under steady traffic: some always
      // land while a checkpoint copies
      let commits = 0;
      const end = Date.now() + 800;
      while (Date.now() < end) {
        // as the ledger and the response cache do: no write while a restart holds the gate
        if (checkpointer.gate.closed) await checkpointer.gate.opened();
        for (let i = 0; i < 5; i++) insert.run('x'.repeat(200));
        commits += 5;
        await new Promise((r) => setTimeout(r, 0));
      }
      const walBytes = statSync(`${path}-wal`).size;
      const restarts = checkpointer.restarts;
      await checkpointer.stop();
      expect(checkpointer.gate.closed).toBe(false);
      db.close();
      return { walBytes, restarts, commits };
    };
    const bounded = await walAfter(256 * 1024);
    expect(bounded.commits).toBeGreaterThan(300);
    expect(bounded.restarts).toBeGreaterThan(0);
    // each commit appends at least one 4 KiB page (12 MB for 3,000): the log is restarted from its
    // start once it holds 256 KiB, so the file stays near that plus one interval's commits
    expect(bounded.walBytes).toBeLessThan(bounded.commits * 4096 * 0.25);
    expect(bounded.walBytes).toBeLessThan(3 * 1024 * 1024);
    const unbounded = await walAfter(Number.POSITIVE_INFINITY);
    expect(unbounded.restarts).toBe(0);
    expect(unbounded.walBytes).toBeGreaterThan(2 * bounded.walBytes);
  });

  it('stop() is safe to call twice', async () => {
    const { db, path } = openWal();
    const checkpointer = startWalCheckpointer(db, path, () => undefined, { intervalMs: 1000 });
    await checkpointer.stop();
    await checkpointer.stop();
    db.close();
  });
});
