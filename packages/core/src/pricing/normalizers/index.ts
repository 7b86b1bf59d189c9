import { invalidInput } from '../../errors.js';
import type { UsageNormalizer } from './_shared.js';
import { anthropicMessages } from './anthropic.js';
import { deepseek } from './deepseek.js';
import { gemini } from './gemini.js';
import { openAiChat, openAiResponses } from './openai.js';

export type { Normalized, UsageNormalizer } from './_shared.js';
export { normalizeAnthropic, normalizeAnthropicStream } from './anthropic.js';
export { normalizeDeepSeek } from './deepseek.js';
export { normalizeGemini } from './gemini.js';
export { normalizeOpenAiChat, normalizeOpenAiResponses } from './openai.js';

/**
 * Every provider usage shape Costwise reads. OpenRouter, vLLM, SGLang, Together, Groq and the other
 * OpenAI-compatible servers use `openai-chat` (OpenRouter adds `cache_write_tokens` in
 * `prompt_tokens_details` and a `cost`, which is ignored: Costwise prices from its own data).
 */
export const USAGE_NORMALIZERS = {
  'openai-chat': openAiChat,
  'openai-responses': openAiResponses,
  'anthropic-messages': anthropicMessages,
  gemini,
  deepseek,
  openrouter: openAiChat,
} as const satisfies Record<string, UsageNormalizer>;

export type UsageApi = keyof typeof USAGE_NORMALIZERS;

export function isUsageApi(api: string): api is UsageApi {
  return Object.hasOwn(USAGE_NORMALIZERS, api);
}

/** The shape of a recorded response body, from the fields it has. */
export function detectUsageApi(raw: unknown): UsageApi {
  if (raw === null || typeof raw !== 'object')
    throw invalidInput('response', 'must be a JSON object (a provider response body)');
  const o = raw as Record<string, unknown>;
  if ('usageMetadata' in o || 'promptTokenCount' in o) return 'gemini';
  const usage = (('usage' in o
    ? o['usage']
    : 'response' in o
      ? (o['response'] as Record<string, unknown> | null)?.['usage']
      : o) ?? {}) as Record<string, unknown>;
  if ('prompt_cache_hit_tokens' in usage) return 'deepseek';
  if ('cache_creation_input_tokens' in usage || 'cache_read_input_tokens' in usage || o['type'] === 'message')
    return 'anthropic-messages';
  if (
    'input_tokens' in usage &&
    ('input_tokens_details' in usage || o['object'] === 'response' || 'response' in o)
  )
    return 'openai-responses';
  if ('input_tokens' in usage) return 'anthropic-messages';
  if ('prompt_tokens' in usage) return 'openai-chat';
  throw invalidInput(
    'response',
    'no usage found: expected usage (OpenAI, Anthropic, DeepSeek) or usageMetadata (Gemini)',
  );
}

/** The shape of a recorded stream (parsed SSE `data:` payloads, in order), from its event types. */
export function detectStreamApi(events: readonly unknown[]): UsageApi {
  const objects = events.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object');
  if (objects.some((e) => e['type'] === 'message_start' || e['type'] === 'message_delta'))
    return 'anthropic-messages';
  if (objects.some((e) => 'usageMetadata' in e)) return 'gemini';
  if (objects.some((e) => typeof e['type'] === 'string' && e['type'].startsWith('response.')))
    return 'openai-responses';
  const withUsage = [...objects].reverse().find((e) => e['usage'] !== null && typeof e['usage'] === 'object');
  if (withUsage) return detectUsageApi(withUsage);
  throw invalidInput('stream', 'no event carries usage (OpenAI: request stream_options.include_usage)');
}
