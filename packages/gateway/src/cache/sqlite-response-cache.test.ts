import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_USAGE } from '@costwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteResponseCache } from './sqlite-response-cache.js';
import { responseCacheSuite } from './_test-response-cache-suite.js';

responseCacheSuite('sqlite', () => Promise.resolve(SqliteResponseCache.open(':memory:', 100)));

describe('SqliteResponseCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-rc-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const e = { body: '{}', provider: 'p', upstreamModel: 'm', usage: ZERO_USAGE, costNanoUsd: 1 };

  it('survives a restart: a second process (or the next start) reads what the first stored', async () => {
    const path = join(dir, 'nested', 'cache.db');
    const first = SqliteResponseCache.open(path, 100);
    await first.set('k', e, 60_000);
    await first.close();
    const second = SqliteResponseCache.open(path, 100);
    expect(await second.get('k')).toEqual(e);
    await second.close();
  });

  it('a sweep drops expired entries, then the soonest-expiring beyond maxEntries', async () => {
    let now = 1_000;
    const cache = SqliteResponseCache.open(':memory:', 2, () => now);
    await cache.set('old', e, 10);
    await cache.set('a', e, 1_000);
    await cache.set('b', e, 2_000);
    await cache.set('c', e, 3_000);
    now = 1_500; // 'old' and nothing else has expired
    cache.sweep();
    expect(await cache.get('old')).toBeNull();
    expect(await cache.get('a')).toBeNull(); // dropped: three live entries, two kept
    expect(await cache.get('b')).toEqual(e);
    expect(await cache.get('c')).toEqual(e);
    await cache.close();
  });
});
