import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteLedgerStore } from './ledger/index.js';

// Two gateway processes (scripts/bench-gateway.mjs gateway, from the build) share one budget in Redis.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const script = join(root, 'scripts/bench-gateway.mjs');
const REDIS_URL = process.env['COSTWISE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const KEY = 'sk-bench-0123456789';
const prefix = `costwise-test-${randomUUID()}:`;
const dir = mkdtempSync(join(tmpdir(), 'costwise-2proc-'));
const children: ChildProcess[] = [];

// The bench upstream answers this fixture; the bench model's prices are $0.15 input, $0.075 cache
// read, $0.6 output per MTok, i.e. 150, 75 and 600 nano-USD per token (reasoning billed as output).
const fixture = JSON.parse(
  readFileSync(
    join(root, 'packages/core/src/pricing/__fixtures__/usage/openai-chat-gpt56-cache-read.json'),
    'utf8',
  ),
) as { expectedCanonical: { inputTokens: number; cacheReadTokens: number; outputTokens: number } };
const u = fixture.expectedCanonical;
const COST_NANO = (u.inputTokens - u.cacheReadTokens) * 150 + u.cacheReadTokens * 75 + u.outputTokens * 600;
const BUDGET_NANO = 20 * COST_NANO;
// The reservation bounds input tokens by the body's bytes and output by max_tokens: the request must be
// at least as long as the recorded response says (4,020 input, 4 output tokens) for the bound to hold.
const BODY = JSON.stringify({
  model: 'bench',
  max_tokens: 64,
  messages: [{ role: 'user', content: `Say OK ${'x'.repeat(u.inputTokens)}` }],
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function start(args: string[], env: Record<string, string> = {}): Promise<number> {
  const proc = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"benchPort"'));
      if (line) resolve((JSON.parse(line) as { benchPort: number }).benchPort);
    });
    proc.on('exit', (code) => {
      reject(new Error(`${args[0] ?? ''} exited with ${String(code)}`));
    });
  });
}

describe('budgets across processes', () => {
  it(
    'two gateway processes sharing Redis: 200 concurrent requests never settle more than the budget',
    { timeout: 240_000 },
    async () => {
      execFileSync(
        process.execPath,
        [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core', 'packages/gateway'],
        { cwd: root, stdio: 'inherit' },
      );
      const upstream = await start(['upstream']);
      const env = {
        COSTWISE_BENCH_BUDGET_USD: String(BUDGET_NANO / 1e9),
        COSTWISE_BENCH_REDIS: REDIS_URL,
        COSTWISE_BENCH_REDIS_PREFIX: prefix,
      };
      const dbs = [join(dir, 'a.db'), join(dir, 'b.db')];
      const ports = await Promise.all(
        dbs.map((db) => start(['gateway', `http://127.0.0.1:${String(upstream)}`, db], env)),
      );
      const post = async (port: number): Promise<number> => {
        const r = await fetch(`http://127.0.0.1:${String(port)}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: BODY,
        });
        await r.text();
        return r.status;
      };
      const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => post(ports[i % 2] ?? 0)));
      const ok = statuses.filter((s) => s === 200).length;
      expect(ok).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 429)).toHaveLength(200 - ok);
      // then sequentially, alternating, until the shared budget refuses
      for (let i = 0; (await post(ports[i % 2] ?? 0)) === 200; i++);
      let settled = 0;
      let rows = 0;
      for (const db of dbs) {
        const store = await openSqliteLedgerStore(db);
        for (const r of await store.recent(10_000)) {
          settled += r.costNanoUsd ?? 0;
          if (r.status === 200) {
            rows++;
            expect(r.costNanoUsd).toBe(COST_NANO);
          }
        }
        await store.close();
      }
      expect(rows).toBeGreaterThanOrEqual(ok);
      expect(settled).toBeLessThanOrEqual(BUDGET_NANO);
      expect(settled).toBeGreaterThan(BUDGET_NANO / 2);
    },
  );
});
