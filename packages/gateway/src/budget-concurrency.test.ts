import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './gateway.js';
import { loadFixtures, startFakeUpstream, type FakeUpstream } from './_test-fake-upstream.js';
import { ADMIN_KEY, testConfig } from './_test-gateway-setup.js';
import { startGateway, type RunningGateway } from './server.js';

const REDIS_URL = process.env['COSTWISE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const KEY = 'sk-cw-budgeted-0123456789';
const MODEL = 'openai-chat-gpt4o-plain';
// The fixture's usage (65 input, 1 output token) at the tests' OpenAI prices ($1.25 / $10 per MTok):
// 65 × 1,250 + 1 × 10,000 = 91,250 nano-USD per request.
const COST_NANO = 91_250;
/** A budget that allows exactly 20 requests at their real cost. */
const BUDGET_NANO = 20 * COST_NANO;
const BODY = JSON.stringify({ model: MODEL, max_tokens: 1, messages: [{ role: 'user', content: 'Say OK' }] });
// Worst case reserved per request: body bytes at the dearest input rate ($1.5625/MTok cache write) + 1 output token.
const WORST_NANO = Math.ceil(Buffer.byteLength(BODY) * 1562.5 + 10_000);

const dir = mkdtempSync(join(tmpdir(), 'costwise-budget-'));
let fake: FakeUpstream;
const gateways: RunningGateway[] = [];

async function gateway(name: string, redisPrefix?: string): Promise<RunningGateway> {
  const fixtures = loadFixtures();
  const config = testConfig(fake.url, fixtures, {
    storage: {
      url: `sqlite://${join(dir, `${name}.db`)}`,
      ...(redisPrefix !== undefined ? { redis: REDIS_URL } : {}),
    },
    keys: [{ name: 'budgeted', key: KEY, budgetUsd: BUDGET_NANO / 1e9, budgetWindow: 'day' }],
  });
  const gw = await startGateway(config, {
    logger: createLogger('silent'),
    ...(redisPrefix !== undefined ? { redisPrefix } : {}),
  });
  gateways.push(gw);
  return gw;
}

async function post(port: number): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`http://127.0.0.1:${String(port)}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: BODY,
  });
  return { status: r.status, body: await r.json() };
}

async function settledNano(
  gws: readonly RunningGateway[],
): Promise<{ nano: number; ok: number; refused: number }> {
  let nano = 0;
  let ok = 0;
  let refused = 0;
  for (const gw of gws) {
    await gw.gateway.context.writer.flush();
    const rows = await gw.gateway.context.store.recent(10_000);
    for (const r of rows) {
      nano += r.costNanoUsd ?? 0;
      if (r.status === 200) ok++;
      if (r.status === 429) refused++;
    }
  }
  return { nano, ok, refused };
}

beforeAll(async () => {
  // every request stays in flight for a while, so that all 200 overlap
  fake = await startFakeUpstream(loadFixtures(), { delayMs: 30 });
});

afterAll(async () => {
  for (const gw of gateways) await gw.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reserve-then-settle budgets under concurrency', () => {
  it('the worst case of this request is above its real cost (so reservations bind)', () => {
    expect(WORST_NANO).toBeGreaterThan(COST_NANO);
  });

  it('a budgeted request without a token cap goes upstream with budgets.defaultMaxTokens (4096), the cap its reservation assumed', async () => {
    // $1: room for the 4,096-token worst case (41 million nano-USD at $10 per MTok)
    const gw = await startGateway(
      testConfig(fake.url, loadFixtures(), {
        storage: { url: `sqlite://${join(dir, 'cap.db')}` },
        keys: [{ name: 'budgeted', key: KEY, budgetUsd: 1, budgetWindow: 'day' }],
      }),
      { logger: createLogger('silent') },
    );
    gateways.push(gw);
    const sent = fake.requests.length;
    const r = await fetch(`http://127.0.0.1:${String(gw.port)}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say OK' }] }),
    });
    expect(r.status).toBe(200);
    await r.text();
    const upstream = fake.requests.slice(sent);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]?.body).toMatchObject({
      max_completion_tokens: 4096,
      messages: [{ role: 'user', content: 'Say OK' }],
    });
  });

  it('one gateway: 200 concurrent requests never settle more than the budget, then it fills up', async () => {
    const gw = await gateway('single');
    const results = await Promise.all(Array.from({ length: 200 }, () => post(gw.port)));
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429);
    expect(ok + refused.length).toBe(200);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(20);
    expect(refused[0]?.body).toMatchObject({
      error: {
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: expect.stringContaining('budget exceeded for key "budgeted"') as string,
      },
    });
    let s = await settledNano([gw]);
    expect(s.nano).toBe(ok * COST_NANO);
    expect(s.nano).toBeLessThanOrEqual(BUDGET_NANO);
    expect(s.refused).toBe(200 - ok);
    // sequentially, the budget fills until less than one worst case is left
    while ((await post(gw.port)).status === 200);
    s = await settledNano([gw]);
    expect(s.nano).toBeLessThanOrEqual(BUDGET_NANO);
    expect(BUDGET_NANO - s.nano).toBeLessThan(WORST_NANO);
    const keys = await fetch(`http://127.0.0.1:${String(gw.port)}/admin/keys`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const row = ((await keys.json()) as { keys: Record<string, unknown>[] }).keys.find(
      (k) => k['name'] === 'budgeted',
    );
    expect(row).toMatchObject({
      id: 'config:budgeted',
      budgetUsd: BUDGET_NANO / 1e9,
      budgetWindow: 'day',
      spentUsd: s.nano / 1e9,
      reservedUsd: 0,
      remainingUsd: (BUDGET_NANO - s.nano) / 1e9,
    });
  });

  it('two gateways sharing Redis: 200 concurrent requests split over both never settle more than the budget', async () => {
    const prefix = `costwise-test-${randomUUID()}:`;
    const a = await gateway('redis-a', prefix);
    const b = await gateway('redis-b', prefix);
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => post(i % 2 === 0 ? a.port : b.port)),
      );
      const ok = results.filter((r) => r.status === 200).length;
      expect(results.filter((r) => r.status === 429)).toHaveLength(200 - ok);
      expect(ok).toBeGreaterThan(0);
      let s = await settledNano([a, b]);
      expect(s.nano).toBe(ok * COST_NANO);
      expect(s.nano).toBeLessThanOrEqual(BUDGET_NANO);
      for (let i = 0; (await post(i % 2 === 0 ? a.port : b.port)).status === 200; i++);
      s = await settledNano([a, b]);
      expect(s.nano).toBeLessThanOrEqual(BUDGET_NANO);
      expect(BUDGET_NANO - s.nano).toBeLessThan(WORST_NANO);
    } finally {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});
