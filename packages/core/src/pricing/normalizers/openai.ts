import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { done, parseShape, tokens, usageOf, type Normalized, type UsageNormalizer } from './_shared.js';

const ChatUsage = z.looseObject({
  prompt_tokens: tokens,
  completion_tokens: tokens,
  total_tokens: tokens,
  cache_write_tokens: tokens,
  prompt_tokens_details: z.looseObject({ cached_tokens: tokens, cache_write_tokens: tokens }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: tokens }).nullish(),
});

/**
 * OpenAI Chat Completions (and every OpenAI-compatible server): `prompt_tokens` includes the cached
 * part (`prompt_tokens_details.cached_tokens`); `reasoning_tokens` are part of `completion_tokens`; cache
 * writes (GPT-5.6 and later) are reported as `cache_write_tokens` and billed as 5-minute-class writes.
 * @see provider-billing.md §2 and §4.2
 */
export function normalizeOpenAiChat(raw: unknown, field = 'usage'): Normalized {
  const u = parseShape(ChatUsage, usageOf(raw, 'usage'), field);
  if (u.prompt_tokens === undefined || u.prompt_tokens === null) {
    throw invalidInput(
      `${field}.prompt_tokens`,
      'missing; an OpenAI usage object has prompt_tokens and completion_tokens',
    );
  }
  const writes = u.prompt_tokens_details?.cache_write_tokens ?? u.cache_write_tokens ?? 0;
  const completion = u.completion_tokens ?? 0;
  const warnings: string[] = [];
  let reasoning = u.completion_tokens_details?.reasoning_tokens ?? 0;
  let output = completion;
  // Gemini's OpenAI-compatible endpoint leaves thinking out of completion_tokens but counts it in total_tokens.
  const hidden = (u.total_tokens ?? 0) - u.prompt_tokens - completion;
  if (hidden > 0 && u.completion_tokens_details?.reasoning_tokens === undefined) {
    reasoning = hidden;
    output = completion + hidden;
    warnings.push(
      `${field}: total_tokens exceeds prompt + completion by ${hidden}; counted as unreported reasoning (billed as output)`,
    );
  }
  return done(
    {
      inputTokens: u.prompt_tokens,
      cacheReadTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
      cacheWrite5mTokens: writes,
      cacheWrite1hTokens: 0,
      outputTokens: output,
      reasoningTokens: reasoning,
    },
    warnings,
    field,
  );
}

const ResponsesUsage = z.looseObject({
  input_tokens: tokens,
  output_tokens: tokens,
  cache_write_tokens: tokens,
  input_tokens_details: z.looseObject({ cached_tokens: tokens, cache_write_tokens: tokens }).nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: tokens }).nullish(),
});

/** OpenAI Responses API: `input_tokens` includes `input_tokens_details.cached_tokens`; reasoning inside `output_tokens`. */
export function normalizeOpenAiResponses(raw: unknown, field = 'usage'): Normalized {
  let body = raw;
  // a response.completed stream event wraps the response
  if (body !== null && typeof body === 'object' && 'response' in body) body = body.response;
  const u = parseShape(ResponsesUsage, usageOf(body, 'usage'), field);
  if (u.input_tokens === undefined || u.input_tokens === null) {
    throw invalidInput(
      `${field}.input_tokens`,
      'missing; a Responses usage object has input_tokens and output_tokens',
    );
  }
  return done(
    {
      inputTokens: u.input_tokens,
      cacheReadTokens: u.input_tokens_details?.cached_tokens ?? 0,
      cacheWrite5mTokens: u.input_tokens_details?.cache_write_tokens ?? u.cache_write_tokens ?? 0,
      cacheWrite1hTokens: 0,
      outputTokens: u.output_tokens ?? 0,
      reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? 0,
    },
    [],
    field,
  );
}

/** The last event that carries usage wins (chat: the final chunk of `stream_options.include_usage`). */
function lastWithUsage(events: readonly unknown[], key: string): unknown {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e !== null && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      if (o[key] !== null && o[key] !== undefined) return e;
      const response = o['response'] as Record<string, unknown> | undefined;
      if (response?.[key]) return e;
    }
  }
  return undefined;
}

export const openAiChat: UsageNormalizer = {
  api: 'openai-chat',
  description:
    'OpenAI Chat Completions and OpenAI-compatible servers (usage on the last chunk when streaming)',
  normalize: normalizeOpenAiChat,
  normalizeStream(events, field = 'stream') {
    const e = lastWithUsage(events, 'usage');
    if (e === undefined) {
      throw invalidInput(
        field,
        'no chunk carries usage; request it with stream_options: { include_usage: true }',
      );
    }
    return normalizeOpenAiChat(e, field);
  },
};

export const openAiResponses: UsageNormalizer = {
  api: 'openai-responses',
  description: 'OpenAI Responses API (usage on response.completed when streaming)',
  normalize: normalizeOpenAiResponses,
  normalizeStream(events, field = 'stream') {
    const e = lastWithUsage(events, 'usage');
    if (e === undefined) throw invalidInput(field, 'no response.completed event with usage');
    return normalizeOpenAiResponses(e, field);
  },
};
