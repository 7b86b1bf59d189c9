// Benchmark: latency the gateway adds over calling the fake upstream directly (issue 7).
// `npm run bench:gateway` (builds first). Three processes: a fake upstream, the gateway (ledger in
// SQLite, auth and metrics on), and this load generator. Load is open-loop at a constant rate: request i
// is due at t0 + i / rate whatever happened before, and its latency counts from when it was due
// (no coordinated omission). Reports p50/p99 direct, through a bare Node proxy (the floor: what any Node
// proxy adds on this machine now), through the gateway, and the differences, for
// non-streaming and streaming requests, and the gateway's RSS at the end; and, per run, the gateway's CPU
// per request, its event-loop delay and GC pauses (perf_hooks, reported by the child on SIGUSR2), the
// load generator's own CPU and the CPU the hypervisor stole. --pacing spin keeps the generator busy-waiting
// between requests (how it worked until 2026-11-27: it took a whole core of the two).
//
//   node scripts/bench-gateway.mjs [--rate 1000] [--seconds 20] [--soak 0] [--features] [--pacing timer|spin] [--no-floor]
//                                  [--stalls]
//                                  [--gateway-node-flags "--max-semi-space-size=64"]
//   node scripts/bench-gateway.mjs upstream            (child: fake upstream; prints {"port"})
//   node scripts/bench-gateway.mjs floor UPSTREAM      (child: a bare Node proxy, the floor; prints {"port"})
//   node scripts/bench-gateway.mjs gateway UPSTREAM DB [features]  (child: gateway; prints {"port"})
// --features (issue 8) adds a second gateway with a budgeted, rate-limited key, a complexity route and the
// response cache on, and sends it a distinct prompt per request (every one a cache miss that is stored).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setImmediate, setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import { formatStalls, startStallProbe } from './lib/stall-probe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '../packages/core/src/pricing/__fixtures__/usage');
export const BENCH_KEY = 'sk-bench-0123456789';
/** How the load generator waits between requests: 'timer' (sleeps) or 'spin' (setImmediate, a busy core). */
let PACING = 'timer';
/** --stalls: every process runs the stall probe (scripts/lib/stall-probe.mjs); children see it in the env. */
let probe = process.env.COSTWISE_BENCH_STALLS === '1' ? startStallProbe() : null;

function fixture(id) {
  return JSON.parse(readFileSync(join(FIXTURES, `${id}.json`), 'utf8'));
}

function serveUpstream() {
  const body = JSON.stringify(fixture('openai-chat-gpt56-cache-read').body);
  const events = fixture('openai-chat-stream-include-usage').events;
  const sse = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const stream = JSON.parse(Buffer.concat(chunks).toString('utf8')).stream === true;
      if (stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(sse);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ benchPort: server.address().port })));
  process.on('SIGUSR2', () => console.log(JSON.stringify({ benchStats: { stalls: probe?.take() ?? [] } })));
}

/**
 * The floor: a bare Node proxy (node:http server, JSON.parse of the request as any router needs, a
 * keep-alive node:http client, the upstream's answer piped back byte for byte). No auth, ledger,
 * metrics or pricing. What it adds over direct is what this VM charges any Node proxy for two more
 * loopback hops and a third busy process at this moment; the gateway's own cost is the rest.
 */
function serveFloor(upstream) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: 4000 });
  const u = new URL(upstream);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      JSON.parse(body.toString('utf8'));
      const up = http.request(
        {
          hostname: u.hostname,
          port: u.port,
          path: '/v1/chat/completions',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, { 'content-type': ur.headers['content-type'] ?? 'text/plain' });
          ur.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ benchPort: server.address().port })));
  process.on('SIGUSR2', () => console.log(JSON.stringify({ benchStats: { stalls: probe?.take() ?? [] } })));
}

