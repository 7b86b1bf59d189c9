import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createLogger, type Gateway } from '../gateway.js';
import { loadFixtures, startFakeUpstream, type FakeUpstream } from '../_test-fake-upstream.js';
import { ADMIN_KEY, TEAM_KEY, testConfig } from '../_test-gateway-setup.js';

let fake: FakeUpstream;
let gw: Gateway;
let slow: FakeUpstream;
let slowGw: Gateway;

beforeAll(async () => {
  const fixtures = loadFixtures();
  fake = await startFakeUpstream(fixtures);
  gw = await createGateway(
    testConfig(fake.url, fixtures, {
      server: { maxBodyBytes: 4096 },
      routes: [
        {
          name: 'any-shape',
          strategy: 'fallback',
          targets: ['anthropic-messages-cache-write-and-read', 'openai-chat-gpt56-cache-read'],
          backoffMs: 1,
        },
      ],
    }),
    {
      logger: createLogger('silent'),
    },
  );
  slow = await startFakeUpstream(fixtures, { delayMs: 300 });
  const slowConfig = testConfig(slow.url, fixtures);
  slowGw = await createGateway(
    { ...slowConfig, providers: slowConfig.providers.map((p) => ({ ...p, firstByteTimeoutMs: 50 })) },
    { logger: createLogger('silent') },
  );
});
afterAll(async () => {
  await gw.close();
  await slowGw.close();
  await fake.close();
  await slow.close();
});

