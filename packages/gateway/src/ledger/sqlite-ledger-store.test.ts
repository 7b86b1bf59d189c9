import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ledgerStoreSuite } from './_test-ledger-store-suite.js';
import { sqlitePath } from './open-ledger-store.js';
import { openSqliteLedgerStore } from './sqlite-ledger-store.js';

const dir = mkdtempSync(join(tmpdir(), 'costwise-ledger-'));
ledgerStoreSuite(
  'sqlite',
  () => openSqliteLedgerStore(join(dir, 'nested', 'costwise.db')),
  () => {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  },
);

describe('sqlitePath', () => {
  it.each([
    ['sqlite://.costwise/costwise.db', '/srv/app/.costwise/costwise.db'],
    ['sqlite:///var/lib/costwise.db', '/var/lib/costwise.db'],
    ['sqlite::memory:', ':memory:'],
  ])('%s → %s', (url, path) => {
    expect(sqlitePath(url, '/srv/app')).toBe(path);
  });
});