async function serveGateway(upstream, db, features) {
  const { startGateway, validateConfig, createLogger } = await import('../packages/gateway/dist/index.js');
  const prices = { inputMtok: 0.15, outputMtok: 0.6, cacheReadMtok: 0.075 };
  const extra = features
    ? {
        models: [
          { name: 'bench', provider: 'oa', model: 'gpt-4o-mini', prices },
          {
            name: 'bench-strong',
            provider: 'oa',
            model: 'gpt-4o',
            prices: { inputMtok: 2.5, outputMtok: 10 },
          },
        ],
        routes: [
          { name: 'auto', strategy: 'complexity', weak: 'bench', strong: 'bench-strong', threshold: 0.05 },
        ],
        keys: [
          { name: 'bench', key: BENCH_KEY, budgetUsd: 1e6, budgetWindow: 'day', rpm: 10_000_000, tpm: 1e12 },
        ],
        cache: { responses: { enabled: true, ttlSeconds: 3600, store: 'memory' } },
      }
    : {};
  // budget-two-processes.test.ts: a budgeted key whose counters live in a Redis shared with another gateway
  const budgetUsd = process.env.COSTWISE_BENCH_BUDGET_USD;
  const redis = process.env.COSTWISE_BENCH_REDIS;
  const shared =
    budgetUsd !== undefined && redis !== undefined
      ? { keys: [{ name: 'bench', key: BENCH_KEY, budgetUsd: Number(budgetUsd), budgetWindow: 'day' }] }
      : {};
  const config = validateConfig(
    {
      server: { port: 0 },
      storage: { url: `sqlite://${db}`, ...(redis !== undefined ? { redis } : {}) },
      adminKey: 'admin-0123456789',
      logging: { level: 'warn' },
      providers: [{ id: 'oa', kind: 'openai', baseUrl: `${upstream}/v1`, apiKey: 'sk-upstream' }],
      models: [
        {
          name: 'bench',
          provider: 'oa',
          model: 'gpt-4o-mini',
          prices: { inputMtok: 0.15, outputMtok: 0.6, cacheReadMtok: 0.075 },
        },
      ],
      keys: [{ name: 'bench', key: BENCH_KEY }],
      ...extra,
      ...shared,
    },
    {},
  );
  const running = await startGateway(config, {
    logger: createLogger('warn'),
    defaultMetrics: true,
    ...(process.env.COSTWISE_BENCH_REDIS_PREFIX
      ? { redisPrefix: process.env.COSTWISE_BENCH_REDIS_PREFIX }
      : {}),
  });
  console.log(JSON.stringify({ benchPort: running.port }));
  // SIGUSR2: print and reset the gateway's event-loop delay and GC pauses since the last report
  const { monitorEventLoopDelay, PerformanceObserver } = await import('node:perf_hooks');
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  // node:perf_hooks constants.NODE_PERFORMANCE_GC_*: 1 minor (scavenge), 2 major, 4 incremental marking, 8 weak callbacks
  const KINDS = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
  let gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      const kind = KINDS[e.detail?.kind] ?? String(e.detail?.kind);
      const k = (gc.byKind[kind] ??= { count: 0, maxMs: 0 });
      k.count += 1;
      k.maxMs = Math.round(Math.max(k.maxMs, e.duration) * 10) / 10;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const loopStats = { p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max) };
    console.log(JSON.stringify({ benchStats: { loop: loopStats, gc, stalls: probe?.take() ?? [] } }));
    loop.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
  });
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Spawns `node [nodeFlags] bench-gateway.mjs <args>` and waits for the {"port"} line. */
export function child(args, nodeFlags = []) {
  const proc = spawn(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let resolved = false;
    const waiters = [];
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{"benchStats"')) waiters.shift()?.(JSON.parse(line).benchStats);
        // anything else a child prints (say under --gateway-node-flags --trace-gc) goes to stderr
        else if (!line.startsWith('{"benchPort"')) process.stderr.write(`${line}\n`);
        else if (!resolved && line.startsWith('{"benchPort"')) {
          resolved = true;
          /** The gateway child's event-loop delay and GC pauses since the last call. */
          const stats = () =>
            new Promise((r) => {
              waiters.push(r);
              proc.kill('SIGUSR2');
            });
          resolve({ proc, port: JSON.parse(line).benchPort, stats });
        }
      }
    });
    proc.on('exit', (code) => reject(new Error(`child ${args[0]} exited with ${code}`)));
  });
}

