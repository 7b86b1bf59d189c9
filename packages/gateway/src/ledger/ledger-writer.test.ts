import { afterEach, describe, expect, it } from 'vitest';
import { LedgerWriter } from './ledger-writer.js';
import type { LedgerStore } from './ledger-store.js';
import { openSqliteLedgerStore } from './sqlite-ledger-store.js';
import { row } from './_test-ledger-store-suite.js';

describe('LedgerWriter', () => {
  let store: LedgerStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('commits rows written in one turn as one batch', async () => {
    store = await openSqliteLedgerStore(':memory:');
    const writer = new LedgerWriter(store);
    await Promise.all(['a', 'b', 'c'].map((id) => writer.write(row({ id }))));
    expect(writer.committed).toBe(3);
    expect((await store.recent(10)).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a row the database refuses loses only itself, not the rest of its batch', async () => {
    store = await openSqliteLedgerStore(':memory:');
    const errors: number[] = [];
    const writer = new LedgerWriter(store, 256, (_error, rows) => errors.push(rows));
    const results = await Promise.allSettled([
      writer.write(row({ id: 'first' })),
      writer.write(row({ id: 'dup' })),
      writer.write(row({ id: 'dup', status: 502 })), // same id: the UNIQUE constraint refuses it
      writer.write(row({ id: 'last' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(errors).toEqual([1]);
    expect(writer.committed).toBe(3);
    const ids = (await store.recent(10)).map((r) => r.id).sort();
    expect(ids).toEqual(['dup', 'first', 'last']);
  });
});
