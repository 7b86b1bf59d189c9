// Preload for benchmarks (`--gateway-node-flags "--import ./scripts/lib/io-timing.mjs"`): times every
// synchronous file write and truncation (the SQLite ledger's pending journal) and every better-sqlite3
// transaction and pragma on the main thread (the batch insert; the WAL checkpointer's worker is an eval'd
// worker that a preload does not reach), and on SIGUSR2 prints to stderr, as one JSON line, those over
// 2 ms since the last report, with their epoch start times (to set beside scripts/lib/stall-probe.mjs).
// Cost: two performance.now() per call.
import fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';

const SLOW_MS = 2;
let slow = [];
let calls = 0;

function timed(what, fn) {
  return function (...args) {
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      calls += 1;
      if (ms > SLOW_MS)
        slow.push({
          what,
          thread: threadId,
          startEpochMs: Math.round(performance.timeOrigin + t0),
          ms: Math.round(ms * 100) / 100,
        });
    }
  };
}

fs.writeSync = timed('writeSync', fs.writeSync);
fs.ftruncateSync = timed('ftruncateSync', fs.ftruncateSync);
syncBuiltinESMExports();

const Database = createRequire(import.meta.url)('better-sqlite3');
const transaction = Database.prototype.transaction;
Database.prototype.transaction = function (fn) {
  return timed('transaction', transaction.call(this, fn));
};
Database.prototype.pragma = timed('pragma', Database.prototype.pragma);

const report = () => {
  process.stderr.write(`${JSON.stringify({ ioTiming: { thread: threadId, calls, slow } })}\n`);
  slow = [];
  calls = 0;
};
process.on('SIGUSR2', report);
