import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the checkpointer copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;

// The worker is CommonJS evaluated from this string, so it runs the same from the TypeScript sources
// (tests) and from dist; it loads better-sqlite3 from the path the gateway resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
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
}

/**
 * Moves a WAL database's checkpoints off the main thread. SQLite's automatic checkpoint runs on the
 * connection that commits, every 1,000 WAL pages: it copies pages into the database file and fsyncs
 * both, and at 1,000 ledger commits a second (each appends at least one 4 KiB page) it ran about once a
 * second and held the event loop for 5-50 ms, which every request waiting then paid (docs/gateway.md,
 * "Benchmark"). The gateway's connection turns it off (`wal_autocheckpoint = 0`) and a worker thread with
 * its own connection runs a PASSIVE checkpoint every `intervalMs`: it never blocks a writer, and a
 * commit's durability is unchanged (the WAL holds it either way).
 * @see https://www.sqlite.org/wal.html#automatic_checkpoint
 */
export function startWalCheckpointer(
  database: Database.Database,
  path: string,
  onError: (message: string) => void,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): WalCheckpointer {
  database.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
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
  worker.on('message', (m: { ok: boolean; error?: string }) => {
    if (!m.ok) onError(`WAL checkpoint failed: ${m.error ?? 'unknown error'}`);
  });
  worker.on('error', (error) => {
    // without the worker the WAL would grow without bound: give checkpoints back to the main connection
    onError(`WAL checkpointer stopped (${error.message}); checkpoints run on the main thread again`);
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  });
  return {
    async stop() {
      if (running) worker.postMessage('stop');
      await exited;
    },
  };
}
