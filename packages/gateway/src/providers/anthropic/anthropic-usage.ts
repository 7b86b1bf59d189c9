import type { CanonicalUsage } from '@costwise/core';

/**
 * Anthropic usage from canonical usage: `input_tokens` is only the uncached part (Anthropic's
 * convention), cache writes and reads are reported apart, with the 5m/1h breakdown.
 */
export function toAnthropicUsage(u: CanonicalUsage): Record<string, unknown> {
  const writes = u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  return {
    input_tokens: u.inputTokens - u.cacheReadTokens - writes,
    cache_creation_input_tokens: writes,
    cache_read_input_tokens: u.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: u.cacheWrite5mTokens,
      ephemeral_1h_input_tokens: u.cacheWrite1hTokens,
    },
    output_tokens: u.outputTokens,
  };
}
