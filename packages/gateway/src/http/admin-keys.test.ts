import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startHarness, TEAM_KEY, type Harness } from '../_test-gateway-setup.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const admin = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${h.base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
  });

const chat = (key: string, model = 'openai-chat-gpt4o-plain', api: 'openai' | 'anthropic' = 'openai') =>
  fetch(`${h.base}${api === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`, {
    method: 'POST',
    headers: api === 'openai' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('admin API: virtual keys', () => {
  it('creates a key that works at once, lists it with its spend, and deletes it', async () => {
    const created = await admin('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({
        name: 'ci',
        budgetUsd: 1,
        budgetWindow: 'month',
        rpm: 2,
        allowedModels: ['openai-chat-gpt4o-plain'],
      }),
    });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect(key).toMatch(/^cw-/);
    expect((await chat(key)).status).toBe(200);
    const list = (await (await admin('/admin/keys')).json()) as { keys: Record<string, unknown>[] };
    expect(list.keys.map((k) => k['name'])).toEqual(['team-a', 'ci']);
    // 65 input + 1 output token at $1.25 / $10 per MTok = $0.00009125
    expect(list.keys[1]).toEqual({
      id,
      name: 'ci',
      source: 'admin',
      budgetUsd: 1,
      budgetWindow: 'month',
      spentUsd: 0.00009125,
      reservedUsd: 0,
      remainingUsd: 1 - 0.00009125,
      rpm: 2,
      tpm: null,
      allowedModels: ['openai-chat-gpt4o-plain'],
    });
    expect(list.keys[0]).toMatchObject({ id: 'config:team-a', budgetUsd: null, remainingUsd: null });
    expect((await admin(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await admin(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await chat(key)).status).toBe(401);
  });

  it('refuses a taken name, a bad window (naming the field), and deleting a config key', async () => {
    const taken = await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'team-a' }) });
    expect(taken.status).toBe(409);
    const bad = await admin('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', budgetWindow: 'week' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^budgetWindow: /);
    expect((await admin('/admin/keys/config:team-a', { method: 'DELETE' })).status).toBe(400);
  });

  it('limits: a model outside allowedModels is 403, the third request in a minute is 429 in the client shape', async () => {
    const { key } = (await (
      await admin('/admin/keys', {
        method: 'POST',
        body: JSON.stringify({
          name: 'limited',
          rpm: 2,
          allowedModels: ['openai-chat-gpt4o-plain', 'anthropic-messages-cache-write-and-read'],
        }),
      })
    ).json()) as { key: string };
    expect((await chat(key, 'unpriced')).status).toBe(403);
    expect((await chat(key)).status).toBe(200);
    expect((await chat(key)).status).toBe(200);
    const third = await chat(key, 'anthropic-messages-cache-write-and-read', 'anthropic');
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'requests-per-minute limit reached for key "limited": 2 of 2 requests this minute',
      },
    });
    await h.gw.gateway.context.writer.flush();
    const [row] = await h.gw.gateway.context.store.recent(1);
    expect(row).toMatchObject({ key: 'limited', status: 429, costNanoUsd: null });
  });

  it('the admin API needs the admin key', async () => {
    const r = await fetch(`${h.base}/admin/keys`, { headers: { authorization: `Bearer ${TEAM_KEY}` } });
    expect(r.status).toBe(401);
  });
});
