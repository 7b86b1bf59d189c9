import { randomBytes } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * An append-only file of ledger rows that were acknowledged but are not yet in the database: one JSON
 * object per line, written with one `write(2)` per batch before the rows are acknowledged, emptied once
 * they are committed. A `write` that returned is in the kernel's page cache, so it survives kill -9 of
 * the process, as a SQLite WAL commit under `synchronous=NORMAL` does; a power loss may drop either.
 * One file per open store: `<db>-pending-<pid>-<token>.jsonl`.
 */
export interface PendingJournal {
  readonly path: string;
  /** Appends the rows (one write); throws on an I/O error, and then none of them counts as written. */
  append(rows: readonly object[]): void;
  /** Empties the file: every row appended so far is committed. */
  clear(): void;
  /** Closes the file; removes it when `committed` (else the next open replays it). */
  close(committed: boolean): void;
}

const PREFIX = '-pending-';
const SUFFIX = '.jsonl';
/** Journals open in this process (a second store on the same database must not replay the first's). */
const openHere = new Set<string>();

export function openPendingJournal(dbPath: string): PendingJournal {
  const path = `${dbPath}${PREFIX}${String(process.pid)}-${randomBytes(4).toString('hex')}${SUFFIX}`;
  // O_APPEND: after clear() (ftruncate to 0) the next write lands at the start again
  const fd = openSync(path, 'a');
  openHere.add(path);
  let open = true;
  return {
    path,
    append(rows) {
      let text = '';
      for (const row of rows) text += `${JSON.stringify(row)}\n`;
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    },
    clear() {
      ftruncateSync(fd, 0);
    },
    close(committed) {
      if (!open) return;
      open = false;
      openHere.delete(path);
      closeSync(fd);
      if (committed) unlinkSync(path);
    },
  };
}

/**
 * Whether a process with this id runs (EPERM: it does, under another user). A zombie (killed, not yet
 * reaped by its parent) does not: it answers signal 0 but will never write again; Linux shows it as
 * state Z in /proc/<pid>/stat.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * Journals of the database left by stores that are gone: their process is not running, or it is this
 * process (the id was reused, as in a restarted container) and no store here has the file open.
 */
export function staleJournals(dbPath: string, alive: (pid: number) => boolean = processAlive): string[] {
  const dir = dirname(dbPath);
  const head = `${basename(dbPath)}${PREFIX}`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale: string[] = [];
  for (const name of names) {
    if (!name.startsWith(head) || !name.endsWith(SUFFIX)) continue;
    const pid = Number(name.slice(head.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const path = join(dir, name);
    if (openHere.has(path)) continue;
    if (pid === process.pid || !alive(pid)) stale.push(path);
  }
  return stale.sort();
}

/**
 * The rows of a journal. A line that does not parse can only be the last one, cut by a crash in the
 * middle of its write, whose rows were never acknowledged; it is counted, not returned.
 */
export function readJournal(path: string): { rows: Record<string, unknown>[]; unreadableLines: number } {
  const rows: Record<string, unknown>[] = [];
  let unreadableLines = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      const row = JSON.parse(line) as unknown;
      if (row !== null && typeof row === 'object' && !Array.isArray(row))
        rows.push(row as Record<string, unknown>);
      else unreadableLines += 1;
    } catch {
      unreadableLines += 1;
    }
  }
  return { rows, unreadableLines };
}
