import { invalidInput } from '../errors.js';
import type { ContextTier, PriceRecord } from './prices.js';
import { rulesFor } from './rules.js';
import { checkUsage, type CanonicalUsage } from './usage.js';

export type CostUnit =
  | 'input'
  | 'cacheRead'
  | 'cacheWrite5m'
  | 'cacheWrite1h'
  | 'cacheStorage'
  | 'output'
  | 'reasoning'
  | 'request';

export interface CostLine {
  readonly unit: CostUnit;
  readonly tokens: number;
  readonly usdPerMTok: number;
  readonly usd: number;
}

export interface RequestCost {
  readonly totalUsd: number;
  /** The whole input side: uncached input, cache reads and cache writes. */
  readonly inputUsd: number;
  readonly outputUsd: number;
  readonly cacheReadUsd: number;
  readonly cacheWriteUsd: number;
  /** Explicit-cache storage (Gemini): tokens × hours × price per million token-hours. */
  readonly cacheStorageUsd: number;
  readonly lines: readonly CostLine[];
  /** The context tier applied, if the input crossed one. */
  readonly tier: ContextTier | null;
  readonly batch: boolean;
  readonly priceSource: string;
  readonly warnings: readonly string[];
}

/** The tier whose threshold the request's whole input exceeds (the highest such). */
export function contextTier(record: PriceRecord, inputTokens: number): ContextTier | null {
  let chosen: ContextTier | null = null;
  for (const t of record.tiers ?? []) if (inputTokens > t.thresholdTokens) chosen = t;
  return chosen;
}

/**
 * The exact price of one request: every token class at its rate (USD per million tokens), the
 * long-context cliff when the whole input exceeds a threshold, cache reads and 5-minute / 1-hour
 * writes at their own prices, reasoning at its own price where one exists (else as output), and the
 * provider's batch discount with its cache-stacking rule.
 */
export function requestCost(
  usage: CanonicalUsage,
  price: { readonly record: PriceRecord; readonly source: string; readonly providerId: string },
  opts: {
    readonly batch?: boolean;
    readonly requests?: number;
    readonly expected?: boolean;
    /** An explicit cache kept for `hours` (the TTL set, which is what is billed). */
    readonly cacheStorage?: { readonly tokens: number; readonly hours: number };
  } = {},
): RequestCost {
  const u = checkUsage(usage, 'usage', { expected: opts.expected === true });
  const warnings: string[] = [];
  const tier = contextTier(price.record, u.inputTokens);
  type RateKey =
    'inputMtok' | 'outputMtok' | 'cacheReadMtok' | 'cacheWriteMtok' | 'cacheWrite1hMtok' | 'reasoningMtok';
  const rate = (k: RateKey): number | undefined => tier?.[k] ?? price.record[k];
  const input = rate('inputMtok') ?? 0;
  const output = rate('outputMtok') ?? 0;
  let cacheRead = rate('cacheReadMtok');
  if (cacheRead === undefined) {
    if (u.cacheReadTokens > 0) warnings.push('no cache-read price: cache reads billed at the input rate');
    cacheRead = input;
  }
  let write5m = rate('cacheWriteMtok');
  if (write5m === undefined) {
    if (u.cacheWrite5mTokens > 0)
      warnings.push('no cache-write price: cache writes billed at the input rate');
    write5m = input;
  }
  let write1h = rate('cacheWrite1hMtok');
  if (write1h === undefined) {
    if (u.cacheWrite1hTokens > 0)
      warnings.push('no 1-hour cache-write price: billed at the 5-minute write rate');
    write1h = write5m;
  }
  const reasoningRate = rate('reasoningMtok');
  const rules = rulesFor(price.providerId);
  if (opts.batch && rules.batchDiscount === null) {
    throw invalidInput(
      '--batch',
      `${price.providerId} has no batch discount Costwise knows of (${rules.source})`,
    );
  }
  const discount = opts.batch ? (rules.batchDiscount ?? 0) : 0;
  const factor = (unit: CostUnit): number => {
    const cache = unit === 'cacheRead' || unit === 'cacheWrite5m' || unit === 'cacheWrite1h';
    return cache && !rules.batchAppliesToCache ? 1 : 1 - discount;
  };
  const uncached = Math.max(
    0,
    u.inputTokens - u.cacheReadTokens - u.cacheWrite5mTokens - u.cacheWrite1hTokens,
  );
  const plainOutput = reasoningRate === undefined ? u.outputTokens : u.outputTokens - u.reasoningTokens;
  const lines: CostLine[] = [];
  const line = (unit: CostUnit, tokens: number, usdPerMTok: number): void => {
    if (tokens === 0) return;
    const r = usdPerMTok * factor(unit);
    lines.push({ unit, tokens, usdPerMTok: r, usd: (tokens * r) / 1e6 });
  };
  line('input', uncached, input);
  line('cacheRead', u.cacheReadTokens, cacheRead);
  line('cacheWrite5m', u.cacheWrite5mTokens, write5m);
  line('cacheWrite1h', u.cacheWrite1hTokens, write1h);
  line('output', plainOutput, output);
  if (reasoningRate !== undefined) line('reasoning', u.reasoningTokens, reasoningRate);
  if (opts.cacheStorage && opts.cacheStorage.tokens > 0) {
    const rate = price.record.cacheStorageMtokHour;
    if (rate === undefined) {
      throw invalidInput('--cache-storage', 'the price has no cacheStorageMtokHour; give it with --prices');
    }
    const tokenHours = opts.cacheStorage.tokens * opts.cacheStorage.hours;
    lines.push({
      unit: 'cacheStorage',
      tokens: opts.cacheStorage.tokens,
      usdPerMTok: rate * opts.cacheStorage.hours,
      usd: (tokenHours * rate) / 1e6,
    });
  }
  const requests = opts.requests ?? 1;
  if (price.record.requestUsd)
    lines.push({
      unit: 'request',
      tokens: 0,
      usdPerMTok: 0,
      usd: price.record.requestUsd * requests * (1 - discount),
    });
  const sum = (units: readonly CostUnit[]): number =>
    lines.filter((l) => units.includes(l.unit)).reduce((s, l) => s + l.usd, 0);
  const cacheReadUsd = sum(['cacheRead']);
  const cacheWriteUsd = sum(['cacheWrite5m', 'cacheWrite1h']);
  const inputUsd = sum(['input']) + cacheReadUsd + cacheWriteUsd;
  const outputUsd = sum(['output', 'reasoning']);
  const cacheStorageUsd = sum(['cacheStorage']);
  return {
    totalUsd: inputUsd + outputUsd + cacheStorageUsd + sum(['request']),
    inputUsd,
    outputUsd,
    cacheReadUsd,
    cacheWriteUsd,
    cacheStorageUsd,
    lines,
    tier,
    batch: opts.batch === true,
    priceSource: opts.batch ? `${price.source}; batch −${discount * 100}% (${rules.source})` : price.source,
    warnings,
  };
}
