import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultRouterModel, loadRouterModel, type RouterModel } from '@costwise/core';
import { performance } from 'node:perf_hooks';
import pino, { type Logger } from 'pino';
import type { GatewayConfig } from './config/index.js';
import { LedgerWriter, openLedgerStore, uuidV7, type LedgerStore } from './ledger/index.js';
import { createApp } from './http/app.js';
import { routeModels, type GatewayContext } from './http/gateway-context.js';
import { KeyRing } from './http/keys.js';
import { KeyBudgets, MemoryBudgetStore, RedisBudgetStore, type BudgetStore } from './budgets/index.js';
import {
  MemoryResponseCache,
  RedisResponseCache,
  SqliteResponseCache,
  SingleFlight,
  type CachedResponse,
  type ResponseCache,
} from './cache/index.js';
import {
  CircuitBreakers,
  complexityRouter,
  ConversationAffinity,
  type ComplexityRouter,
} from './routing/index.js';
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
  /** Namespace of this gateway's Redis keys (tests use one per run). */
  readonly redisPrefix?: string;
  readonly random?: () => number;
}

/** Each complexity route's router (the bundled one, or `model:` read from a file) and its threshold. */
async function loadRouters(config: GatewayConfig, cwd: string): Promise<Map<string, ComplexityRouter>> {
  const out = new Map<string, ComplexityRouter>();
  for (const r of config.routes) {
    if (r.strategy !== 'complexity') continue;
    let model: RouterModel;
    if (r.model === undefined) model = await defaultRouterModel();
    else model = loadRouterModel(JSON.parse(await readFile(resolve(cwd, r.model), 'utf8')) as unknown);
    out.set(r.name, complexityRouter(model, r.threshold));
  }
  return out;
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
  const store =
    opts.store ??
    (await openLedgerStore(config.storage.url, opts.cwd ?? process.cwd(), {
      onWarning: (message) => {
        logger.warn(message);
      },
    }));
  const metrics = new GatewayMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  const writer = new LedgerWriter(store, config.storage.batchRows, (error, rows) => {
    logger.error({ err: (error as Error).message, rows }, 'ledger batch failed');
  });
  const cwd = opts.cwd ?? process.cwd();
  const clock = (): number => performance.now();
  const now = opts.now ?? Date.now;
  const redisUrl = config.storage.redis;
  const prefix = opts.redisPrefix ?? 'costwise:';
  const budgetStore: BudgetStore =
    redisUrl === undefined ? new MemoryBudgetStore() : await RedisBudgetStore.open(redisUrl, prefix);
  const cacheConfig = config.cache.responses;
  let responseCache: ResponseCache | null = null;
  if (cacheConfig.enabled)
    responseCache =
      cacheConfig.store === 'redis' && redisUrl !== undefined
        ? await RedisResponseCache.open(redisUrl, prefix)
        : cacheConfig.store === 'sqlite'
          ? SqliteResponseCache.open(
              cacheConfig.path === ':memory:'
                ? ':memory:'
                : resolve(opts.cwd ?? process.cwd(), cacheConfig.path),
              cacheConfig.maxEntries,
              now,
              (message) => {
                logger.warn(message);
              },
            )
          : new MemoryResponseCache(cacheConfig.maxEntries, now);
  const context: GatewayContext = {
    config,
    models: routeModels(config, logger),
    keys: new KeyRing(config.keys, store, now),
    routes: new Map(config.routes.map((r) => [r.name, r])),
    routers: await loadRouters(config, cwd),
    breakers: new CircuitBreakers(config.circuitBreaker.failures, config.circuitBreaker.cooldownMs, clock),
    affinity: new ConversationAffinity(clock),
    budgets: new KeyBudgets(budgetStore, (key, sinceMs) => store.keySpend(key, sinceMs)),
    responseCache,
    flights: new SingleFlight<CachedResponse | null>(),
    random: opts.random ?? Math.random,
    sleep: (ms) => delay(ms),
    store,
    writer,
    metrics,
    logger,
    now,
    clock,
    upstream: opts.upstream ?? createUpstreamClient(),
    newId: () => `cw-${uuidV7()}`,
  };
  return {
    app: createApp(context),
    context,
    async close() {
      await writer.flush();
      await budgetStore.close();
      await responseCache?.close();
      await store.close();
    },
  };
}
