import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/index.js';
import { routeModels } from '../http/gateway-context.js';
import { ConversationAffinity } from './affinity.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { estimateRequest, lastUserText, planRoute } from './route-planner.js';

const config = validateConfig(
  {
    providers: [
      { id: 'oa', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
      { id: 'an', kind: 'anthropic', baseUrl: 'https://api.anthropic.com' },
    ],
    models: [
      // list prices: "cheap" $1 input per MTok without caching; "cached" $1.2 input but $0.12 cache reads
      { name: 'cheap', provider: 'oa', model: 'a', prices: { inputMtok: 1, outputMtok: 4 } },
      {
        name: 'cached',
        provider: 'an',
        model: 'b',
        prices: { inputMtok: 1.2, outputMtok: 4, cacheReadMtok: 0.12 },
      },
    ],
    routes: [{ name: 'c', strategy: 'cheapest', candidates: ['cheap', 'cached'], expectedOutputTokens: 10 }],
  },
  {},
);

function deps(now: () => number) {
  return {
    models: routeModels(config, pino({ level: 'silent' })),
    routes: new Map(config.routes.map((r) => [r.name, r])),
    routers: new Map(),
    breakers: new CircuitBreakers(5, 1000, now),
    affinity: new ConversationAffinity(now),
  };
}

describe('estimateRequest and lastUserText', () => {
  it('bounds input by bytes, expects bytes / 4, and reads max_tokens or max_completion_tokens', () => {
    const body = { max_completion_tokens: 7, messages: [{ role: 'user', content: 'hi' }] };
    expect(estimateRequest(body, 400)).toMatchObject({
      inputTokensBound: 400,
      inputTokens: 100,
      maxTokens: 7,
    });
    expect(estimateRequest({ messages: [] }, 10).maxTokens).toBeNull();
  });

  it.each([
    [
      [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
      ],
      'a',
    ],
    [
      [
        {
          role: 'user',
          content: [{ type: 'text', text: 'x' }, { type: 'image_url' }, { type: 'text', text: 'y' }],
        },
      ],
      'x\n\ny',
    ],
    [[{ role: 'system', content: 's' }], ''],
  ])('%j → %j', (messages, text) => {
    expect(lastUserText({ messages })).toBe(text);
  });
});

describe('cheapest', () => {
  const history = Array.from({ length: 6 }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: 'x'.repeat(2000),
  }));
  const body = { messages: [...history, { role: 'user', content: 'next?' }] };
  const est = estimateRequest(body, JSON.stringify(body).length);

  it('takes the lower list price while no cache is warm, and a warm cache once the conversation used it', () => {
    let now = 0;
    const d = deps(() => now);
    const cold = planRoute(d, 'c', body, est);
    expect(cold?.targets.map((t) => t.config.name)).toEqual(['cheap']);
    // the conversation ran on "cached" a minute ago: its earlier messages would be cache reads at $0.12
    d.affinity.used(cold?.conversation ?? null, 'cached');
    now = 60_000;
    const warm = planRoute(d, 'c', body, est);
    expect(warm?.targets.map((t) => t.config.name)).toEqual(['cached']);
    expect(warm?.reason).toContain('cached');
    expect(warm?.reason).toContain('(warm cache)');
    // after the 5-minute TTL the cache is cold again
    now = 60_000 + 5 * 60_000 + 1;
    expect(planRoute(d, 'c', body, est)?.targets.map((t) => t.config.name)).toEqual(['cheap']);
  });
});
