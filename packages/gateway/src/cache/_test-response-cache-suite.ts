import { ZERO_USAGE } from '@costwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CachedResponse, ResponseCache } from './response-cache.js';
import { responseCacheKey } from './response-cache.js';

const entry: CachedResponse = {
  body: '{"id":"chatcmpl-1"}',
  provider: 'oa',
  upstreamModel: 'gpt-4o-mini',
  usage: { ...ZERO_USAGE, inputTokens: 65, outputTokens: 1 },
  costNanoUsd: 91_250,
};

/** The one conformance suite every response cache runs (STYLE.md §3). */
export function responseCacheSuite(name: string, open: () => Promise<ResponseCache>): void {
  describe(`response cache conformance: ${name}`, () => {
    let cache: ResponseCache;
    beforeAll(async () => {
      cache = await open();
    });
    afterAll(async () => {
      await cache.close();
    });

    it('returns what was stored, field by field, and null for an unknown key', async () => {
      await cache.set('k1', entry, 60_000);
      expect(await cache.get('k1')).toEqual(entry);
      expect(await cache.get('k2')).toBeNull();
    });

    it('forgets an entry after its TTL', async () => {
      await cache.set('short', entry, 30);
      await new Promise((r) => setTimeout(r, 80));
      expect(await cache.get('short')).toBeNull();
    });
  });
}

describe('responseCacheKey', () => {
  const body = { model: 'm', temperature: 0, messages: [{ role: 'user', content: 'hi' }] };
  it('ignores key order and delivery fields, not content or sampling', () => {
    const k = responseCacheKey('openai-chat', 'oa', body);
    expect(
      responseCacheKey('openai-chat', 'oa', {
        messages: body.messages,
        temperature: 0,
        model: 'm',
        stream: false,
        user: 'u',
      }),
    ).toBe(k);
    expect(responseCacheKey('openai-chat', 'oa', { ...body, temperature: 1 })).not.toBe(k);
    expect(responseCacheKey('openai-chat', 'an', body)).not.toBe(k);
    expect(responseCacheKey('anthropic-messages', 'oa', body)).not.toBe(k);
  });
});
