import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from './config/index.js';
import { createLogger } from './gateway.js';
import type { LedgerRow } from './ledger/index.js';
import { startGateway, type RunningGateway } from './server.js';

const KEY = 'sk-cw-routes-0123456789';
const PRICES = { inputMtok: 1.25, outputMtok: 10 };
// 'ok' answers with 100 input and 10 output tokens: 100 × 1,250 + 10 × 10,000 = 225,000 nano-USD.
const OK_COST_NANO = 225_000;
const USAGE = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };

const okBody = (model: string): string =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: `answer from ${model}` }, finish_reason: 'stop' },
    ],
    usage: USAGE,
  });

const okStream = (model: string): string =>
  [
    {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model,
      choices: [{ index: 0, delta: { role: 'assistant', content: 'answer' }, finish_reason: null }],
    },
    {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model,
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    },
    { id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: USAGE },
  ]
    .map((e) => `data: ${JSON.stringify(e)}\n\n`)
    .join('') + 'data: [DONE]\n\n';

/** Upstreams that misbehave on purpose; the request's model names the behaviour. */
function startMisbehavingUpstream(): Promise<{
  url: string;
  calls: Map<string, number>;
  closed: Map<string, number>;
  server: Server;
}> {
  const calls = new Map<string, number>();
  const closed = new Map<string, number>();
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { model: string; stream?: boolean };
      const model = body.model;
      calls.set(model, (calls.get(model) ?? 0) + 1);
      if (model.startsWith('fail')) {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":{"message":"overloaded","type":"server_error"}}');
      } else if (model === 'ratelimit') {
        res
          .writeHead(429, { 'content-type': 'application/json' })
          .end('{"error":{"message":"slow down","type":"requests"}}');
      } else if (model === 'stall') {
        // never answers: the gateway's first-byte time-out must cut it
      } else if (model === 'reset') {
        // a body cut off mid-way: headers and half a JSON object, then the connection is reset
        res.writeHead(200, {
          'content-type': body.stream === true ? 'text/event-stream' : 'application/json',
        });
        if (body.stream !== true) res.write(okBody(model).slice(0, 40));
        setTimeout(() => res.socket?.destroy(), 10);
      } else if (model === 'midreset') {
        // a stream cut off after its first content event
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`${okStream(model).split('\n\n')[0] ?? ''}\n\n`);
        setTimeout(() => res.socket?.destroy(), 10);
      } else if (model === 'rolereset') {
        // a stream cut off after a role-only delta: nothing said yet
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
        );
        setTimeout(() => res.socket?.destroy(), 10);
      } else if (model === 'errorfirst') {
        // an in-stream error event before any output (as an overloaded upstream sends)
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify({ error: { message: 'Overloaded', type: 'server_error' } })}\n\n`);
      } else if (model === 'slow') {
        // one content event, then nothing for a long time: the client gives up first
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`${okStream(model).split('\n\n')[0] ?? ''}\n\n`);
        const timer = setTimeout(() => res.end(okStream(model)), 20_000);
        res.on('close', () => {
          clearTimeout(timer);
          closed.set(model, (closed.get(model) ?? 0) + 1);
        });
      } else if (body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(okStream(model));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(okBody(model));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
        calls,
        closed,
        server,
      });
    });
  });
}

const BEHAVIOURS = [
  'ok',
  'ok2',
  'fail',
  'fail2',
  'ratelimit',
  'stall',
  'reset',
  'midreset',
  'rolereset',
  'errorfirst',
  'slow',
] as const;

let up: Awaited<ReturnType<typeof startMisbehavingUpstream>>;
let gw: RunningGateway;
const dir = mkdtempSync(join(tmpdir(), 'costwise-routes-'));

beforeAll(async () => {
  up = await startMisbehavingUpstream();
  const config = validateConfig(
    {
      server: { port: 0 },
      storage: { url: `sqlite://${join(dir, 'routes.db')}` },
      circuitBreaker: { failures: 3, cooldownMs: 60_000 },
      // one provider per behaviour, so that each has its own circuit breaker
      providers: BEHAVIOURS.map((b) => ({
        id: `p-${b}`,
        kind: 'openai',
        baseUrl: `${up.url}/v1`,
        apiKey: 'sk-upstream',
        firstByteTimeoutMs: 300,
        timeoutMs: 2000,
      })),
      models: [
        ...BEHAVIOURS.map((b) => ({ name: b, provider: `p-${b}`, model: b, prices: PRICES })),
        {
          name: 'cheap-short',
          provider: 'p-ok2',
          model: 'ok2',
          prices: { inputMtok: 0.1, outputMtok: 0.4 },
          contextTokens: 50,
        },
      ],
      routes: [
        { name: 'after-fail', strategy: 'fallback', targets: ['fail', 'ok'], backoffMs: 1 },
        { name: 'after-stall', strategy: 'fallback', targets: ['stall', 'ok'], backoffMs: 1 },
        { name: 'after-reset', strategy: 'fallback', targets: ['reset', 'ok'], backoffMs: 1 },
        {
          name: 'gauntlet',
          strategy: 'fallback',
          targets: ['ratelimit', 'stall', 'reset', 'ok'],
          backoffMs: 1,
        },
        { name: 'after-midreset', strategy: 'fallback', targets: ['midreset', 'ok'], backoffMs: 1 },
        { name: 'after-rolereset', strategy: 'fallback', targets: ['rolereset', 'ok'], backoffMs: 1 },
        { name: 'after-errorfirst', strategy: 'fallback', targets: ['errorfirst', 'ok'], backoffMs: 1 },
        { name: 'all-fail', strategy: 'fallback', targets: ['fail2', 'fail2'], backoffMs: 1 },
        { name: 'cheapest', strategy: 'cheapest', candidates: ['ok', 'cheap-short'] },
        { name: 'always-weak', strategy: 'complexity', weak: 'ok2', strong: 'ok', threshold: 2 },
        { name: 'always-strong', strategy: 'complexity', weak: 'ok2', strong: 'ok', threshold: -2 },
        { name: 'auto', strategy: 'complexity', weak: 'ok2', strong: 'ok', threshold: { strongShare: 0.3 } },
      ],
      keys: [{ name: 'routes', key: KEY }],
    },
    {},
  );
  gw = await startGateway(config, { logger: createLogger('silent') });
}, 60_000);