const post = (
  g: Gateway,
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TEAM_KEY}` },
): Promise<Response> =>
  Promise.resolve(
    g.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );

const chat = { model: 'openai-chat-gpt56-cache-read', messages: [{ role: 'user', content: 'hi' }] };
const msg = {
  model: 'anthropic-messages-cache-write-and-read',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
};

describe('errors in the client API shape', () => {
  it.each([
    // path, body, headers, status, OpenAI error.type or Anthropic error.type
    ['/v1/chat/completions', chat, {}, 401, 'authentication_error'],
    ['/v1/messages', msg, { 'x-api-key': 'wrong-wrong-wrong' }, 401, 'authentication_error'],
    [
      '/v1/chat/completions',
      '{"model":',
      { authorization: `Bearer ${TEAM_KEY}` },
      400,
      'invalid_request_error',
    ],
    ['/v1/messages', '{"model":', { 'x-api-key': TEAM_KEY }, 400, 'invalid_request_error'],
    [
      '/v1/chat/completions',
      { ...chat, model: 'nope' },
      { authorization: `Bearer ${TEAM_KEY}` },
      404,
      'invalid_request_error',
    ],
    [
      '/v1/messages',
      { ...msg, model: 'nope' },
      { authorization: `Bearer ${TEAM_KEY}` },
      404,
      'not_found_error',
    ],
    [
      '/v1/messages',
      { ...msg, max_tokens: undefined },
      { 'x-api-key': TEAM_KEY },
      400,
      'invalid_request_error',
    ],
    [
      '/v1/chat/completions',
      { ...chat, pad: 'x'.repeat(5000) },
      { authorization: `Bearer ${TEAM_KEY}` },
      413,
      'invalid_request_error',
    ],
    ['/v1/messages', { ...msg, pad: 'x'.repeat(5000) }, { 'x-api-key': TEAM_KEY }, 413, 'request_too_large'],
  ])('POST %s → %i', async (path, body, headers, status, type) => {
    const res = await post(gw, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-costwise-request-id')).toMatch(
      /^cw-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ); // a UUIDv7
    const json = (await res.json()) as { type?: string; error: { type: string; message: string } };
    expect(json.error.type).toBe(type);
    if (path === '/v1/messages') expect(json.type).toBe('error');
  });

  it('names the invalid field', async () => {
    const res = await post(gw, '/v1/chat/completions', { model: 'x', messages: [] });
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^messages: /);
  });

  it('rejections after authentication are in the ledger without cost; unauthenticated ones are not', async () => {
    const before = (await gw.context.store.recent(10_000)).length;
    const bad = await post(gw, '/v1/chat/completions', '{');
    await post(gw, '/v1/chat/completions', chat, {});
    const rows = await gw.context.store.recent(10_000);
    expect(rows.length).toBe(before + 1);
    const row = rows.find((r) => r.id === bad.headers.get('x-costwise-request-id'));
    expect(row).toMatchObject({ status: 400, costNanoUsd: null, key: 'team-a' });
  });

  it('an upstream error keeps its status; a slow upstream times out with 504', async () => {
    const limited = await post(gw, '/v1/chat/completions', { ...chat, model: 'openai-error-rate-limit' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    const translated = await post(gw, '/v1/messages', { ...msg, model: 'openai-error-rate-limit' });
    expect(translated.status).toBe(429);
    expect(await translated.json()).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringMatching(/^Rate limit/) as unknown },
    });
    const res = await post(slowGw, '/v1/messages', msg, { 'x-api-key': TEAM_KEY });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('timeout_error');
  });
});

describe('a request the translation cannot carry', () => {
  it.each([
    [
      '/v1/chat/completions',
      { ...chat, model: 'anthropic-messages-cache-write-and-read', n: 3 },
      'n: 3 choices are not available from an Anthropic model',
      'invalid_request_error',
    ],
    [
      '/v1/chat/completions',
      { ...chat, model: 'anthropic-messages-cache-write-and-read', logprobs: true },
      'logprobs: Anthropic models return no log-probabilities',
      'invalid_request_error',
    ],
    [
      '/v1/chat/completions',
      { ...chat, model: 'anthropic-messages-cache-write-and-read', reasoning_effort: 'high' },
      'reasoning_effort: has no Anthropic counterpart',
      'invalid_request_error',
    ],
    [
      '/v1/messages',
      { ...msg, model: 'openai-chat-gpt56-cache-read', thinking: { type: 'enabled', budget_tokens: 1024 } },
      'thinking: extended thinking has no counterpart on an OpenAI-shaped upstream',
      'invalid_request_error',
    ],
  ])('%s %j: 400 naming the field, and no upstream call', async (path, body, message, type) => {
    const before = fake.requests.length;
    const r = await post(gw, path, body);
    expect(r.status).toBe(400);
    const j = (await r.json()) as { error: { message: string; type: string } };
    expect(j.error.type).toBe(type);
    expect(j.error.message).toContain(message);
    expect(fake.requests.length).toBe(before);
  });

  it('a fallback route skips the target that cannot carry it (no breaker, no call) and answers from the next', async () => {
    const before = fake.requests.length;
    const r = await post(gw, '/v1/chat/completions', { ...chat, model: 'any-shape', n: 2 });
    expect(r.status).toBe(200);
    expect(fake.requests.length).toBe(before + 1);
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'openai-chat-gpt56-cache-read', n: 2 });
    await gw.context.writer.flush();
    const row = (await gw.context.store.recent(1))[0];
    expect(row?.reason).toContain('anthropic-messages-cache-write-and-read: n: 2 choices are not available');
    expect(row?.decision).toBe('fallback:openai-chat-gpt56-cache-read');
    // the prompt-cache hit rate per route and model: /admin/usage?groupBy=route-upstream
    const usage = await gw.app.request('/admin/usage?groupBy=route-upstream', {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const groups = (await usage.json()) as {
      rows: { group: string; requests: number; inputTokens: number; cacheReadTokens: number }[];
    };
    const pair = groups.rows.find((g) => g.group === 'any-shape → oa:openai-chat-gpt56-cache-read');
    expect(pair?.requests).toBe(1);
    // the fixture's usage: cached tokens are part of the input (core's canonical record)
    const fixture = loadFixtures().get('openai-chat-gpt56-cache-read') as
      { expectedCanonical: { inputTokens: number; cacheReadTokens: number } } | undefined;
    const fx = fixture?.expectedCanonical;
    expect(pair?.inputTokens).toBe(fx?.inputTokens);
    expect(pair?.cacheReadTokens).toBe(fx?.cacheReadTokens);
    expect(fx?.cacheReadTokens).toBeGreaterThan(0);
  });

  it('the same fields in the native shape go through untouched', async () => {
    const r = await post(gw, '/v1/chat/completions', { ...chat, n: 2, logprobs: true });
    expect(r.status).toBe(200);
    expect(fake.requests.at(-1)?.body).toMatchObject({ n: 2, logprobs: true });
  });
});

describe('streams', () => {
  it('an upstream error event reaches the client once, after the cost comment of the usage so far', async () => {
    const res = await post(gw, '/v1/messages', {
      ...msg,
      model: 'anthropic-stream-midstream-error',
      stream: true,
    });
    const text = await res.text();
    expect(text.match(/event: error/g)).toHaveLength(1);
    const events = text.trimEnd().split('\n\n');
    expect(events.at(-2)).toBe(': costwise-cost-usd=0.000375'); // 120 × 3 + 1 × 15 = 375 µ$
    expect(events.at(-1)).toMatch(/^event: error\ndata: .*Overloaded/);
  });

  it('ends with the cost comment line before the last event (OpenAI: [DONE])', async () => {
    const res = await post(gw, '/v1/chat/completions', {
      ...chat,
      model: 'openai-chat-stream-include-usage',
      stream: true,
    });
    const text = await res.text();
    const events = text.trimEnd().split('\n\n');
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.at(-2)).toBe(': costwise-cost-usd=0.0000975');
    expect(text).not.toContain('"usage"');
  });

  it('ends with the cost comment line before message_stop (Anthropic)', async () => {
    const res = await post(gw, '/v1/messages', { ...msg, model: 'anthropic-stream-basic', stream: true });
    const events = (await res.text()).trimEnd().split('\n\n');
    expect(events.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}');
    expect(events.at(-2)).toBe(': costwise-cost-usd=0.000135');
  });
});

describe('metrics, models, health and admin', () => {
  it('a model without a price: cost recorded as unknown (null), never 0, with a metric', async () => {
    const res = await post(gw, '/v1/chat/completions', { ...chat, model: 'unpriced' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-costwise-cost-usd')).toBe('unknown');
    const row = (await gw.context.store.recent(10_000)).find(
      (r) => r.id === res.headers.get('x-costwise-request-id'),
    );
    expect(row?.costNanoUsd).toBeNull();
    expect(row?.usage.inputTokens).toBeGreaterThan(0);
    const text = await (await gw.app.request('/metrics')).text();
    expect(text).toMatch(/costwise_cost_unknown_total\{model="unpriced",provider="oa"\} 1/);
  });

  it('exports GenAI and costwise metrics, and a cost that cannot be computed as unknown', async () => {
    await post(gw, '/v1/chat/completions', chat);
    const res = await gw.app.request('/metrics');
    const text = await res.text();
    expect(text).toContain('gen_ai_client_token_usage_bucket');
    expect(text).toContain('gen_ai_client_operation_duration_seconds_bucket');
    expect(text).toContain('costwise_gateway_overhead_seconds_bucket');
    expect(text).toMatch(
      /costwise_tokens_total\{model="openai-chat-gpt56-cache-read",provider="oa",kind="cache_read"\} \d+/,
    );
  });

  it('healthz answers without a key', async () => {
    const res = await gw.app.request('/healthz');
    expect(await res.json()).toMatchObject({ status: 'ok', ledger: 'sqlite' });
  });

  it('admin API needs the admin key and validates its query', async () => {
    expect((await gw.app.request('/admin/usage')).status).toBe(401);
    expect(
      (await gw.app.request('/admin/usage', { headers: { authorization: `Bearer ${TEAM_KEY}` } })).status,
    ).toBe(401);
    const bad = await gw.app.request('/admin/usage?groupBy=colour', {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(bad.status).toBe(400);
    const res = await gw.app.request('/admin/requests?limit=2', {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const body = (await res.json()) as { rows: Record<string, unknown>[] };
    expect(body.rows).toHaveLength(2);
    expect(Object.keys(body.rows[0] ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'time',
        'key',
        'requestedModel',
        'route',
        'decision',
        'provider',
        'upstreamModel',
        'inputTokens',
        'cacheReadTokens',
        'cacheWrite5mTokens',
        'cacheWrite1hTokens',
        'outputTokens',
        'reasoningTokens',
        'costUsd',
        'latencyMs',
        'ttftMs',
        'status',
        'error',
        'cache',
      ]),
    );
  });
});
