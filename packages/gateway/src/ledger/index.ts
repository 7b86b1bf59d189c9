export { LedgerWriter } from './ledger-writer.js';
export {
  NANO_PER_USD,
  rowToJson,
  toNanoUsd,
  type CacheStatus,
  type LedgerRow,
  type LedgerRowJson,
} from './ledger-row.js';
export {
  USAGE_GROUPS,
  type LedgerStore,
  type SavingsGroup,
  type StoredKey,
  type UsageGroup,
  type UsageQuery,
  type UsageReport,
  type UsageRow,
} from './ledger-store.js';
export { openLedgerStore, sqlitePath } from './open-ledger-store.js';
export { openPostgresLedgerStore } from './postgres-ledger-store.js';
export { openSqliteLedgerStore } from './sqlite-ledger-store.js';
export { uuidV7 } from './request-id.js';
