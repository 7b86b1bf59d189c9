import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { done, parseShape, tokens, usageOf, type Normalized, type UsageNormalizer } from './_shared.js';

const UsageMetadata = z.looseObject({
  promptTokenCount: tokens,
  cachedContentTokenCount: tokens,
  candidatesTokenCount: tokens,
  thoughtsTokenCount: tokens,
  toolUsePromptTokenCount: tokens,
  totalTokenCount: tokens,
});

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`; thoughts
 * (`thoughtsTokenCount`) are reported apart from `candidatesTokenCount` and billed as output
 * ("output price including thinking tokens"); tool-use prompt tokens are input.
 * @see provider-billing.md §2, §4.3
 */
export function normalizeGemini(raw: unknown, field = 'usageMetadata'): Normalized {
  const u = parseShape(UsageMetadata, usageOf(raw, 'usageMetadata'), field);
  if (u.promptTokenCount === undefined || u.promptTokenCount === null) {
    throw invalidInput(`${field}.promptTokenCount`, 'missing; a Gemini usageMetadata has promptTokenCount');
  }
  const thoughts = u.thoughtsTokenCount ?? 0;
  const usage = {
    inputTokens: u.promptTokenCount + (u.toolUsePromptTokenCount ?? 0),
    cacheReadTokens: u.cachedContentTokenCount ?? 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: (u.candidatesTokenCount ?? 0) + thoughts,
    reasoningTokens: thoughts,
  };
  const warnings: string[] = [];
  if (
    u.totalTokenCount !== undefined &&
    u.totalTokenCount !== null &&
    u.totalTokenCount !== usage.inputTokens + usage.outputTokens
  ) {
    warnings.push(
      `${field}: totalTokenCount ${u.totalTokenCount} is not prompt + tool-use prompt + candidates + thoughts (${usage.inputTokens + usage.outputTokens})`,
    );
  }
  return done(usage, warnings, field);
}

export const gemini: UsageNormalizer = {
  api: 'gemini',
  description: 'Gemini generateContent usageMetadata (the last chunk of a stream is cumulative)',
  normalize: normalizeGemini,
  normalizeStream(events, field = 'stream') {
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i];
      if (e !== null && typeof e === 'object' && 'usageMetadata' in e) return normalizeGemini(e, field);
    }
    throw invalidInput(field, 'no chunk carries usageMetadata');
  },
};
