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
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
// only RESTART waits on others (PASSIVE never does): briefly, since new writers wait while it does
db.pragma('busy_timeout = ' + workerData.restartWaitMs);
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
const checkpoint = () => {
  try {
    let [result] = db.pragma('wal_checkpoint(PASSIVE)');
    let restarted = false;
    if (result.log * frameBytes >= workerData.restartBytes) {
      try {
        [result] = db.pragma('wal_checkpoint(RESTART)');
        restarted = result.busy === 0;
      } catch (error) {
        // a reader or writer held on past the wait: the next round tries again
        if (!error || error.code !== 'SQLITE_BUSY') throw error;
      }
    }
    parentPort.postMessage({ ok: true, result, restarted });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message ? error.message : error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'checkpoint') checkpoint();
  if (m === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.close();
  }
});
`;

export interface WalCheckpointer {
  /** Stops the worker after a last checkpoint. */
  stop(): Promise<void>;
  /** How many checkpoints restarted the WAL so far. */
  readonly restarts: number;
}

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
 * `restartBytes`, the PASSIVE checkpoint is followed by a RESTART one, which holds new writers only
 * while it copies the frames committed since and syncs (2-4 ms measured), and waits at most 20 ms for
 * a reader before giving up until the next round. The file then stays near `restartBytes` + one
 * interval's writes, and is overwritten rather than extended.
 * @see https://www.sqlite.org/wal.html#automatic_checkpoint
 * @see https://www.sqlite.org/c3ref/wal_checkpoint_v2.html
 */
export function startWalCheckpointer(
  database: Database.Database,
  path: string,
  onError: (message: string) => void,
  intervalMs = CHECKPOINT_INTERVAL_MS,
  restartBytes = RESTART_WAL_BYTES,
): WalCheckpointer {
  database.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path, intervalMs, restartBytes, restartWaitMs: RESTART_WAIT_MS },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      resolve();
    }),
  );
  let running = true;
  void exited.then(() => {
    running = false;
  });
  let restarts = 0;
  worker.on('message', (m: { ok: boolean; error?: string; restarted?: boolean }) => {
    if (!m.ok) onError(`WAL checkpoint failed: ${m.error ?? 'unknown error'}`);
    if (m.restarted === true) restarts += 1;
  });
  worker.on('error', (error) => {
    // without the worker the WAL would grow without bound: give checkpoints back to the main connection
    onError(`WAL checkpointer stopped (${error.message}); checkpoints run on the main thread again`);
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  });
  return {
    get restarts() {
      return restarts;
    },
    async stop() {
      if (running) worker.postMessage('stop');
      await exited;
    },
  };
}
