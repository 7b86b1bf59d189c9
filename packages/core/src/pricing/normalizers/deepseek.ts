import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { done, parseShape, tokens, usageOf, type Normalized, type UsageNormalizer } from './_shared.js';
import { openAiChat } from './openai.js';

const DeepSeekUsage = z.looseObject({
  prompt_tokens: tokens,
  completion_tokens: tokens,
  prompt_cache_hit_tokens: tokens,
  prompt_cache_miss_tokens: tokens,
  completion_tokens_details: z.looseObject({ reasoning_tokens: tokens }).nullish(),
});

/**
 * DeepSeek: the prompt splits into `prompt_cache_hit_tokens` (billed at the hit price) and
 * `prompt_cache_miss_tokens`; their sum is the input. Disk caching has no write charge.
 * @see provider-billing.md §2, §4.4 (api-docs.deepseek.com/guides/kv_cache)
 */
export function normalizeDeepSeek(raw: unknown, field = 'usage'): Normalized {
  const u = parseShape(DeepSeekUsage, usageOf(raw, 'usage'), field);
  const hit = u.prompt_cache_hit_tokens;
  const miss = u.prompt_cache_miss_tokens;
  if (hit === undefined || hit === null || miss === undefined || miss === null) {
    if (u.prompt_tokens === undefined || u.prompt_tokens === null) {
      throw invalidInput(`${field}.prompt_cache_hit_tokens`, 'missing, and no prompt_tokens either');
    }
    return {
      usage: { ...openAiChat.normalize(raw, field).usage },
      warnings: [`${field}: no hit/miss split; counted as uncached`],
    };
  }
  const warnings: string[] = [];
  if (u.prompt_tokens !== undefined && u.prompt_tokens !== null && u.prompt_tokens !== hit + miss) {
    warnings.push(
      `${field}: prompt_tokens ${u.prompt_tokens} differs from hit + miss ${hit + miss}; hit + miss is billed`,
    );
  }
  return done(
    {
      inputTokens: hit + miss,
      cacheReadTokens: hit,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: u.completion_tokens ?? 0,
      reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    },
    warnings,
    field,
  );
}

export const deepseek: UsageNormalizer = {
  api: 'deepseek',
  description: 'DeepSeek chat completions (prompt cache hit/miss split)',
  normalize: normalizeDeepSeek,
  normalizeStream(events, field = 'stream') {
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i];
      if (e !== null && typeof e === 'object' && (e as { usage?: unknown }).usage)
        return normalizeDeepSeek(e, field);
    }
    throw invalidInput(field, 'no chunk carries usage');
  },
};
