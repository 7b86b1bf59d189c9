import { PriceOverridesSchema } from '@costwise/core';
import { z } from 'zod';

/** Every provider kind the gateway can call; each has one folder under `providers/`. */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

const DEFAULT_PORT = 8787;
/** 10 MiB: agent and image requests are large (gateway-lessons.md §4, body limits). */
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

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
});

export const KeyConfigSchema = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(8, 'a virtual key needs at least 8 characters'),
});

export const GatewayConfigSchema = z
  .strictObject({
    server: z
      .strictObject({
        port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
        host: z.string().min(1).default('127.0.0.1'),
        maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
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
    c.keys.forEach((k, i) => {
      if (keys.has(k.key))
        ctx.addIssue({ code: 'custom', path: ['keys', i, 'key'], message: 'the same key is given twice' });
      keys.add(k.key);
    });
  });

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** The JSON Schema of `costwise.yaml` (input side: defaults are optional). */
export function gatewayConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(GatewayConfigSchema, { io: 'input' });
}
