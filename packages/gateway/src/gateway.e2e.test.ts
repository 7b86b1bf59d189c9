import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRow } from './ledger/index.js';
import { ADMIN_KEY, startHarness, TEAM_KEY, type Harness } from './_test-gateway-setup.js';

// Every expected cost below is computed by hand from the fixture's usage and the PRICES table
// (USD per million tokens: Anthropic 3 / 15 / read 0.3 / 5m write 3.75 / 1h write 6; OpenAI 1.25 /
// 10 / read 0.125 / write 1.5625; Gemini 0.3 / 2.5), written as integer nano-dollars.

let h: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  openai = new OpenAI({ apiKey: TEAM_KEY, baseURL: `${h.base}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEAM_KEY, baseURL: h.base, maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
});

async function ledgerRow(id: string | null): Promise<LedgerRow> {
  expect(id).toMatch(/^cw-/);
  const rows = await h.gw.gateway.context.store.recent(10_000);
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no ledger row ${String(id)}`);
  return row;
}

const ask = [{ role: 'user' as const, content: 'Say OK' }];

describe('OpenAI SDK through the gateway', () => {
  it.each([
    // model (fixture), hand-computed cost in nano-USD, the sum written out
    ['openai-chat-gpt56-cache-read', 551_500, '8 × 1.25 + 4012 × 0.125 + 4 × 10 = 551.5 µ$'],
    ['openai-chat-gpt56-cache-write', 6_318_750, '8 × 1.25 + 4012 × 1.5625 + 4 × 10 = 6318.75 µ$'],
    [
      'openai-chat-gpt5-reasoning-nocache',
      18_815_000,
      '12 × 1.25 + 1880 × 10 (1536 reasoning billed as output) = 18815 µ$',
    ],
    [
      'gemini-openai-compat-hidden-thinking',
      195_500,
      'Gemini: 35 × 0.3 + (12 + 62 hidden thinking) × 2.5 = 195.5 µ$',
    ],
    [
      'anthropic-messages-cache-write-and-read',
      2_404_800,
      'translated to Anthropic: 3 × 3 + 1111 × 0.3 + 418 × 3.75 + 33 × 15 = 2404.8 µ$',
    ],
  ])('non-streaming %s costs %i nano-USD (%s)', async (model, nano) => {
    const { data, response } = await openai.chat.completions.create({ model, messages: ask }).withResponse();
    expect(data.choices[0]?.message.role).toBe('assistant');
    expect(response.headers.get('x-costwise-model')).toBe(model);
    expect(response.headers.get('x-costwise-cache')).toBe('miss');
    expect(Number(response.headers.get('x-costwise-cost-usd'))).toBeCloseTo(nano / 1e9, 15);
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.costNanoUsd).toBe(nano);
    expect(row.status).toBe(200);
    expect(row.key).toBe('team-a');
  });

  it('usage that Anthropic reports apart comes back OpenAI-shaped (prompt_tokens includes the cache)', async () => {
    const data = await openai.chat.completions.create({
      model: 'anthropic-messages-cache-write-and-read',
      messages: ask,
    });
    expect(data.usage?.prompt_tokens).toBe(1532);
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(1111);
    expect(data.usage?.completion_tokens).toBe(33);
  });

  it('streams: include_usage is requested upstream and stripped when the client did not ask', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'openai-chat-stream-include-usage', messages: ask, stream: true })
      .withResponse();
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(sawUsage).toBe(false);
    const upstream = h.fake.requests.at(-1)?.body;
    expect(upstream?.['stream_options']).toEqual({ include_usage: true });
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.usage).toMatchObject({ inputTokens: 14, outputTokens: 8 });
    expect(row.costNanoUsd).toBe(97_500); // 14 × 1.25 + 8 × 10 = 97.5 µ$
    expect(row.ttftMs).not.toBeNull();
  });

  it('streams: usage is kept when the client asked for it', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai-chat-stream-include-usage',
      messages: ask,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.prompt_tokens).toBe(14);
    expect(usage?.completion_tokens).toBe(8);
  });

  it('streams from Anthropic, translated, with usage computed from canonical', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'anthropic-stream-basic',
        messages: ask,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('2');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 5 });
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.costNanoUsd).toBe(135_000); // 20 × 3 + 5 × 15 = 135 µ$
  });

  it('an upstream that drops mid-stream: the client gets an error, the ledger an unknown cost (not 0)', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'openai-stream-dropped', messages: ask, stream: true })
      .withResponse();
    await expect(async () => {
      for await (const chunk of stream) expect(chunk).toBeDefined();
    }).rejects.toThrow();
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.status).toBe(502);
    expect(row.costNanoUsd).toBeNull();
    expect(row.error).toMatch(/upstream stream/);
  });

  it('lists the configured models', async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toContain('openai-chat-gpt56-cache-read');
  });

  it('unknown model → 404 NotFoundError, wrong key → 401 AuthenticationError', async () => {
    await expect(openai.chat.completions.create({ model: 'nope', messages: ask })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    const bad = new OpenAI({ apiKey: 'wrong-key-123', baseURL: `${h.base}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'nope', messages: ask })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });
});

describe('Anthropic SDK through the gateway', () => {
  it.each([
    [
      'anthropic-messages-cache-write-and-read',
      2_404_800,
      '3 × 3 + 1111 × 0.3 + 418 × 3.75 + 33 × 15 = 2404.8 µ$',
    ],
    [
      'anthropic-doc-1h-cache-consistent',
      15_384_000,
      '2048 × 3 + 1800 × 0.3 + 148 × 3.75 + 100 × 6 + 503 × 15 = 15384 µ$',
    ],
    [
      'openai-chat-gpt56-cache-read',
      551_500,
      'translated to OpenAI: 8 × 1.25 + 4012 × 0.125 + 4 × 10 = 551.5 µ$',
    ],
  ])('non-streaming %s costs %i nano-USD (%s)', async (model, nano) => {
    const { data, response } = await anthropic.messages
      .create({ model, max_tokens: 64, messages: ask })
      .withResponse();
    expect(data.type).toBe('message');
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.costNanoUsd).toBe(nano);
  });

  it('usage from an OpenAI upstream comes back Anthropic-shaped (input_tokens without the cache)', async () => {
    const data = await anthropic.messages.create({
      model: 'openai-chat-gpt56-cache-read',
      max_tokens: 64,
      messages: ask,
    });
    expect(data.usage.input_tokens).toBe(8);
    expect(data.usage.cache_read_input_tokens).toBe(4012);
  });

  it.each([
    [
      'anthropic-stream-basic',
      135_000,
      '2',
      '20 × 3 + 5 × 15 = 135 µ$; message_delta repeats the input side',
    ],
    [
      'anthropic-stream-output-only-delta',
      12_895_200,
      'Hello!',
      '25 × 3 + 1024 × 0.3 + 2048 × 6 + 15 × 15 = 12895.2 µ$; message_delta has only output_tokens',
    ],
    [
      'openai-chat-stream-include-usage',
      97_500,
      'The capital of Mexico is Mexico City.',
      'translated: 14 × 1.25 + 8 × 10 = 97.5 µ$',
    ],
  ])('streaming %s costs %i nano-USD', async (model, nano, expectedText) => {
    const { data: stream, response } = await anthropic.messages
      .create({ model, max_tokens: 64, messages: ask, stream: true })
      .withResponse();
    let text = '';
    for await (const e of stream)
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    expect(text).toBe(expectedText);
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.costNanoUsd).toBe(nano);
  });

  it('the final message carries the merged usage (SDK stream helper)', async () => {
    const final = await anthropic.messages
      .stream({ model: 'anthropic-stream-output-only-delta', max_tokens: 64, messages: ask })
      .finalMessage();
    expect(final.usage.output_tokens).toBe(15);
    expect(final.usage.cache_read_input_tokens).toBe(1024);
  });

  it('a mid-stream error event reaches the client; the ledger keeps the usage seen so far', async () => {
    const { data: stream, response } = await anthropic.messages
      .create({ model: 'anthropic-stream-midstream-error', max_tokens: 64, messages: ask, stream: true })
      .withResponse();
    await expect(async () => {
      for await (const chunk of stream) expect(chunk).toBeDefined();
    }).rejects.toThrow(/Overloaded/);
    const row = await ledgerRow(response.headers.get('x-costwise-request-id'));
    expect(row.status).toBe(502);
    expect(row.error).toBe('Overloaded');
    expect(row.usage).toMatchObject({ inputTokens: 120, outputTokens: 1 });
    expect(row.costNanoUsd).toBe(375_000); // 120 × 3 + 1 × 15 = 375 µ$
  });
});

describe('admin API over HTTP', () => {
  it('groups usage by model with exact sums; logs hold no key and no prompt', async () => {
    const res = await fetch(`${h.base}/admin/usage?groupBy=model`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { group: string; requests: number; costUsd: number }[] };
    const doc = body.rows.find((r) => r.group === 'anthropic-doc-1h-cache-consistent');
    expect(doc?.costUsd).toBe(0.015384);
    const all = h.logs.join('');
    expect(all).not.toContain(TEAM_KEY);
    expect(all).not.toContain('sk-upstream');
    expect(all).not.toContain('Say OK');
  });
});
