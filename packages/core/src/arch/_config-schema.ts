import { z } from 'zod';
import { invalidInput } from '../errors.js';

/** Field schemas shared by the model-type adapters; Hugging Face writes `null` for "not set". */
/** Dimensions beyond 2^31 are not real models; the cap keeps every product exact in a double. */
const MAX_DIMENSION = 2 ** 31;
export const posInt = z.number().int().positive().max(MAX_DIMENSION);
export const nonNegInt = z.number().int().nonnegative().max(MAX_DIMENSION);
/** Layer counts: the deepest published LLMs have a few hundred layers; specs are built per layer. */
export const layerCount = z.number().int().positive().max(10_000);
export const optPosInt = posInt.nullish();
export const optBool = z.boolean().nullish();

/** A raw config object: must be a JSON object; unknown keys are kept. */
export const RawConfigSchema = z.record(z.string(), z.unknown());
export type RawConfig = z.infer<typeof RawConfigSchema>;

/**
 * Validates `raw` against `schema`; on failure throws INVALID_INPUT naming the first bad field
 * as `<prefix>.<path>` with what was expected.
 */
export function parseFields<T extends z.ZodType>(schema: T, raw: unknown, prefix: string): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${prefix}.${issue.path.map(String).join('.')}` : prefix;
  const got = issue ? describeValue(valueAt(raw, issue.path)) : 'nothing';
  throw invalidInput(
    path,
    `${issue?.message ?? 'invalid value'} (got ${got}); fix this field in config.json`,
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cursor: unknown = raw;
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<PropertyKey, unknown>)[key];
  }
  return cursor;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'no value';
  if (typeof value === 'bigint') return `${value}n`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= typeof value === 'symbol' ? value.toString() : typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `a / b` that must be an exact positive integer (e.g. hidden_size / num_attention_heads). */
export function exactDiv(a: number, b: number, field: string): number {
  const q = a / b;
  if (!Number.isInteger(q) || q <= 0) {
    throw invalidInput(field, `${a} is not divisible by ${b}; set head_dim explicitly in config.json`);
  }
  return q;
}
