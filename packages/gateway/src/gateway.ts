import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pino, { type Logger } from 'pino';
import type { GatewayConfig } from './config/index.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from './ledger/index.js';
import { createApp } from './http/app.js';
import { routeModels, type GatewayContext } from './http/gateway-context.js';
import { KeyRing } from './http/keys.js';
import { createUpstreamClient, type UpstreamClient } from './http/upstream-client.js';
import { GatewayMetrics } from './http/metrics.js';

export interface Gateway {
  readonly app: ReturnType<typeof createApp>;
  readonly context: GatewayContext;
  /** Commits what is queued, then closes the ledger. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  readonly cwd?: string;
  readonly logger?: Logger;
  readonly store?: LedgerStore;
  readonly upstream?: UpstreamClient;
  readonly now?: () => number;
  readonly defaultMetrics?: boolean;
}

/** A logger that never writes keys: auth headers and key fields are redacted wherever they appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['headers.authorization', 'headers["x-api-key"]', 'apiKey', 'adminKey', '*.apiKey', 'key.key'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Opens the ledger, resolves providers, models and prices, and builds the HTTP app. */
export async function createGateway(config: GatewayConfig, opts: GatewayOptions = {}): Promise<Gateway> {
  const logger = opts.logger ?? createLogger(config.logging.level);
  const store = opts.store ?? (await openLedgerStore(config.storage.url, opts.cwd ?? process.cwd()));
  const metrics = new GatewayMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  const writer = new LedgerWriter(store, config.storage.batchRows, (error, rows) => {
    logger.error({ err: (error as Error).message, rows }, 'ledger batch failed');
  });
  const context: GatewayContext = {
    config,
    models: routeModels(config, logger),
    keys: new KeyRing(config.keys),
    store,
    writer,
    metrics,
    logger,
    now: opts.now ?? Date.now,
    clock: () => performance.now(),
    upstream: opts.upstream ?? createUpstreamClient(),
    newId: () => `cw-${randomUUID()}`,
  };
  return {
    app: createApp(context),
    context,
    async close() {
      await writer.flush();
      await store.close();
    },
  };
}
