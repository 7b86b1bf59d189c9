import { isAbsolute, resolve } from 'node:path';
import { invalidInput } from '@costwise/core';
import type { LedgerStore } from './ledger-store.js';
import { openPostgresLedgerStore } from './postgres-ledger-store.js';
import { openSqliteLedgerStore, type SqliteLedgerOptions } from './sqlite-ledger-store.js';

/** `sqlite://relative/path.db`, `sqlite:///abs/path.db`, `sqlite::memory:` → a file path (relative to cwd). */
export function sqlitePath(url: string, cwd: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (rest === ':memory:') return rest;
  if (rest === '')
    throw invalidInput('storage.url', 'sqlite: needs a path, e.g. sqlite://.costwise/costwise.db');
  return isAbsolute(rest) ? rest : resolve(cwd, rest);
}

/** Opens (and migrates) the store that `storage.url` names. */
export async function openLedgerStore(
  url: string,
  cwd: string,
  sqlite: SqliteLedgerOptions = {},
): Promise<LedgerStore> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgresLedgerStore(url);
  if (url.startsWith('sqlite:')) return openSqliteLedgerStore(sqlitePath(url, cwd), sqlite);
  throw invalidInput('storage.url', `"${url}" must start with sqlite: or postgres://`);
}
