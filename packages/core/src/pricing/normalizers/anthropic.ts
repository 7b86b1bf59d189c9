import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { done, parseShape, tokens, usageOf, type Normalized, type UsageNormalizer } from './_shared.js';

const IterationUsage = z.looseObject({
  input_tokens: tokens,
  output_tokens: tokens,
  cache_creation_input_tokens: tokens,
  cache_read_input_tokens: tokens,
  cache_creation: z
    .looseObject({ ephemeral_5m_input_tokens: tokens, ephemeral_1h_input_tokens: tokens })
    .nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: tokens }).nullish(),
});

const AnthropicUsage = IterationUsage.extend({
  /** Server-side compaction: the top-level counts are the last iteration's; the bill is their sum. */
  iterations: z.array(IterationUsage).nullish(),
});
type AnthropicUsage = z.infer<typeof AnthropicUsage>;

/**
 * Anthropic Messages: `input_tokens` counts only the tokens after the last cache breakpoint, so total
 * input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens. Writes split into 5-minute
 * and 1-hour classes by `cache_creation`; where the breakdown disagrees with the total (Anthropic's own
 * doc example: 248 vs 456 + 100) the breakdown is used, with a warning. Thinking is billed as output.
 * @see provider-billing.md §2, §4.1
 */
function fromAnthropic(
  u: z.infer<typeof IterationUsage> & { readonly iterations?: AnthropicUsage['iterations'] },
  field: string,
): Normalized {
  if (u.iterations && u.iterations.length > 0) {
    const parts = u.iterations.map((it, i) => fromAnthropic(it, `${field}.iterations.${i}`));
    const sum = parts.reduce(
      (a, p) => ({
        inputTokens: a.inputTokens + p.usage.inputTokens,
        cacheReadTokens: a.cacheReadTokens + p.usage.cacheReadTokens,
        cacheWrite5mTokens: a.cacheWrite5mTokens + p.usage.cacheWrite5mTokens,
        cacheWrite1hTokens: a.cacheWrite1hTokens + p.usage.cacheWrite1hTokens,
        outputTokens: a.outputTokens + p.usage.outputTokens,
        reasoningTokens: a.reasoningTokens + p.usage.reasoningTokens,
      }),
      {
        inputTokens: 0,
        cacheReadTokens: 0,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
      },
    );
    return done(
      { ...sum, reasoningTokens: u.output_tokens_details?.thinking_tokens ?? sum.reasoningTokens },
      parts.flatMap((p) => [...p.warnings]),
      field,
    );
  }
  if (u.input_tokens === undefined || u.input_tokens === null) {
    throw invalidInput(
      `${field}.input_tokens`,
      'missing; an Anthropic usage object has input_tokens and output_tokens',
    );
  }
  const warnings: string[] = [];
  const total = u.cache_creation_input_tokens ?? 0;
  let w5 = total;
  let w1 = 0;
  const b = u.cache_creation;
  if (b && (b.ephemeral_5m_input_tokens !== undefined || b.ephemeral_1h_input_tokens !== undefined)) {
    w5 = b.ephemeral_5m_input_tokens ?? 0;
    w1 = b.ephemeral_1h_input_tokens ?? 0;
    if (w5 + w1 !== total) {
      warnings.push(
        `${field}: cache_creation_input_tokens ${total} differs from the cache_creation breakdown ${w5} + ${w1}; the breakdown is billed`,
      );
    }
  }
  const read = u.cache_read_input_tokens ?? 0;
  return done(
    {
      inputTokens: u.input_tokens + read + w5 + w1,
      cacheReadTokens: read,
      cacheWrite5mTokens: w5,
      cacheWrite1hTokens: w1,
      outputTokens: u.output_tokens ?? 0,
      reasoningTokens: u.output_tokens_details?.thinking_tokens ?? 0,
    },
    warnings,
    field,
  );
}

export function normalizeAnthropic(raw: unknown, field = 'usage'): Normalized {
  return fromAnthropic(parseShape(AnthropicUsage, usageOf(raw, 'usage'), field), field);
}

/**
 * A Messages stream splits usage: `message_start` carries the input side (and a first output count),
 * each `message_delta` carries the cumulative output (recent API versions repeat the input side too).
 * Later values replace earlier ones field by field.
 */
export function normalizeAnthropicStream(events: readonly unknown[], field = 'stream'): Normalized {
  let merged: Record<string, unknown> | null = null;
  for (const e of events) {
    if (e === null || typeof e !== 'object') continue;
    const o = e as { type?: unknown; message?: { usage?: unknown }; usage?: unknown };
    const usage =
      o.type === 'message_start' ? o.message?.usage : o.type === 'message_delta' ? o.usage : undefined;
    if (usage === null || typeof usage !== 'object') continue;
    merged = { ...(merged ?? {}) };
    for (const [k, v] of Object.entries(usage)) if (v !== null && v !== undefined) merged[k] = v;
  }
  if (merged === null) throw invalidInput(field, 'no message_start or message_delta event carries usage');
  return fromAnthropic(parseShape(AnthropicUsage, merged, field), field);
}

export const anthropicMessages: UsageNormalizer = {
  api: 'anthropic-messages',
  description: 'Anthropic Messages API (message_start + message_delta when streaming)',
  normalize: normalizeAnthropic,
  normalizeStream: normalizeAnthropicStream,
};
