import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createLogger, type Gateway } from '../gateway.js';
import { loadFixtures, startFakeUpstream, type FakeUpstream } from '../_test-fake-upstream.js';
import { TEAM_KEY, testConfig } from '../_test-gateway-setup.js';

let fake: FakeUpstream;
let gw: Gateway;

beforeAll(async () => {
  const fixtures = loadFixtures();
  fake = await startFakeUpstream(fixtures);
  gw = await createGateway(testConfig(fake.url, fixtures, { server: { maxBodyBytes: 65_536 } }), {
    logger: createLogger('silent'),
  });
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});

const MODELS = [
  'anthropic-messages-cache-write-and-read',
  'openai-chat-gpt56-cache-read',
  'anthropic-stream-basic',
  'openai-chat-stream-include-usage',
  'nope',
];

// Bodies that are almost right: real model names, message lists of junk, wrong types everywhere.
const almostValid = fc.record(
  {
    model: fc.oneof(fc.constantFrom(...MODELS), fc.anything()),
    messages: fc.oneof(
      fc.array(
        fc.record(
          {
            role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer'), fc.string()),
            content: fc.anything(),
            tool_calls: fc.anything(),
            tool_call_id: fc.anything(),
          },
          { requiredKeys: ['role'] },
        ),
        { maxLength: 4 },
      ),
      fc.anything(),
    ),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.anything()),
    stream: fc.oneof(fc.boolean(), fc.anything()),
    stream_options: fc.anything(),
    tools: fc.anything(),
    tool_choice: fc.anything(),
    system: fc.anything(),
    stop: fc.anything(),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.string().map((s) => s),
  fc.json(),
  almostValid.map((b) => JSON.stringify(b)),
  fc.uint8Array({ maxLength: 64 }).map((b) => new TextDecoder().decode(b)),
);

describe('fuzz: malformed requests', () => {
  it('never a 5xx from the gateway itself, never a crash, and the ledger stays readable', async () => {
    const counted = { authed: 0 };
    const before = (await gw.context.store.recent(100_000)).length;
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/v1/chat/completions', '/v1/messages'), async (text, path) => {
        counted.authed++;
        const res = await gw.app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEAM_KEY}` },
          body: text,
        });
        const out = await res.text();
        // a 5xx only for an upstream's own fault, named as such (the fake upstream answers JSON to a
        // stream request for a non-streaming fixture: "upstream an stream ended before any output")
        if (res.status >= 500) {
          expect(res.status).toBe(502);
          expect(out).toMatch(/upstream [a-z]+ stream ended before any output/);
        }
        expect(res.headers.get('x-costwise-request-id')).toMatch(/^cw-/);
        if (res.status >= 400) expect(() => JSON.parse(out) as unknown).not.toThrow();
      }),
      { numRuns: 300 },
    );
    await gw.context.writer.flush();
    const rows = await gw.context.store.recent(100_000);
    expect(rows.length).toBe(before + counted.authed);
    for (const r of rows) {
      expect(Number.isInteger(r.status)).toBe(true);
      if (r.costNanoUsd !== null) expect(Number.isInteger(r.costNanoUsd)).toBe(true);
      expect(r.usage.inputTokens).toBeGreaterThanOrEqual(
        r.usage.cacheReadTokens + r.usage.cacheWrite5mTokens + r.usage.cacheWrite1hTokens,
      );
    }
  });
});
