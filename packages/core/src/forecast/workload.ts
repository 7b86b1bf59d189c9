import { z } from 'zod';
import { invalidInput } from '../errors.js';

const tokens = z.number().int().nonnegative();
const share = z.number().min(0).max(1);

/** A token count: a constant mean, or an empirical sample (needed where a cap cuts the distribution). */
export const TokenDistribution = z.union([
  z.strictObject({ mean: z.number().nonnegative() }),
  z.strictObject({ values: z.array(z.number().nonnegative()).min(1) }),
]);
export type TokenDistribution = z.infer<typeof TokenDistribution>;

const ApiOption = z.strictObject({
  name: z.string().min(1),
  /** provider:model as @pydantic/genai-prices names it */
  api: z.string().regex(/^[\w.-]+:.+$/, 'provider:model, e.g. anthropic:claude-sonnet-4-5'),
  /** Price overrides (negotiated or self-hosted rates), USD per million tokens. */
  prices: z
    .strictObject({
      inputMtok: z.number().nonnegative().optional(),
      outputMtok: z.number().nonnegative().optional(),
      cacheReadMtok: z.number().nonnegative().optional(),
      cacheWriteMtok: z.number().nonnegative().optional(),
      cacheWrite1hMtok: z.number().nonnegative().optional(),
    })
    .optional(),
});

/** A self-hosted configuration, priced through the performance model (costwise perf at the largest batch). */
const SelfHostedOption = z.strictObject({
  name: z.string().min(1),
  selfHosted: z.strictObject({
    /** Catalog model id (costwise models). */
    model: z.string().min(1),
    /** GPU id (costwise fit lists them). */
    gpu: z.string().min(1),
    /** Tensor-parallel GPUs per replica. */
    gpus: z.number().int().positive().default(1),
    precision: z.string().default('bf16'),
    kvDtype: z.string().optional(),
    engine: z.enum(['vllm', 'sglang', 'trtllm', 'llamacpp', 'hf']).default('vllm'),
    /** Price of one GPU-hour (USD). */
    gpuHourlyUsd: z.number().positive(),
    /** Share of paid GPU time that serves traffic (0–1]: idle and headroom are paid too. */
    utilization: z.number().gt(0).max(1),
    /** Replicas running all month whatever the traffic (0: pay only for GPU time used, e.g. shared or autoscaled to zero). */
    minimumReplicas: z.number().int().nonnegative().default(1),
  }),
});
export type SelfHostedOption = z.infer<typeof SelfHostedOption>;

/**
 * A month of traffic and the options to price it with. Published as JSON Schema by
 * `costwise forecast --schema` (docs/workload.schema.json).
 */
export const WorkloadSchema = z.strictObject({
  name: z.string().optional(),
  traffic: z
    .strictObject({
      requestsPerMonth: z.number().positive().optional(),
      requestsPerDay: z.number().positive().optional(),
      /** How requests sharing the static prefix arrive (cache hits depend on it): spread over the month, or within business hours (22 days × 10 h). */
      arrival: z.enum(['poisson', 'business-hours']).default('poisson'),
      conversations: z
        .strictObject({
          turnsPerConversation: z.number().min(1),
          secondsBetweenTurns: z.number().positive(),
        })
        .optional(),
    })
    .refine((t) => (t.requestsPerMonth === undefined) !== (t.requestsPerDay === undefined), {
      error: 'give exactly one of requestsPerMonth or requestsPerDay',
    }),
  prompt: z.strictObject({
    /** Shared static prefix: system prompt, tool definitions, fixed documents. */
    staticPrefixTokens: tokens.default(0),
    /** History added per earlier turn of a conversation (its messages and the replies). */
    historyTokensPerTurn: tokens.default(0),
    /** The part that changes with every request. */
    dynamicTokens: TokenDistribution,
  }),
  output: z.strictObject({ tokens: TokenDistribution }),
  options: z.array(z.union([ApiOption, SelfHostedOption])).min(1),
  levers: z
    .strictObject({
      caching: z.strictObject({ ttl: z.enum(['auto', '5m', '1h']).default('auto') }).optional(),
      /** Share of requests that can wait for the batch API (50% off where offered). */
      batchShare: share.optional(),
      /** Send a share of requests to a cheaper model (the router decides which). */
      routing: z.strictObject({ to: z.string().regex(/^[\w.-]+:.+$/), share }).optional(),
      /** Cap on output tokens (max_tokens). */
      maxTokens: z.number().int().positive().optional(),
      /** Share of the history and dynamic context kept (4K of 16K: 0.25). */
      contextKept: z.number().gt(0).max(1).optional(),
    })
    .default({}),
});
export type Workload = z.infer<typeof WorkloadSchema>;

export function parseWorkload(raw: unknown, field = 'workload'): Workload {
  const r = WorkloadSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${field}.${issue.path.map(String).join('.')}` : field;
  throw invalidInput(path, issue?.message ?? 'invalid workload');
}

/** The workload file's JSON Schema, generated from the zod schema (one source of truth). */
export function workloadJsonSchema(): unknown {
  return z.toJSONSchema(WorkloadSchema, { io: 'input' });
}

export function mean(d: TokenDistribution): number {
  return 'mean' in d ? d.mean : d.values.reduce((s, x) => s + x, 0) / d.values.length;
}

/** E[min(X, cap)]: a constant is cut at the cap; a sample value by value. */
export function cappedMean(d: TokenDistribution, cap: number): number {
  if ('mean' in d) return Math.min(d.mean, cap);
  return d.values.reduce((s, x) => s + Math.min(x, cap), 0) / d.values.length;
}