const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say OK' }] });
/** A distinct prompt per request, to the complexity route: every request routes, reserves and misses the cache. */
const FEATURE_BODY = (i) =>
  JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: `Say OK (${i})` }] });
const STREAM_BODY = JSON.stringify({
  model: 'bench',
  messages: [{ role: 'user', content: 'Say OK' }],
  stream: true,
});

function once(agent, port, path, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${BENCH_KEY}`,
        },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', (error) => resolve(error.code ?? 'connection error'));
    req.end(body);
  });
}

/** Open-loop constant-rate load; latency from each request's due time to its last byte. */
export async function load(port, path, body, rate, seconds, pacing = PACING) {
  // idle sockets close after 4 s, before the server's keep-alive time-out (Node's default, 5 s) can
  // close one just as a request reuses it (ECONNRESET: 53 in a 600 s soak on 2026-11-27 without
  // this); undici, under fetch and the OpenAI SDK, does the same with its 4 s default
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4000 });
  const total = Math.round(rate * seconds);
  const lat = new Float64Array(total);
  // how late the generator sent each request: its own stalls, which count against whatever it measures
  const lateMs = new Float64Array(total);
  let errors = 0;
  let failed = 0;
  const statuses = {};
  let sent = 0;
  // a count, not an array of the requests' promises: a 600 s soak kept 600,000 of them alive, and the
  // generator's own mark-compact (83 ms at the end of a soak, 2026-11-27) then delayed its measurements
  let inFlight = 0;
  let allDone = () => {};
  const done = new Promise((resolve) => (allDone = resolve));
  const t0 = performance.now() + 50;
  const startEpochMs = performance.timeOrigin + t0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + (sent * 1000) / rate <= now) {
        const i = sent++;
        const due = t0 + (i * 1000) / rate;
        lateMs[i] = now - due;
        inFlight += 1;
        void once(agent, port, path, typeof body === 'function' ? body(i) : body).then((status) => {
          lat[i] = performance.now() - due;
          if (status !== 200) {
            errors++;
            if (typeof status === 'string') failed++;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
          inFlight -= 1;
          if (inFlight === 0 && sent >= total) allDone();
        });
      }
      if (sent >= total) return resolve();
      if (pacing === 'spin') return setImmediate(tick);
      // sleep until the next request is due: a generator that spins takes a whole core from the two
      // that the gateway and the upstream share. Timers fire up to ~1 ms late; a request's latency
      // still counts from when it was due, so lateness shows in direct and gateway runs alike.
      const wait = t0 + (sent * 1000) / rate - performance.now();
      if (wait <= 0) setImmediate(tick);
      else setTimeout(tick, wait);
    };
    setImmediate(tick);
  });
  if (inFlight > 0) await done;
  const endEpochMs = Date.now();
  agent.destroy();
  const latency = quantiles(lat);
  const late = quantiles(lateMs);
  return {
    requests: total,
    errors,
    failed,
    statuses,
    p50: latency.p50,
    p99: latency.p99,
    latenciesMs: lat,
    sentLateP99Ms: late.p99,
    sentLateMaxMs: late.max,
    window: [startEpochMs, endEpochMs],
  };
}

function quantiles(values) {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * The gateway's own view of the requests since `sinceMs` (epoch ms), from its ledger: latency from the
 * handler's start to the response (the stream's last event), and that less the upstream's time.
 */
async function ledgerView(db, sinceMs) {
  // the SQLite store inserts its pending rows every 25 ms
  await new Promise((r) => setTimeout(r, 100));
  const { default: Database } = await import('better-sqlite3');
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = conn
      .prepare(
        'SELECT latency_ms AS total, upstream_ms AS upstream FROM costwise_requests WHERE time_ms >= ?',
      )
      .all(sinceMs);
    return {
      rows: rows.length,
      total: quantiles(rows.map((r) => r.total)),
      own: quantiles(rows.map((r) => r.total - (r.upstream ?? 0))),
    };
  } finally {
    conn.close();
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time the hypervisor gave to other guests (steal, all CPUs), in milliseconds (Linux /proc/stat). */
function stealMs() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  return Number(fields[8] ?? 0) * 10;
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(argv) {
  const flag = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const rate = flag('--rate', 1000);
  const seconds = flag('--seconds', 20);
  const soak = flag('--soak', 0);
  const features = argv.includes('--features');
  const pacingAt = argv.indexOf('--pacing');
  if (pacingAt >= 0) PACING = argv[pacingAt + 1];
  if (PACING !== 'timer' && PACING !== 'spin') throw new Error('--pacing must be timer or spin');
  // e.g. --gateway-node-flags "--max-semi-space-size=64" to try V8 heap settings on the gateway alone
  const flagsAt = argv.indexOf('--gateway-node-flags');
  const nodeFlags = flagsAt >= 0 ? (argv[flagsAt + 1] ?? '').split(' ').filter(Boolean) : [];
  if (argv.includes('--stalls')) {
    process.env.COSTWISE_BENCH_STALLS = '1';
    probe ??= startStallProbe();
  }
  const dir = mkdtempSync(join(tmpdir(), 'costwise-bench-'));
  const upstream = await child(['upstream']);
  const dbPath = join(dir, 'bench.db');
  const gateway = await child(['gateway', `http://127.0.0.1:${upstream.port}`, dbPath], nodeFlags);
  const withFloor = !argv.includes('--no-floor') && !features;
  const floor = withFloor ? await child(['floor', `http://127.0.0.1:${upstream.port}`]) : null;
  const fmt = (x) => x.toFixed(3).padStart(8);
  /** --stalls: each process's event-loop gaps over 12 ms during a run, and where the time went. */
  const stalls = {
    reset: async () => {
      if (probe === null) return;
      probe.take();
      await Promise.all([upstream.stats(), gateway.stats(), floor?.stats()]);
    },
    /** Prints the stalls inside the run's window (from its first due time to its last response). */
    print: async (run, [from, to], gatewayStalls) => {
      if (probe === null) return;
      const [up, gw, fl] = await Promise.all([
        upstream.stats(),
        gatewayStalls === undefined ? gateway.stats() : { stalls: gatewayStalls },
        run.endsWith('floor') ? floor?.stats() : undefined,
      ]);
      // inside the window: a stall that runs past its end is the generator's own sorting of the results
      const during = (list) => formatStalls(list.filter((x) => x.startEpochMs >= from && x.endEpochMs <= to));
      console.log(`${''.padEnd(14)} stalls during ${run}: load generator ${during(probe.take())}`);
      console.log(`${''.padEnd(14)}   upstream ${during(up.stalls)}`);
      if (run.endsWith('floor')) console.log(`${''.padEnd(14)}   floor ${during(fl?.stalls ?? [])}`);
      if (run.endsWith('gateway')) console.log(`${''.padEnd(14)}   gateway ${during(gw.stalls)}`);
    },
  };
  if (features) {
    const featured = await child(
      ['gateway', `http://127.0.0.1:${upstream.port}`, join(dir, 'bench-features.db'), 'features'],
      nodeFlags,
    );
    try {
      console.log(
        `open-loop ${rate} req/s for ${seconds} s per run, non-streaming; part-1 gateway vs budgets + complexity route + response cache (misses)`,
      );
      await load(upstream.port, '/v1/chat/completions', BODY, rate, 2);
      await load(gateway.port, '/v1/chat/completions', BODY, rate, 2);
      await load(featured.port, '/v1/chat/completions', FEATURE_BODY, rate, 2);
      const direct = await load(upstream.port, '/v1/chat/completions', FEATURE_BODY, rate, seconds);
      // features first, then part 1, then features again: drift in the machine's load shows as a gap
      const feat = await load(featured.port, '/v1/chat/completions', FEATURE_BODY, rate, seconds);
      const plain = await load(gateway.port, '/v1/chat/completions', BODY, rate, seconds);
      const feat2 = await load(featured.port, '/v1/chat/completions', FEATURE_BODY, rate, seconds);
      for (const [label, r] of [
        ['part 2 features', feat],
        ['part 1', plain],
        ['features again', feat2],
      ])
        console.log(
          `${label.padEnd(16)} direct p50 ${fmt(direct.p50)} ms p99 ${fmt(direct.p99)} ms | gateway p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms | added p50 ${fmt(r.p50 - direct.p50)} ms p99 ${fmt(r.p99 - direct.p99)} ms | errors ${r.errors}`,
        );
      console.log(
        `features over part 1: p50 ${fmt(feat.p50 - plain.p50)} ms p99 ${fmt(feat.p99 - plain.p99)} ms`,
      );
    } finally {
      featured.proc.kill('SIGTERM');
      gateway.proc.kill('SIGTERM');
      upstream.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  try {
    console.log(
      `open-loop ${rate} req/s for ${seconds} s per run; 3 processes (fake upstream, gateway, load generator); ledger SQLite WAL, auth and metrics on`,
    );
    // warm-up: JIT, connection pools, SQLite pages
    await load(upstream.port, '/v1/chat/completions', BODY, rate, 2);
    await load(gateway.port, '/v1/chat/completions', BODY, rate, 2);
    const results = [];
    for (const [label, body] of [
      ['non-streaming', BODY],
      ['streaming', STREAM_BODY],
    ]) {
      // each measured run follows 2 s of the same load on the same target: a gateway left idle for the
      // 20 s of the direct run started its run with up to a second of slow requests (clusters of 20-50
      // requests over 5 ms at 0-0.7 s in per-request series, 2026-11-27), a transient that is not the
      // steady constant rate measured here
      await load(upstream.port, '/v1/chat/completions', body, rate, 2);
      await stalls.reset();
      const direct = await load(upstream.port, '/v1/chat/completions', body, rate, seconds);
      await stalls.print(`${label} direct`, direct.window);
      if (floor !== null) {
        await load(floor.port, '/v1/chat/completions', body, rate, 2);
        await stalls.reset();
        const floorCpuBefore = cpuMs(floor.proc.pid);
        const bare = await load(floor.port, '/v1/chat/completions', body, rate, seconds);
        const floorCpu = (cpuMs(floor.proc.pid) - floorCpuBefore) / bare.requests;
        console.log(
          `${label.padEnd(14)} direct p50 ${fmt(direct.p50)} ms p99 ${fmt(direct.p99)} ms | bare Node proxy p50 ${fmt(bare.p50)} ms p99 ${fmt(bare.p99)} ms | added p50 ${fmt(bare.p50 - direct.p50)} ms p99 ${fmt(bare.p99 - direct.p99)} ms | errors ${bare.errors} | proxy CPU ${floorCpu.toFixed(3)} ms/request (the floor)`,
        );
        await stalls.print(`${label} floor`, bare.window);
      }
      await load(gateway.port, '/v1/chat/completions', body, rate, 2);
      await stalls.reset();
      await gateway.stats();
      const cpuBefore = cpuMs(gateway.proc.pid);
      const generatorBefore = process.cpuUsage();
      const stealBefore = stealMs();
      const sinceMs = Date.now();
      const via = await load(gateway.port, '/v1/chat/completions', body, rate, seconds);
      const cpuPerRequest = (cpuMs(gateway.proc.pid) - cpuBefore) / via.requests;
      const generator = process.cpuUsage(generatorBefore);
      const generatorPerRequest = (generator.user + generator.system) / 1000 / via.requests;
      const inside = await gateway.stats();
      const steal = stealMs() - stealBefore;
      results.push({ label, direct, via });
      console.log(
        `${label.padEnd(14)} direct p50 ${fmt(direct.p50)} ms p99 ${fmt(direct.p99)} ms | gateway p50 ${fmt(via.p50)} ms p99 ${fmt(via.p99)} ms | added p50 ${fmt(via.p50 - direct.p50)} ms p99 ${fmt(via.p99 - direct.p99)} ms | errors ${direct.errors}/${via.errors}${via.errors > 0 ? ` (gateway: ${JSON.stringify(via.statuses)})` : ''} | gateway CPU ${cpuPerRequest.toFixed(3)} ms/request`,
      );
      console.log(
        `${''.padEnd(14)} gateway event-loop delay p50 ${inside.loop.p50Ms} ms p99 ${inside.loop.p99Ms} ms max ${inside.loop.maxMs} ms | GC ${inside.gc.count} pauses, ${inside.gc.totalMs.toFixed(0)} ms in all, longest ${inside.gc.maxMs.toFixed(1)} ms (${Object.entries(
          inside.gc.byKind,
        )
          .map(([k, v]) => `${k} ${v.count}, longest ${v.maxMs} ms`)
          .join(
            '; ',
          )}) | load generator CPU ${generatorPerRequest.toFixed(3)} ms/request (${PACING} pacing) | CPU stolen by the hypervisor ${steal} ms`,
      );
      const own = await ledgerView(dbPath, sinceMs);
      console.log(
        `${''.padEnd(14)} in the gateway (its ledger, ${own.rows} rows): latency p50 ${fmt(own.total.p50)} ms p99 ${fmt(own.total.p99)} ms max ${fmt(own.total.max)} ms, less upstream p50 ${fmt(own.own.p50)} ms p99 ${fmt(own.own.p99)} ms | load generator sent late p99 ${fmt(via.sentLateP99Ms)} ms max ${fmt(via.sentLateMaxMs)} ms (direct run: p99 ${fmt(direct.sentLateP99Ms)} max ${fmt(direct.sentLateMaxMs)})`,
      );
      await stalls.print(`${label} gateway`, via.window, inside.stalls);
    }
    if (soak > 0) {
      await stalls.reset();
      await gateway.stats();
      const stealBefore = stealMs();
      const soakSinceMs = Date.now();
      const r = await load(gateway.port, '/v1/chat/completions', BODY, rate, soak);
      const inside = await gateway.stats();
      const steal = stealMs() - stealBefore;
      console.log(
        `soak ${soak} s through the gateway: p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms errors ${r.errors} (${r.failed} failed connections; by status or error code: ${JSON.stringify(r.statuses)}) | event-loop delay p99 ${inside.loop.p99Ms} ms max ${inside.loop.maxMs} ms | GC ${inside.gc.count} pauses, longest ${inside.gc.maxMs.toFixed(1)} ms | CPU stolen by the hypervisor ${steal} ms`,
      );
      const own = await ledgerView(dbPath, soakSinceMs);
      console.log(
        `${''.padEnd(14)} in the gateway (its ledger, ${own.rows} rows): latency p50 ${fmt(own.total.p50)} ms p99 ${fmt(own.total.p99)} ms max ${fmt(own.total.max)} ms, less upstream p50 ${fmt(own.own.p50)} ms p99 ${fmt(own.own.p99)} ms | load generator sent late p99 ${fmt(r.sentLateP99Ms)} ms max ${fmt(r.sentLateMaxMs)} ms`,
      );
      await stalls.print('soak gateway', r.window, inside.stalls);
    }
    console.log(
      `gateway RSS after the runs${soak > 0 ? ` and a ${soak} s soak` : ''}: ${rssMiB(gateway.proc.pid).toFixed(1)} MiB`,
    );
    const metrics = await new Promise((resolve) => {
      http.get({ host: '127.0.0.1', port: gateway.port, path: '/metrics' }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      });
    });
    const count = /costwise_gateway_overhead_seconds_count\{stream="false"\} (\d+)/.exec(metrics)?.[1];
    const sum = /costwise_gateway_overhead_seconds_sum\{stream="false"\} ([\d.e-]+)/.exec(metrics)?.[1];
    if (count && sum)
      console.log(
        `self-reported overhead (non-streaming, mean over ${count}): ${((Number(sum) / Number(count)) * 1000).toFixed(3)} ms`,
      );
  } finally {
    gateway.proc.kill('SIGTERM');
    upstream.proc.kill('SIGTERM');
    floor?.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'upstream') serveUpstream();
else if (mode === 'floor') serveFloor(rest[0]);
else if (mode === 'gateway') await serveGateway(rest[0], rest[1], rest[2] === 'features');
else if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
