import type { CanonicalUsage } from '@costwise/core';

import type { Json } from '../_json.js';

export { isObject, str, type Json } from '../_json.js';

/** OpenAI Chat usage computed from canonical usage (never summed per event: gateway-lessons.md §4). */
export function toOpenAiUsage(u: CanonicalUsage): Json {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: {
      cached_tokens: u.cacheReadTokens,
      ...(u.cacheWrite5mTokens + u.cacheWrite1hTokens > 0
        ? { cache_write_tokens: u.cacheWrite5mTokens + u.cacheWrite1hTokens }
        : {}),
    },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

export const FINISH_TO_STOP: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};
