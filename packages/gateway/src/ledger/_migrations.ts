import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

// Only portable types (text, bigint, integer, double precision) so SQLite and PostgreSQL share them.
const migrations: Record<string, Migration> = {
  '0001_requests': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('costwise_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('time_ms', 'bigint', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('key_name', 'text')
        .addColumn('requested_model', 'text', (c) => c.notNull())
        .addColumn('route', 'text')
        .addColumn('decision', 'text')
        .addColumn('provider', 'text')
        .addColumn('upstream_model', 'text')
        .addColumn('input_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_read_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_write_5m_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_write_1h_tokens', 'bigint', (c) => c.notNull())
        .addColumn('output_tokens', 'bigint', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cost_nano_usd', 'bigint')
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('ttft_ms', 'double precision')
        .addColumn('upstream_ms', 'double precision')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('cache', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('costwise_requests_time')
        .on('costwise_requests')
        .column('time_ms')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('costwise_requests').execute();
    },
  },
  '0002_keys_routes_cache': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('costwise_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('key_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('budget_nano_usd', 'bigint')
        .addColumn('budget_window', 'text', (c) => c.notNull())
        .addColumn('rpm', 'integer')
        .addColumn('tpm', 'integer')
        .addColumn('allowed_models', 'text')
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('costwise_requests').addColumn('reason', 'text').execute();
      await db.schema.alterTable('costwise_requests').addColumn('would_cost_nano_usd', 'bigint').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('costwise_keys').execute();
      await db.schema.alterTable('costwise_requests').dropColumn('reason').execute();
      await db.schema.alterTable('costwise_requests').dropColumn('would_cost_nano_usd').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

export { sql };
