import { calcPrice } from '@pydantic/genai-prices';
import { z } from 'zod';
import { CostwiseError, invalidInput } from '../errors.js';

/** Rates above a context threshold: when a request's whole input exceeds it, every token is billed at them. */
export interface ContextTier {
  /** Strictly more input tokens than this (cache reads and writes included) selects the tier. */
  readonly thresholdTokens: number;
  readonly inputMtok?: number;
  readonly outputMtok?: number;
  readonly cacheReadMtok?: number;
  readonly cacheWriteMtok?: number;
  readonly cacheWrite1hMtok?: number;
  readonly reasoningMtok?: number;
}

/** A model's list prices in USD per million tokens (and per request), Costwise's shape of a genai-prices record. */
export interface PriceRecord {
  readonly inputMtok: number;
  readonly outputMtok: number;
  readonly cacheReadMtok?: number;
  /** 5-minute-class cache writes (Anthropic 1.25× input; OpenAI GPT-5.6+ 1.25×). */
  readonly cacheWriteMtok?: number;
  /** 1-hour cache writes (Anthropic 2× input). */
  readonly cacheWrite1hMtok?: number;
  /** Reasoning tokens where priced apart from output; else they are billed as output. */
  readonly reasoningMtok?: number;
  readonly requestUsd?: number;
  /** Gemini explicit context caching: storage per million tokens per hour of TTL. */
  readonly cacheStorageMtokHour?: number;
  /** Long-context cliffs, lowest threshold first. */
  readonly tiers?: readonly ContextTier[];
}

export interface ResolvedPrice {
  readonly record: PriceRecord;
  /** Where the prices came from: `@pydantic/genai-prices anthropic/claude-sonnet-4-5`, plus overrides. */
  readonly source: string;
  readonly providerId: string;
  readonly modelId: string;
  readonly warnings: readonly string[];
}

const mtok = z.number().nonnegative();

/** User price overrides (`--prices`): genai-prices' key names in camelCase. */
export const PriceOverridesSchema = z.strictObject({
  inputMtok: mtok.optional(),
  outputMtok: mtok.optional(),
  cacheReadMtok: mtok.optional(),
  cacheWriteMtok: mtok.optional(),
  cacheWrite1hMtok: mtok.optional(),
  reasoningMtok: mtok.optional(),
  requestUsd: mtok.optional(),
  cacheStorageMtokHour: mtok.optional(),
  longContext: z
    .strictObject({
      thresholdTokens: z.number().int().nonnegative(),
      inputMtok: mtok.optional(),
      outputMtok: mtok.optional(),
      cacheReadMtok: mtok.optional(),
      cacheWriteMtok: mtok.optional(),
      cacheWrite1hMtok: mtok.optional(),
    })
    .optional(),
});
export type PriceOverrides = z.infer<typeof PriceOverridesSchema>;

