import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { checkUsage, type CanonicalUsage } from '../usage.js';

export const tokens = z.number().int().nonnegative().nullish();

export interface Normalized {
  readonly usage: CanonicalUsage;
  readonly warnings: readonly string[];
}

/** A provider's usage shape → canonical usage. `raw` is the response body (or the usage object itself). */
export interface UsageNormalizer {
  readonly api: string;
  readonly description: string;
  normalize(raw: unknown, field?: string): Normalized;
  /** Folds a stream's events (parsed SSE `data:` payloads, in order) into one usage. */
  normalizeStream(events: readonly unknown[], field?: string): Normalized;
}

export function parseShape<T extends z.ZodType>(schema: T, raw: unknown, field: string): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${field}.${issue.path.map(String).join('.')}` : field;
  throw invalidInput(path, `${issue?.message ?? 'invalid'}; this is not the provider's usage shape`);
}

/** The usage object of a response body, or the object itself when it already is one. */
export function usageOf(raw: unknown, key: string): unknown {
  if (raw !== null && typeof raw === 'object' && key in raw) return (raw as Record<string, unknown>)[key];
  return raw;
}

export function done(usage: CanonicalUsage, warnings: string[], field: string): Normalized {
  return { usage: checkUsage(usage, field), warnings };
}
