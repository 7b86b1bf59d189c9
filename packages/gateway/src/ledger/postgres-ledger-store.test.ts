import pg from 'pg';
import { ledgerStoreSuite } from './_test-ledger-store-suite.js';
import { openPostgresLedgerStore } from './postgres-ledger-store.js';

// CI and the dev machine run PostgreSQL at 127.0.0.1:5432 (trust auth); each run uses its own schema.
const url = process.env['COSTWISE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `costwise_test_${String(process.pid)}_${Date.now().toString(36)}`;

ledgerStoreSuite(
  'postgres',
  () => openPostgresLedgerStore(url, { schema }),
  async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  },
);
