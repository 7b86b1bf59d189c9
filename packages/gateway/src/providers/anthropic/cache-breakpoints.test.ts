import { describe, expect, it } from 'vitest';
import { minCacheableTokens, placeCacheBreakpoints } from './cache-breakpoints.js';

const long = (tokens: number): string => 'x'.repeat(tokens * 4);

describe('minCacheableTokens (Anthropic prompt-caching docs, cache limitations)', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 1024],
    ['claude-3-5-sonnet-20241022', 1024],
    ['claude-opus-4-1', 1024],
    ['claude-opus-4-5', 4096],
    ['claude-haiku-4-5', 4096],
    ['claude-3-5-haiku-20241022', 2048],
  ] as const)('%s: %d tokens', (model, min) => {
    expect(minCacheableTokens(model)).toBe(min);
  });
});

describe('placeCacheBreakpoints', () => {
  it('marks tools, system, the first and the second-to-last message of a long conversation, not the new turn', () => {
    const body = {
      model: 'm',
      tools: [
        { name: 'a', input_schema: {} },
        { name: 'b', description: long(1100), input_schema: {} },
      ],
      system: 'You are terse.',
      messages: [
        { role: 'user', content: long(50) },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', content: 'next' },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', content: 'new turn' },
      ],
    };
    const out = placeCacheBreakpoints(body, 1024) as typeof body & Record<string, unknown>;
    const json = JSON.stringify(out);
    expect(json.match(/cache_control/g)).toHaveLength(4);
    expect(out.tools[1]).toMatchObject({ cache_control: { type: 'ephemeral' } });
    expect(out['system']).toEqual([
      { type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: long(50), cache_control: { type: 'ephemeral' } },
    ]);
    expect(out.messages[3]?.content).toEqual([
      { type: 'text', text: 'ok', cache_control: { type: 'ephemeral' } },
    ]);
    expect(out.messages[4]).toEqual({ role: 'user', content: 'new turn' });
    expect(body.system).toBe('You are terse.'); // the input is not mutated
  });

  it('places nothing below the minimum cacheable length', () => {
    const body = { model: 'm', system: long(900), messages: [{ role: 'user', content: 'hi' }] };
    expect(placeCacheBreakpoints(body, 1024)).toBe(body);
    expect(JSON.stringify(placeCacheBreakpoints(body, 512))).toContain('cache_control');
  });

  it('leaves a request alone when the client placed its own breakpoints', () => {
    const body = {
      model: 'm',
      system: [{ type: 'text', text: long(5000), cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: long(5000) },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'b' },
      ],
    };
    expect(placeCacheBreakpoints(body, 1024)).toBe(body);
  });

  it('skips a thinking block, which cannot carry a breakpoint', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: long(2000) },
        { role: 'assistant', content: [{ type: 'thinking', thinking: '…', signature: 's' }] },
        { role: 'user', content: 'go on' },
      ],
    };
    const out = placeCacheBreakpoints(body, 1024) as typeof body;
    expect(JSON.stringify(out.messages[1])).not.toContain('cache_control');
    expect(JSON.stringify(out.messages[0])).toContain('cache_control');
  });
});
