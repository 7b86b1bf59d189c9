import { PriceOverridesSchema, ThresholdTargetSchema } from '@costwise/core';
import { z } from 'zod';

/** Every provider kind the gateway can call; each has one folder under `providers/`. */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

const DEFAULT_PORT = 8787;
/** 10 MiB: agent and image requests are large (gateway-lessons.md §4, body limits). */
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * How long an idle client connection is kept open: 65 s, over the 60 s idle time-out of AWS's load
 * balancers by default. A server that closes an idle connection before the load balancer in front of it
 * does races it: the balancer may send a request down the connection as it closes and answer its client
 * 502 (AWS, "Edit attributes for your Application Load Balancer", connection idle timeout:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html).
 * Node's own default, 5 s, is under every such balancer's. Clients that connect directly (the OpenAI and
 * Anthropic SDKs over undici) drop their idle connections after 4 s themselves.
 */
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL, e.g. https://api.openai.com/v1');

export const ProviderConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: httpUrl,
  apiKey: z.string().optional(),
  /** Whole request, first byte to last. */
  timeoutMs: z.number().int().positive().default(600_000),
  /** Until the upstream's response headers arrive. */
  firstByteTimeoutMs: z.number().int().positive().default(60_000),
  /**
   * Providers with explicit prompt caching (Anthropic): place cache_control breakpoints on the static
   * prefix of requests that carry none. Ignored by providers that cache automatically.
   */
  autoCacheControl: z.boolean().default(true),
  /** The provider id in @pydantic/genai-prices (defaults from the kind: openai, anthropic, google). */
  priceProvider: z.string().min(1).optional(),
});

export const ModelConfigSchema = z.strictObject({
  /** The name clients ask for. */
  name: z.string().min(1),
  provider: z.string().min(1),
  /** The model id sent upstream. */
  model: z.string().min(1),
  prices: PriceOverridesSchema.optional(),
  /** Context window in tokens (defaults from core's catalog of closed models; used by `cheapest` routes). */
  contextTokens: z.number().int().positive().optional(),
});

export const BUDGET_WINDOWS = ['day', 'month', 'total'] as const;
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];

/** A key's limits; every one optional (absent = unlimited). Shared by `keys:` and `POST /admin/keys`. */
export const KeyLimitsSchema = z.strictObject({
  /** USD per budgetWindow (UTC day, UTC month or all time). */
  budgetUsd: z.number().nonnegative().optional(),
  budgetWindow: z.enum(BUDGET_WINDOWS).default('total'),
  /** Requests per minute. */
  rpm: z.number().int().positive().optional(),
  /** Tokens per minute (input estimated at admission, output counted when it completes). */
  tpm: z.number().int().positive().optional(),
  /** Model or route names this key may ask for (absent = all). */
  allowedModels: z.array(z.string().min(1)).min(1, 'give at least one name, or leave it out').optional(),
});

export const KeyConfigSchema = KeyLimitsSchema.extend({
  name: z.string().min(1),
  key: z.string().min(8, 'a virtual key needs at least 8 characters'),
});

const routeName = z.string().min(1);
export const RouteConfigSchema = z.discriminatedUnion('strategy', [
  z.strictObject({
    name: routeName,
    strategy: z.literal('fallback'),
    /** Model names tried in order on errors, 429s and time-outs. */
    targets: z.array(z.string().min(1)).min(1, 'give at least one model name'),
    /** Backoff before the next target: backoffMs × 2^attempt × a random factor in [0.5, 1). */
    backoffMs: z.number().int().nonnegative().default(50),
  }),
  z.strictObject({
    name: routeName,
    strategy: z.literal('cheapest'),
    candidates: z.array(z.string().min(1)).min(1, 'give at least one model name'),
    /** Output tokens assumed when a request sets no max_tokens. */
    expectedOutputTokens: z.number().int().positive().default(500),
  }),
  z.strictObject({
    name: routeName,
    strategy: z.literal('complexity'),
    weak: z.string().min(1),
    strong: z.string().min(1),
    /** A score threshold (number) or a target the threshold is chosen from on the router's calibration curve. */
    threshold: z.union([z.number(), ThresholdTargetSchema]).default({ strongShare: 0.5 }),
    /** A router file from `costwise route train` (default: the bundled router). */
    model: z.string().min(1).optional(),
  }),
]);

export const CircuitBreakerSchema = z
  .strictObject({
    /** Consecutive failures of one provider that open its circuit. */
    failures: z.number().int().positive().default(5),
    /** How long an open circuit refuses calls before one trial call. */
    cooldownMs: z.number().int().positive().default(30_000),
  })
  .prefault({});

