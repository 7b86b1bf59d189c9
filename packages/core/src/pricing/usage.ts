import { z } from 'zod';
import { invalidInput } from '../errors.js';

/**
 * The one usage record every cost is computed from, whatever the provider reported:
 * - `inputTokens`: ALL input tokens, cache reads and cache writes included (OpenAI's and Gemini's
 *   convention; Anthropic's `input_tokens` is only the uncached remainder and is converted);
 * - `cacheReadTokens`, `cacheWrite5mTokens`, `cacheWrite1hTokens`: parts of `inputTokens`;
 * - `outputTokens`: all output, reasoning/thinking included (OpenAI's convention; Gemini reports
 *   thoughts apart and is converted); `reasoningTokens`: the part of it that is reasoning.
 * @see shared reference provider-billing.md §2 (what each API reports)
 */
export interface CanonicalUsage {
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWrite5mTokens: number;
  readonly cacheWrite1hTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
}

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const CanonicalUsageSchema = z.strictObject({
  inputTokens: count,
  cacheReadTokens: count.default(0),
  cacheWrite5mTokens: count.default(0),
  cacheWrite1hTokens: count.default(0),
  outputTokens: count.default(0),
  reasoningTokens: count.default(0),
});

export const ZERO_USAGE: CanonicalUsage = {
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

/**
 * Checks that a usage record does not contradict itself: cache parts within the input, reasoning
 * within the output. Throws INVALID_INPUT naming the field (`<field>` prefix) otherwise.
 */
export function checkUsage(
  u: CanonicalUsage,
  field = 'usage',
  opts: { readonly expected?: boolean } = {},
): CanonicalUsage {
  for (const [k, v] of Object.entries(u)) {
    // Expected (forecast) usage is an average and may be fractional.
    const ok =
      opts.expected === true
        ? Number.isFinite(v) && (v as number) >= 0
        : Number.isInteger(v) && (v as number) >= 0;
    if (!ok) {
      throw invalidInput(
        `${field}.${k}`,
        `must be a non-negative ${opts.expected === true ? 'number' : 'integer'} (got ${String(v)})`,
      );
    }
  }
  const cached = u.cacheReadTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  if (cached > u.inputTokens * (1 + 1e-12)) {
    throw invalidInput(
      `${field}.inputTokens`,
      `${u.inputTokens} is less than the cache reads and writes it must include (${cached}); inputTokens counts all input, cached included`,
    );
  }
  if (u.reasoningTokens > u.outputTokens) {
    throw invalidInput(
      `${field}.reasoningTokens`,
      `${u.reasoningTokens} exceeds outputTokens ${u.outputTokens}; outputTokens counts all output, reasoning included`,
    );
  }
  return u;
}

/** Parses and checks a canonical usage given as JSON (the `--usage` flag, an HTTP body). */
export function parseCanonicalUsage(raw: unknown, field = 'usage'): CanonicalUsage {
  const r = CanonicalUsageSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue && issue.path.length > 0 ? `${field}.${issue.path.map(String).join('.')}` : field;
    throw invalidInput(
      path,
      `${issue?.message ?? 'invalid'}; expected { inputTokens, cacheReadTokens, cacheWrite5mTokens, cacheWrite1hTokens, outputTokens, reasoningTokens }`,
    );
  }
  return checkUsage(r.data, field);
}

/** Field-by-field sum (cost is additive over requests). */
export function addUsage(a: CanonicalUsage, b: CanonicalUsage): CanonicalUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWrite5mTokens: a.cacheWrite5mTokens + b.cacheWrite5mTokens,
    cacheWrite1hTokens: a.cacheWrite1hTokens + b.cacheWrite1hTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
