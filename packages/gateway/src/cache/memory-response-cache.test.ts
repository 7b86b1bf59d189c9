import { describe, expect, it } from 'vitest';
import { ZERO_USAGE } from '@costwise/core';
import { MemoryResponseCache } from './memory-response-cache.js';
import { responseCacheSuite } from './_test-response-cache-suite.js';

responseCacheSuite('memory', () => Promise.resolve(new MemoryResponseCache(100)));

describe('MemoryResponseCache', () => {
  it('drops the oldest stored entry beyond maxEntries', async () => {
    const cache = new MemoryResponseCache(2);
    const e = { body: '{}', provider: 'p', upstreamModel: 'm', usage: ZERO_USAGE, costNanoUsd: 1 };
    await cache.set('a', e, 60_000);
    await cache.set('b', e, 60_000);
    await cache.set('c', e, 60_000);
    expect(await cache.get('a')).toBeNull();
    expect(await cache.get('c')).toEqual(e);
  });
});
