import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the checkpointer copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/** WAL size from which a checkpoint also restarts the log (see startWalCheckpointer). */
export const RESTART_WAL_BYTES = 16 * 1024 * 1024;
/** The longest a restarting checkpoint waits for a reader or writer (it holds new writers meanwhile). */
const RESTART_WAIT_MS = 20;

// The worker is CommonJS evaluated from this string, so it runs the same from the TypeScript sources
// (tests) and from dist; it loads better-sqlite3 from the path the gateway resolved.
// Protocol: every interval a PASSIVE checkpoint, reported as { ok, result }. When the log then holds
// restartBytes it asks for a pause ({ ok, result, pause: true }); the owner closes its write gate and
// answers 'paused', and the worker runs a RESTART checkpoint, which with no writer left copies the last
// frames and lets the next commit write the log from its start, and answers { ok, result, restarted,
// resume: true }.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
// only RESTART waits on others (PASSIVE never does), and only for a reader or another process's writer
db.pragma('busy_timeout = ' + workerData.restartWaitMs);
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
let asked = false;
const describe = (error) => String(error && error.message ? error.message : error);
const checkpoint = () => {
  if (asked) return;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    asked = result.log * frameBytes >= workerData.restartBytes;
    parentPort.postMessage({ ok: true, result, pause: asked });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: describe(error) });
  }
};
const restart = () => {
  asked = false;
  try {
    const [result] = db.pragma('wal_checkpoint(RESTART)');
    parentPort.postMessage({ ok: true, result, restarted: result.busy === 0, resume: true });
  } catch (error) {
    // busy past the wait (a reader, another process): the next round tries again
    const busy = error && error.code === 'SQLITE_BUSY';
    parentPort.postMessage({ ok: busy, error: describe(error), restarted: false, resume: true });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'checkpoint') checkpoint();
  if (m === 'paused') restart();
  if (m === 'stop') {
    clearInterval(timer);
    asked = false;
    checkpoint();
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Held by the code that writes to the database: while it is closed (a checkpoint is restarting the
 * WAL, a few milliseconds), writes wait for `opened()` instead of blocking in SQLite's busy handler.
 */
export interface WriteGate {
  readonly closed: boolean;
  /** Settles when the gate opens (at once if it is open). */
  opened(): Promise<void>;
}

export interface WalCheckpointer {
  /** Stops the worker after a last checkpoint. */
  stop(): Promise<void>;
  /** How many checkpoints restarted the WAL so far. */
  readonly restarts: number;
  readonly gate: WriteGate;
}

export interface WalCheckpointerOptions {
  readonly intervalMs?: number;
  readonly restartBytes?: number;
}

/** The longest writes wait for a restarting checkpoint before they go ahead anyway. */
const MAX_PAUSE_MS = 1000;

/**
 * Moves a WAL database's checkpoints off the main thread. SQLite's automatic checkpoint runs on the
 * connection that commits, every 1,000 WAL pages: it copies pages into the database file and fsyncs
 * both, and at 1,000 ledger commits a second (each appends at least one 4 KiB page) it ran about once a
 * second and held the event loop for 5-50 ms, which every request waiting then paid (docs/gateway.md,
 * "Benchmark"). The gateway's connection turns it off (`wal_autocheckpoint = 0`) and a worker thread with
 * its own connection runs a PASSIVE checkpoint every `intervalMs`: it never blocks a writer, and a
 * commit's durability is unchanged (the WAL holds it either way).
 *
 * A PASSIVE checkpoint alone does not keep the WAL small under steady load. SQLite writes the log from
 * its start again only when a transaction begins after a checkpoint copied every frame, and with a
 * commit every millisecond some always land while the checkpoint runs: at 1,000 commits/s the WAL grew
 * by 14 MB a second without end (216 MB after 15 s, measured 2026-11-27). So once the log holds
 * `restartBytes`, the checkpointer asks the writer to pause: the owner's `gate` closes (writes wait for
 * it, on the event loop, instead of sleeping in SQLite's busy handler, which blocked the thread for
 * 25-46 ms when a RESTART checkpoint simply held writers out), the worker runs a RESTART checkpoint of
 * the last frames, and the gate opens again. The file then stays near `restartBytes` plus one
 * interval's writes, and is overwritten rather than extended. If the worker does not answer within a
 * second, writes go ahead anyway.
 * @see https://www.sqlite.org/wal.html#automatic_checkpoint
 * @see https://www.sqlite.org/c3ref/wal_checkpoint_v2.html
 */
export function startWalCheckpointer(
  database: Database.Database,
  path: string,
  onError: (message: string) => void,
  options: WalCheckpointerOptions = {},
): WalCheckpointer {
  database.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      path,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      restartBytes: options.restartBytes ?? RESTART_WAL_BYTES,
      restartWaitMs: RESTART_WAIT_MS,
    },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      resolve();
    }),
  );
  let running = true;
  let restarts = 0;
  let reopen: (() => void) | null = null;
  let reopened: Promise<void> = Promise.resolve();
  let pauseTimer: NodeJS.Timeout | undefined;
  const open = (): void => {
    clearTimeout(pauseTimer);
    const r = reopen;
    reopen = null;
    r?.();
  };
  const gate: WriteGate = {
    get closed() {
      return reopen !== null;
    },
    opened: () => reopened,
  };
  void exited.then(() => {
    running = false;
    open();
  });
  worker.on(
    'message',
    (m: { ok: boolean; error?: string; restarted?: boolean; pause?: boolean; resume?: boolean }) => {
      if (!m.ok) onError(`WAL checkpoint failed: ${m.error ?? 'unknown error'}`);
      if (m.restarted === true) restarts += 1;
      if (m.resume === true) open();
      if (m.pause === true && reopen === null) {
        // this thread's writes are synchronous: none is under way while this message is handled
        reopened = new Promise<void>((resolve) => {
          reopen = resolve;
        });
        pauseTimer = setTimeout(open, MAX_PAUSE_MS);
        pauseTimer.unref();
        worker.postMessage('paused');
      }
    },
  );
  worker.on('error', (error) => {
    // without the worker the WAL would grow without bound: give checkpoints back to the main connection
    onError(`WAL checkpointer stopped (${error.message}); checkpoints run on the main thread again`);
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  });
  return {
    get restarts() {
      return restarts;
    },
    gate,
    async stop() {
      if (running) worker.postMessage('stop');
      await exited;
    },
  };
}