afterAll(async () => {
  await gw.stop();
  await new Promise<void>((resolve) => {
    up.server.closeAllConnections();
    up.server.close(() => {
      resolve();
    });
  });
  rmSync(dir, { recursive: true, force: true });
});

async function ask(
  model: string,
  opts: { stream?: boolean; content?: string; messages?: unknown[] } = {},
): Promise<{ status: number; text: string; id: string }> {
  const r = await fetch(`http://127.0.0.1:${String(gw.port)}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      stream: opts.stream ?? false,
      messages: opts.messages ?? [{ role: 'user', content: opts.content ?? 'hello' }],
    }),
  });
  return { status: r.status, text: await r.text(), id: r.headers.get('x-costwise-request-id') ?? '' };
}

async function rowOf(id: string): Promise<LedgerRow> {
  await gw.gateway.context.writer.flush();
  const rows = await gw.gateway.context.store.recent(10_000);
  const row = rows.find((r) => r.id === id);
  if (row === undefined) throw new Error(`no ledger row ${id}`);
  expect(rows.filter((r) => r.id === id)).toHaveLength(1);
  return row;
}

describe('fallback routes', () => {
  it.each([
    ['after-fail', false, 'fail: overloaded'],
    ['after-stall', false, 'stall: upstream p-stall did not answer within its first byte time-out'],
    ['after-reset', false, 'reset: upstream p-reset sent a body that is not JSON'],
    // the connection drops before the first event: before or after the response headers
    ['after-reset', true, 'reset: upstream p-reset '],
    ['gauntlet', false, 'ratelimit: slow down; stall: upstream p-stall did not answer'],
  ] as const)(
    '%s (stream %s): the next healthy target answers, billed once',
    async (route, stream, reason) => {
      const r = await ask(route, { stream });
      expect(r.status).toBe(200);
      expect(r.text).toContain(stream ? 'answer' : 'answer from ok');
      const row = await rowOf(r.id);
      expect(row).toMatchObject({
        route,
        decision: 'fallback:ok',
        provider: 'p-ok',
        status: 200,
        costNanoUsd: OK_COST_NANO,
      });
      expect(row.reason).toContain(reason);
      expect(row.reason).toContain('answered by ok');
    },
  );

  it('every target failing gives the last error in the client shape, one row, no cost', async () => {
    const r = await ask('all-fail');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text)).toMatchObject({
      error: { message: expect.stringContaining('every target failed') as string },
    });
    expect(await rowOf(r.id)).toMatchObject({ route: 'all-fail', status: 503, costNanoUsd: null });
  });

  it("a provider's circuit opens after 3 consecutive failures and its target is skipped", async () => {
    const before = up.calls.get('fail2') ?? 0;
    for (let i = 0; i < 3; i++) await ask('all-fail');
    const after = up.calls.get('fail2') ?? 0;
    // the test before made 2 failed calls; the 3rd opens the circuit, after which no call reaches the upstream
    expect(after - before).toBe(1);
    const r = await ask('all-fail');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text)).toMatchObject({
      error: { message: expect.stringContaining('circuit open for p-fail2') as string },
    });
  });
});

describe('a stream cut off after content reached the client', () => {
  it('cannot switch targets: it ends with an error event, one row with status 502, no retry', async () => {
    const before = up.calls.get('ok') ?? 0;
    const r = await ask('after-midreset', { stream: true });
    expect(r.status).toBe(200);
    expect(r.text).toContain('"error"');
    expect(up.calls.get('ok') ?? 0).toBe(before);
    expect(await rowOf(r.id)).toMatchObject({
      route: 'after-midreset',
      decision: 'fallback:midreset',
      status: 502,
    });
  });
});

describe('a stream that fails before any output', () => {
  it.each([
    ['after-rolereset', 'rolereset', 'stream broke before any output'],
    ['after-errorfirst', 'errorfirst', 'stream failed before any output: Overloaded'],
  ])("%s: the client gets the next target's stream, billed once", async (route, first, why) => {
    const before = up.calls.get('ok') ?? 0;
    const r = await ask(route, { stream: true });
    expect(r.status).toBe(200);
    expect(r.text).toContain('"content":"answer"');
    expect(r.text).not.toContain('"error"');
    // exactly one role delta reached the client: the failed target's was held back
    expect(r.text.match(/"role":"assistant"/g)).toHaveLength(1);
    expect(up.calls.get('ok') ?? 0).toBe(before + 1);
    const row = await rowOf(r.id);
    expect(row).toMatchObject({ route, decision: 'fallback:ok', status: 200 });
    expect(row.reason).toContain(`${first}: upstream p-${first} ${why}`);
    expect(row.costNanoUsd).toBe(OK_COST_NANO);
  });
});

describe('a client that closes its stream', () => {
  it('aborts the upstream and records status 499 with the cost unknown, never 0', async () => {
    const controller = new AbortController();
    const r = await fetch(`http://127.0.0.1:${String(gw.port)}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    });
    const id = r.headers.get('x-costwise-request-id') ?? '';
    const reader = r.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const first = (await reader.read()) as { value?: Uint8Array };
    expect(new TextDecoder().decode(first.value)).toContain('"content":"answer"');
    controller.abort();
    await expect.poll(() => up.closed.get('slow') ?? 0, { timeout: 5_000 }).toBe(1);
    await expect
      .poll(
        async () => {
          await gw.gateway.context.writer.flush();
          return (await gw.gateway.context.store.recent(10_000)).some((row) => row.id === id);
        },
        { timeout: 5_000 },
      )
      .toBe(true);
    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 499, error: 'client closed the stream', costNanoUsd: null });
  });
});

