/**
 * Billing rules genai-prices does not carry, per provider (capabilities as data): the batch
 * discount and whether the cache prices stack with it.
 * @see provider-billing.md §4.5 (batch summary) and §4.1–4.4
 */
export interface ProviderRules {
  /** Fraction taken off list prices by the batch API; null when the provider has none. */
  readonly batchDiscount: number | null;
  /** Whether cache reads and writes get the batch discount too (Anthropic: yes; Vertex: no, the cache discount wins). */
  readonly batchAppliesToCache: boolean;
  readonly source: string;
}

export const PROVIDER_RULES: Readonly<Record<string, ProviderRules>> = {
  openai: {
    batchDiscount: 0.5,
    batchAppliesToCache: true,
    source:
      'OpenAI batch guide: "50% cost discount"; batch pricing lists a cached-input row at half the cached rate',
  },
  anthropic: {
    batchDiscount: 0.5,
    batchAppliesToCache: true,
    source:
      'Anthropic pricing: Batch 50% off input and output; prompt-caching multipliers "stack with other pricing modifiers such as the Batch API discount"',
  },
  google: {
    batchDiscount: 0.5,
    batchAppliesToCache: true,
    source:
      'Gemini API Batch Mode: 50% of the interactive price (cache stacking not stated; taken as stacking)',
  },
  vertex: {
    batchDiscount: 0.5,
    batchAppliesToCache: false,
    source:
      'Vertex AI batch inference: "the discounts for cache and batch don\'t stack. The 90% cache hit discount takes precedence over the batch discount."',
  },
  'x-ai': { batchDiscount: null, batchAppliesToCache: false, source: 'no batch discount recorded' },
  deepseek: {
    batchDiscount: null,
    batchAppliesToCache: false,
    source: 'DeepSeek has no batch API (off-peak discounts come from the dated price data)',
  },
};

export function rulesFor(providerId: string): ProviderRules {
  return (
    PROVIDER_RULES[providerId] ?? {
      batchDiscount: null,
      batchAppliesToCache: false,
      source: `no rules recorded for ${providerId}`,
    }
  );
}