export function parsePriceOverrides(raw: unknown, field = '--prices'): PriceOverrides {
  const r = PriceOverridesSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${field}.${issue.path.map(String).join('.')}` : field;
  throw invalidInput(
    path,
    `${issue?.message ?? 'invalid'}; keys: inputMtok, outputMtok, cacheReadMtok, cacheWriteMtok, cacheWrite1hMtok, reasoningMtok, requestUsd, cacheStorageMtokHour, longContext`,
  );
}

type GenaiPrice = number | { base: number; tiers: readonly { start: number; price: number }[] } | undefined;

/** genai-prices keys → Costwise keys (USD per million tokens). */
const KEYS = {
  input_mtok: 'inputMtok',
  output_mtok: 'outputMtok',
  cache_read_mtok: 'cacheReadMtok',
  cache_write_mtok: 'cacheWriteMtok',
  cache_write_5m_mtok: 'cacheWriteMtok',
  cache_write_1h_mtok: 'cacheWrite1hMtok',
  output_reasoning_mtok: 'reasoningMtok',
} as const;

/**
 * Converts a genai-prices price object: flat prices, and tiered prices ({ base, tiers: [{ start,
 * price }] }, applied by genai-prices when the request's input tokens are strictly more than `start`)
 * into context tiers.
 */
export function fromGenaiPrices(prices: Readonly<Record<string, unknown>>): {
  record: PriceRecord;
  ignored: string[];
} {
  const flat: Record<string, number> = {};
  const tiers = new Map<number, Record<string, number>>();
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(prices)) {
    const k = (KEYS as Record<string, string>)[key];
    if (key === 'requests_kcount' && typeof value === 'number') {
      flat['requestUsd'] = value / 1000;
      continue;
    }
    if (!k) {
      if (value !== undefined) ignored.push(key);
      continue;
    }
    const v = value as GenaiPrice;
    if (typeof v === 'number') flat[k] = v;
    else if (v && typeof v === 'object') {
      flat[k] = v.base;
      for (const t of v.tiers) {
        const tier = tiers.get(t.start) ?? {};
        tier[k] = t.price;
        tiers.set(t.start, tier);
      }
    }
  }
  if (flat['inputMtok'] === undefined || flat['outputMtok'] === undefined) {
    throw new CostwiseError(
      'UNSUPPORTED',
      'the price record has no input or output token price (not a text model?)',
    );
  }
  const record: PriceRecord = {
    ...(flat as { inputMtok: number; outputMtok: number }),
    ...(tiers.size > 0
      ? {
          tiers: [...tiers.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([thresholdTokens, r]) => ({ thresholdTokens, ...r })),
        }
      : {}),
  };
  return { record, ignored };
}

function applyOverrides(record: PriceRecord | null, o: PriceOverrides, label: string): PriceRecord {
  const { longContext, ...flat } = o;
  const given = Object.fromEntries(Object.entries(flat).filter(([, v]) => v !== undefined));
  const merged = { ...(record ?? {}), ...given } as Partial<PriceRecord>;
  if (merged.inputMtok === undefined || merged.outputMtok === undefined) {
    throw invalidInput('--prices', `${label} has no price record: give at least inputMtok and outputMtok`);
  }
  const tiers: ContextTier[] = longContext
    ? [
        Object.fromEntries(
          Object.entries(longContext).filter(([, v]) => v !== undefined),
        ) as unknown as ContextTier,
      ]
    : [...(record?.tiers ?? [])];
  return { ...(merged as PriceRecord), ...(tiers.length > 0 ? { tiers } : {}) };
}

/**
 * The price of `providerId:modelId` at a date (genai-prices resolves dated and time-of-day price
 * constraints), with user overrides on top. An unpriced model id (e.g. `self:my-llama`) is accepted when
 * the overrides are complete.
 */
export function resolvePrice(
  providerId: string,
  modelId: string,
  opts: { readonly at?: Date; readonly overrides?: PriceOverrides } = {},
): ResolvedPrice {
  const warnings: string[] = [];
  let record: PriceRecord | null = null;
  let source = '';
  let resolvedModel = modelId;
  const found = calcPrice({ input_tokens: 0 }, modelId, {
    providerId,
    ...(opts.at ? { timestamp: opts.at } : {}),
  });
  if (found) {
    let converted: ReturnType<typeof fromGenaiPrices>;
    try {
      converted = fromGenaiPrices(found.model_price);
    } catch {
      if (!opts.overrides) {
        throw invalidInput(
          '<provider:model>',
          `the genai-prices record ${found.provider.id}/${found.model.id} has no input and output token prices; give --prices`,
        );
      }
      converted = { record: { inputMtok: 0, outputMtok: 0 }, ignored: [] };
    }
    record = converted.record;
    resolvedModel = found.model.id;
    source = `@pydantic/genai-prices ${found.provider.id}/${found.model.id}${opts.at ? ` as of ${opts.at.toISOString().slice(0, 10)}` : ''}`;
    if (converted.ignored.length > 0)
      warnings.push(`prices not applied to token usage: ${converted.ignored.join(', ')}`);
  }
  const overrides = opts.overrides && Object.keys(opts.overrides).length > 0 ? opts.overrides : null;
  if (overrides) {
    record = applyOverrides(record, overrides, `${providerId}:${modelId}`);
    source = source
      ? `${source}, with overrides (${Object.keys(overrides).join(', ')})`
      : 'user prices (--prices)';
  }
  if (!record) {
    throw invalidInput(
      '<provider:model>',
      `no price for ${providerId}:${modelId} in @pydantic/genai-prices; give --prices with inputMtok and outputMtok`,
    );
  }
  return { record, source, providerId, modelId: resolvedModel, warnings };
}