describe('cheapest routes', () => {
  it('picks the cheaper candidate whose context window fits, and says why', async () => {
    const short = await ask('cheapest', { content: 'hi' });
    expect(await rowOf(short.id)).toMatchObject({
      route: 'cheapest',
      decision: 'cheapest',
      provider: 'p-ok2',
    });
    const long = await ask('cheapest', { content: 'a long question '.repeat(40) });
    const row = await rowOf(long.id);
    expect(row).toMatchObject({ route: 'cheapest', provider: 'p-ok' });
    expect(row.reason).toContain('cheap-short too long');
  });
});

describe('complexity routes', () => {
  it.each([
    ['always-weak', 'weak', 'p-ok2'],
    ['always-strong', 'strong', 'p-ok'],
  ] as const)(
    '%s: decision %s on %s, with the score and threshold as the reason',
    async (route, decision, provider) => {
      const r = await ask(route, { content: 'Prove that there are infinitely many primes.' });
      const row = await rowOf(r.id);
      expect(row).toMatchObject({ route, decision, provider });
      expect(row.reason).toMatch(/^score -?\d\.\d{3} [≥<] threshold -?\d\.\d{3} \(threshold given\)$/);
    },
  );

  it('a threshold from a strong-share target, and conversation affinity while the cache is warm', async () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is 2 + 2?' },
    ];
    const first = await rowOf((await ask('auto', { messages })).id);
    expect(first.reason).toMatch(/threshold .* \(/);
    const next = await rowOf(
      (
        await ask('auto', {
          messages: [
            ...messages,
            { role: 'assistant', content: '4' },
            { role: 'user', content: 'Now derive the Navier-Stokes equations from first principles.' },
          ],
        })
      ).id,
    );
    expect(next.provider).toBe(first.provider);
    expect(next.reason).toContain('conversation affinity');
  });
});
