import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEAM_KEY, type Harness } from './_test-gateway-setup.js';
import type { LedgerRow } from './ledger/index.js';

const MODEL = 'openai-chat-gpt4o-plain';
// 65 input + 1 output token at the tests' OpenAI prices ($1.25 / $10 per MTok)
const COST_NANO = 65 * 1250 + 1 * 10_000;

let h: Harness;

async function ask(content: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${h.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEAM_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: MODEL, temperature: 0, messages: [{ role: 'user', content }] }),
  });
  return {
    status: r.status,
    body: await r.text(),
    id: r.headers.get('x-costwise-request-id') ?? '',
    cache: r.headers.get('x-costwise-cache'),
    cost: r.headers.get('x-costwise-cost-usd'),
  };
}

async function rows(ids: readonly string[]): Promise<LedgerRow[]> {
  await h.gw.gateway.context.writer.flush();
  const all = await h.gw.gateway.context.store.recent(10_000);
  return ids.map((id) => {
    const r = all.find((x) => x.id === id);
    if (r === undefined) throw new Error(`no row ${id}`);
    return r;
  });
}

const upstreamCalls = (content: string): number =>
  h.fake.requests.filter((r) => JSON.stringify(r.body).includes(content)).length;

const cacheDir = mkdtempSync(join(tmpdir(), 'costwise-rc-e2e-'));
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

// the same behaviour from every store a single gateway can use
describe.each(['memory', 'sqlite'] as const)('response cache (%s store)', (store) => {
  beforeAll(async () => {
    // each upstream call takes 50 ms, so that concurrent identical requests overlap
    h = await startHarness(
      {
        cache: {
          responses: {
            enabled: true,
            ttlSeconds: 60,
            store,
            ...(store === 'sqlite' ? { path: join(cacheDir, 'responses.db') } : {}),
          },
        },
      },
      { delayMs: 50 },
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('single flight: 50 identical concurrent requests make exactly one upstream call', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => ask('single flight')));
    expect(upstreamCalls('single flight')).toBe(1);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(results.filter((r) => r.cache === 'miss')).toHaveLength(1);
    const ledger = await rows(results.map((r) => r.id));
    const misses = ledger.filter((r) => r.cache === 'miss');
    const hits = ledger.filter((r) => r.cache === 'hit');
    expect(misses).toHaveLength(1);
    expect(misses[0]?.costNanoUsd).toBe(COST_NANO);
    expect(hits).toHaveLength(49);
    for (const r of hits)
      expect(r).toMatchObject({ costNanoUsd: 0, wouldCostNanoUsd: COST_NANO, status: 200 });
  });

  it('a later identical request is a hit that costs 0 and keeps what it would have cost', async () => {
    await ask('later');
    const hit = await ask('later');
    expect(hit).toMatchObject({ cache: 'hit', cost: '0' });
    expect(upstreamCalls('later')).toBe(1);
    expect((await rows([hit.id]))[0]).toMatchObject({
      cache: 'hit',
      costNanoUsd: 0,
      wouldCostNanoUsd: COST_NANO,
    });
  });

  it('cache-control: no-cache goes upstream and is billed', async () => {
    await ask('opt out');
    const r = await ask('opt out', { 'cache-control': 'no-cache' });
    expect(r.cache).toBe('miss');
    expect(upstreamCalls('opt out')).toBe(2);
    expect((await rows([r.id]))[0]?.costNanoUsd).toBe(COST_NANO);
  });

  it('a different sampling parameter or message is a different entry', async () => {
    await ask('variant');
    await ask('variant ');
    expect(upstreamCalls('variant')).toBe(2);
  });
});
