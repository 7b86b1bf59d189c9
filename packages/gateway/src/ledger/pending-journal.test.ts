import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  renameSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerWriter } from './ledger-writer.js';
import { openPendingJournal, processAlive, readJournal, staleJournals } from './_pending-journal.js';
import { row } from './_test-ledger-store-suite.js';
import { JOURNAL_FLUSH_ROWS, openSqliteLedgerStore } from './sqlite-ledger-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-journal-'));
  dirs.push(dir);
  return join(dir, 'costwise.db');
}

/** The id of a process that has exited (and was reaped): spawnSync waits for it. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  if (processAlive(pid)) throw new Error('no dead pid to test with');
  return pid;
}

const journalsOf = (db: string): string[] =>
  readdirSync(join(db, '..')).filter((n) => n.startsWith('costwise.db-pending-'));

describe('pending journal', () => {
  it('appends JSON lines, empties on clear, and is removed when closed committed', () => {
    const db = tempDb();
    const j = openPendingJournal(db);
    expect(j.path).toMatch(new RegExp(`costwise\\.db-pending-${String(process.pid)}-[0-9a-f]{8}\\.jsonl$`));
    j.append([
      { id: 'a', n: 1 },
      { id: 'b', n: null },
    ]);
    j.append([{ id: 'c', n: 'ü' }]);
    expect(readJournal(j.path)).toEqual({
      rows: [
        { id: 'a', n: 1 },
        { id: 'b', n: null },
        { id: 'c', n: 'ü' },
      ],
      unreadableLines: 0,
    });
    j.clear();
    expect(statSync(j.path).size).toBe(0);
    // after the truncation the file is written from its start again (O_APPEND)
    j.append([{ id: 'd' }]);
    expect(readFileSync(j.path, 'utf8')).toBe('{"id":"d"}\n');
    j.close(true);
    expect(existsSync(j.path)).toBe(false);
  });

  it('a line cut short by a crash in the middle of its write is skipped and counted', () => {
    const db = tempDb();
    const path = `${db}-pending-1-00000000.jsonl`;
    writeFileSync(path, '{"id":"a"}\n{"id":"b"}\n{"id":"c","status":2');
    expect(readJournal(path)).toEqual({ rows: [{ id: 'a' }, { id: 'b' }], unreadableLines: 1 });
  });

  it('stale: journals of processes that are gone, or of this process when no store here holds them', () => {
    const db = tempDb();
    const mine = openPendingJournal(db);
    const dead = deadPid();
    const gone = `${db}-pending-${String(dead)}-0000000a.jsonl`;
    const reused = `${db}-pending-${String(process.pid)}-0000000b.jsonl`;
    const running = `${db}-pending-${String(process.ppid)}-0000000c.jsonl`;
    for (const p of [gone, reused, running]) writeFileSync(p, '');
    writeFileSync(`${db}-pending-x-1.jsonl`, '');
    writeFileSync(`${db}-wal`, '');
    expect(staleJournals(db)).toEqual([gone, reused].sort());
    expect(staleJournals(db, () => false)).toEqual([gone, reused, running].sort());
    mine.close(true);
  });
});

describe('SQLite ledger with a pending journal', () => {
  it('acknowledges rows from the journal, inserts them in batches, and reads them back at once', async () => {
    const db = tempDb();
    const store = await openSqliteLedgerStore(db);
    const writer = new LedgerWriter(store);
    await Promise.all(['a', 'b', 'c'].map((id) => writer.write(row({ id }))));
    const [journal] = journalsOf(db);
    expect(journal).toBeDefined();
    // acknowledged: in the journal before the batch insert
    expect(readJournal(join(db, '..', journal ?? '')).rows.map((r) => r['id'])).toEqual(['a', 'b', 'c']);
    // a read inserts what is pending first
    expect((await store.recent(10)).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    expect(statSync(join(db, '..', journal ?? '')).size).toBe(0);
    await store.close();
    expect(journalsOf(db)).toEqual([]);
  });

  it('inserts on its own within the flush interval, and at once past JOURNAL_FLUSH_ROWS', async () => {
    const db = tempDb();
    const store = await openSqliteLedgerStore(db);
    const other = await openSqliteLedgerStore(db);
    await store.insert([row({ id: 'one' })]);
    await new Promise((r) => setTimeout(r, 200));
    // another connection (another process would do the same) sees the row without a read here
    expect((await other.recent(10)).map((r) => r.id)).toEqual(['one']);
    await store.insert(
      Array.from({ length: JOURNAL_FLUSH_ROWS }, (_, i) => row({ id: `many-${String(i)}` })),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect((await other.recent(1000)).length).toBe(JOURNAL_FLUSH_ROWS + 1);
    await other.close();
    await store.close();
  });

  it('refuses a batch with an id the ledger holds, pending or committed, and journals none of it', async () => {
    const db = tempDb();
    const store = await openSqliteLedgerStore(db);
    await store.insert([row({ id: 'committed' })]);
    await store.recent(1);
    await store.insert([row({ id: 'pending' })]);
    for (const batch of [
      [row({ id: 'x1' }), row({ id: 'committed' })],
      [row({ id: 'x2' }), row({ id: 'pending' })],
      [row({ id: 'x3' }), row({ id: 'x3' })],
    ])
      await expect(store.insert(batch)).rejects.toThrow(/UNIQUE constraint failed/);
    expect((await store.recent(10)).map((r) => r.id).sort()).toEqual(['committed', 'pending']);
    await store.close();
  });

  it('a store opened after a crash inserts the dead store’s acknowledged rows (once) and removes its journal', async () => {
    // the journal of a store that is gone: rows p1 and p2 acknowledged, never inserted
    const scratch = tempDb();
    const db = tempDb();
    const left = `${db}-pending-${String(deadPid())}-deadbeef.jsonl`;
    const gone = await openSqliteLedgerStore(scratch);
    await gone.insert([row({ id: 'p1' }), row({ id: 'p2' })]);
    const [goneJournal] = journalsOf(scratch);
    // copied before its batch insert (25 ms) empties it
    copyFileSync(join(scratch, '..', goneJournal ?? ''), `${left}.tmp`);
    await gone.close();
    const before = await openSqliteLedgerStore(db);
    await before.insert([row({ id: 'committed-before' })]);
    await before.close();
    renameSync(`${left}.tmp`, left);
    // one of its rows was committed before the crash; the last line was cut short by it
    writeFileSync(left, `${readFileSync(left, 'utf8')}{"id":"committed-before"}\n{"id":"torn`);
    const warnings: string[] = [];
    const live = await openSqliteLedgerStore(db, { onWarning: (m) => warnings.push(m) });
    expect(existsSync(left)).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^ledger: 2 of 3 acknowledged rows recovered from .*deadbeef\.jsonl.*1 unfinished line/,
      ),
    ]);
    await live.insert([row({ id: 'live-pending' })]);
    const [liveJournal] = journalsOf(db);
    const next = await openSqliteLedgerStore(db, { onWarning: (m) => warnings.push(m) });
    // the journal of the store that is still open is not touched
    expect(existsSync(join(db, '..', liveJournal ?? ''))).toBe(true);
    expect(warnings).toHaveLength(1);
    await live.close();
    const rows = await next.recent(10);
    expect(rows.map((r) => r.id).sort()).toEqual(['committed-before', 'live-pending', 'p1', 'p2']);
    expect(rows.find((r) => r.id === 'p1')).toEqual(row({ id: 'p1' }));
    await next.close();
    expect(journalsOf(db)).toEqual([]);
  });
});