export const GatewayConfigSchema = z
  .strictObject({
    server: z
      .strictObject({
        port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
        host: z.string().min(1).default('127.0.0.1'),
        maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
        /** Idle keep-alive connections from clients close after this long; keep it over a load balancer's idle time-out. */
        keepAliveTimeoutMs: z.number().int().positive().default(DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
      })
      .prefault({}),
    storage: z
      .strictObject({
        url: z
          .string()
          .regex(
            /^(sqlite:|postgres:\/\/|postgresql:\/\/)/,
            'must start with sqlite: (e.g. sqlite://.costwise/costwise.db) or postgres://',
          )
          .default('sqlite://.costwise/costwise.db'),
        /** Rows per write batch. */
        batchRows: z.number().int().positive().default(256),
        /** redis://host:port: budgets, limits and the response cache shared by several gateway instances. */
        redis: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379')
          .optional(),
      })
      .prefault({}),
    budgets: z
      .strictObject({
        /** max_tokens assumed for the worst-case reservation when a request sets none. */
        defaultMaxTokens: z.number().int().positive().default(4096),
      })
      .prefault({}),
    circuitBreaker: CircuitBreakerSchema,
    cache: z
      .strictObject({
        responses: z
          .strictObject({
            enabled: z.boolean().default(false),
            ttlSeconds: z.number().int().positive().default(3600),
            store: z.enum(['memory', 'sqlite', 'redis']).default('memory'),
            /** Entries kept by the memory and sqlite stores (memory: oldest stored dropped first; sqlite: soonest to expire). */
            maxEntries: z.number().int().positive().default(10_000),
            /** The sqlite store's file, relative to the working directory. */
            path: z.string().min(1).default('.costwise/response-cache.db'),
          })
          .prefault({}),
      })
      .prefault({}),
    adminKey: z.string().min(8, 'the admin key needs at least 8 characters').optional(),
    logging: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Log request and response bodies. Off by default: prompts are user data. */
        prompts: z.boolean().default(false),
      })
      .prefault({}),
    providers: z.array(ProviderConfigSchema).default([]),
    models: z.array(ModelConfigSchema).default([]),
    keys: z.array(KeyConfigSchema).default([]),
    routes: z.array(RouteConfigSchema).default([]),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    c.providers.forEach((p, i) => {
      if (ids.has(p.id))
        ctx.addIssue({
          code: 'custom',
          path: ['providers', i, 'id'],
          message: `duplicate provider id "${p.id}"`,
        });
      ids.add(p.id);
    });
    const names = new Set<string>();
    c.models.forEach((m, i) => {
      if (!ids.has(m.provider))
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'provider'],
          message: `"${m.provider}" is not a provider id (${[...ids].join(', ') || 'no providers configured'})`,
        });
      if (names.has(m.name))
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'name'],
          message: `duplicate model name "${m.name}"`,
        });
      names.add(m.name);
    });
    const keys = new Set<string>();
    const keyNames = new Set<string>();
    c.keys.forEach((k, i) => {
      if (keys.has(k.key))
        ctx.addIssue({ code: 'custom', path: ['keys', i, 'key'], message: 'the same key is given twice' });
      if (keyNames.has(k.name))
        ctx.addIssue({
          code: 'custom',
          path: ['keys', i, 'name'],
          message: `duplicate key name "${k.name}"`,
        });
      keys.add(k.key);
      keyNames.add(k.name);
    });
    c.routes.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'name'],
          message: `"${r.name}" is already a model or route name`,
        });
      names.add(r.name);
      const targets =
        r.strategy === 'fallback' ? r.targets : r.strategy === 'cheapest' ? r.candidates : [r.weak, r.strong];
      const field = r.strategy === 'fallback' ? 'targets' : r.strategy === 'cheapest' ? 'candidates' : null;
      targets.forEach((t, j) => {
        if (!c.models.some((m) => m.name === t))
          ctx.addIssue({
            code: 'custom',
            path: field === null ? ['routes', i, j === 0 ? 'weak' : 'strong'] : ['routes', i, field, j],
            message: `"${t}" is not a model name under models:`,
          });
      });
    });
    if (c.cache.responses.store === 'redis' && c.storage.redis === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['cache', 'responses', 'store'],
        message: 'store: redis needs storage.redis (e.g. redis://127.0.0.1:6379)',
      });
  });

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type KeyConfig = z.infer<typeof KeyConfigSchema>;
export type KeyLimits = z.infer<typeof KeyLimitsSchema>;
export type RouteConfig = z.infer<typeof RouteConfigSchema>;

/** The JSON Schema of `costwise.yaml` (input side: defaults are optional). */
export function gatewayConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(GatewayConfigSchema, { io: 'input' });
}
