import { CLOSED_MODELS, invalidInput, resolveClosedModel } from '@costwise/core';
import type { Route } from '../url-state.js';

// Field parsing shared by the costs pages (forecast, caching, break-even); no YAML here, so the
// caching and break-even pages do not load the YAML parser.

/** provider:model references of the catalog's closed models, as suggestions for model fields. */
export const KNOWN_API_REFS: readonly string[] = CLOSED_MODELS.map((c) => {
  const r = resolveClosedModel(c);
  return `${r.prices.providerId}:${r.prices.modelId}`;
});

/**
 * A decimal number as typed: digits with an optional fraction and exponent, else NaN (so a schema or
 * a range check reports it). `Number('')` and `Number(' ')` are 0, which would hide a cleared field.
 */
export function parseDecimal(text: string): number {
  const t = text.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
}

/** A number field of a page: the parameter as typed (or the default), parsed and range-checked. */
export function numberField(
  params: Route['params'],
  key: string,
  fallback: string,
  range: {
    readonly min: number;
    readonly max?: number;
    /** The minimum itself is not allowed (a rate, a utilization). */
    readonly aboveMin?: boolean;
    readonly integer?: boolean;
    /** How the error names the field (the parameter key by default). */
    readonly field?: string;
  },
): number {
  const text = params[key] ?? fallback;
  const x = parseDecimal(text);
  const field = range.field ?? key;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const low = range.aboveMin === true ? `> ${range.min}` : `≥ ${range.min}`;
  const span = Number.isFinite(max) ? `${low} and ≤ ${max}` : low;
  const what = range.integer === true ? 'a whole number' : 'a number';
  if (
    !Number.isFinite(x) ||
    x < range.min ||
    (range.aboveMin === true && x === range.min) ||
    x > max ||
    (range.integer === true && !Number.isInteger(x))
  )
    throw invalidInput(field, `"${text}" must be ${what} ${span}`);
  return x;
}

/** provider:model split as the CLI's parseModelRef does (the provider lower-cased). */
export function splitModelRef(ref: string, field: string): { providerId: string; modelId: string } {
  const i = ref.indexOf(':');
  if (i <= 0 || i === ref.length - 1)
    throw invalidInput(
      field,
      `"${ref}" must be provider:model, e.g. anthropic:claude-sonnet-4-5 or openai:gpt-4o`,
    );
  return { providerId: ref.slice(0, i).toLowerCase(), modelId: ref.slice(i + 1) };
}
