// Benchmark: what the SQLite ledger costs the thread that answers requests, per request, and how much it
// writes. `npm run bench:ledger` (builds first). Linux only (/proc). Three ways, alternating, each
// after the same ~60 µs of other JavaScript per request (JSON of a recorded response; a ledger write
// with nothing between runs hot in the CPU's caches and looks cheaper than it is in a gateway):
//   none      no ledger (the work around it alone)
//   commit    one SQLite transaction per request, committed before it is acknowledged (the gateway's
//             SQLite ledger until 2026-11-27), with the WAL checkpointer of the gateway
//   journal   the gateway's SQLite store today: the row appended to the pending journal, inserted
//             in batches every 25 ms (packages/gateway/src/ledger/sqlite-ledger-store.ts)
// Reports per request: main-thread CPU (µs, /proc/self/task/<pid>/stat), the process's CPU (all
// threads, the checkpointer's included), bytes written (wchar of /proc/self/io: WAL frames, the
// checkpointer's copies, the journal) and write system calls.
//
//   node scripts/bench-ledger.mjs [--requests 8000] [--rounds 3]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate, setInterval, clearInterval } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const here = fileURLToPath(new URL('.', import.meta.url));
const ledger = await import(join(here, '../packages/gateway/dist/ledger/index.js'));
const { startWalCheckpointer } = await import(
  join(here, '../packages/gateway/dist/sqlite/wal-checkpointer.js')
);
// the row → columns mapping the store uses (internal to the ledger folder)
const { toDb } = await import(join(here, '../packages/gateway/dist/ledger/_kysely-ledger-store.js'));
const RESPONSE = readFileSync(
  join(here, '../packages/core/src/pricing/__fixtures__/usage/openai-chat-gpt56-cache-read.json'),
  'utf8',
);

const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const REQUESTS = flag('--requests', 8000);
const ROUNDS = flag('--rounds', 3);

const usage = {
  inputTokens: 1200,
  cacheReadTokens: 1000,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 300,
  reasoningTokens: 0,
};
const newRow = () => ({
  id: ledger.uuidV7(),
  timeMs: Date.now(),
  key: 'team-a',
  requestedModel: 'bench',
  route: null,
  decision: null,
  reason: null,
  provider: 'upstream',
  upstreamModel: 'gpt-5.6',
  usage,
  costNanoUsd: 123456,
  wouldCostNanoUsd: null,
  latencyMs: 1.25,
  ttftMs: null,
  upstreamMs: 1.05,
  status: 200,
  error: null,
  cache: 'miss',
});

function otherWork() {
  let n = 0;
  for (let i = 0; i < 6; i++) n += JSON.stringify(JSON.parse(RESPONSE)).length;
  return n;
}

const mainThreadUs = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
const io = () => {
  const text = readFileSync('/proc/self/io', 'utf8');
  const get = (k) => Number(new RegExp(`${k}: (\\d+)`).exec(text)[1]);
  return { bytes: get('wchar'), calls: get('syscw') };
};

/** The ledger as it was: one transaction per request through a prepared statement, checkpoints in a worker. */
async function openCommitPerRequest(path) {
  const store = await ledger.openSqliteLedgerStore(path);
  await store.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const checkpointer = startWalCheckpointer(db, path, () => undefined);
  const columns = Object.keys(toDb(newRow()));
  const statement = db.prepare(
    `insert into costwise_requests (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
  );
  const insert = db.transaction((rows) => {
    for (const r of rows) statement.run(toDb(r));
  });
  return {
    insert: async (rows) => {
      if (checkpointer.gate.closed) await checkpointer.gate.opened();
      insert(rows);
    },
    recent: async () => [],
    close: async () => {
      await checkpointer.stop();
      db.close();
    },
  };
}

async function run(mode) {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-bench-ledger-'));
  const path = join(dir, 'costwise.db');
  const store =
    mode === 'none'
      ? null
      : mode === 'commit'
        ? await openCommitPerRequest(path)
        : await ledger.openSqliteLedgerStore(path);
  const writer = store === null ? null : new ledger.LedgerWriter(store);
  const io0 = io();
  const main0 = mainThreadUs();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    otherWork();
    const row = newRow();
    if (writer !== null) await writer.write(row);
    await new Promise((r) => setImmediate(r));
  }
  if (store !== null) await store.recent(1);
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadUs() - main0;
  const io1 = io();
  if (store !== null) await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mainUs: main / REQUESTS,
    processUs: (cpu.user + cpu.system) / REQUESTS,
    bytes: (io1.bytes - io0.bytes) / REQUESTS,
    calls: (io1.calls - io0.calls) / REQUESTS,
  };
}

// the SQLite store's unref'd worker and timers must not let the process end between awaits
const keepAlive = setInterval(() => undefined, 1000);
const results = { none: [], commit: [], journal: [] };
for (let round = 0; round < ROUNDS; round++)
  for (const mode of Object.keys(results)) results[mode].push(await run(mode));
clearInterval(keepAlive);

const range = (xs, k, digits = 0) => {
  const v = xs.map((x) => x[k]).sort((a, b) => a - b);
  const [lo, hi] = [v[0].toFixed(digits), v[v.length - 1].toFixed(digits)];
  return lo === hi ? lo : `${lo}–${hi}`;
};
console.log(`${REQUESTS} requests per run, ${ROUNDS} rounds, modes alternating; per request:`);
for (const [mode, xs] of Object.entries(results))
  console.log(
    `${mode.padEnd(8)} main thread ${range(xs, 'mainUs').padStart(9)} µs | process ${range(xs, 'processUs').padStart(9)} µs | written ${range(xs, 'bytes').padStart(11)} bytes in ${range(xs, 'calls', 2)} write calls`,
  );
