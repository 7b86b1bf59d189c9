import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  detectStreamApi,
  detectUsageApi,
  invalidInput,
  parseCanonicalUsage,
  parsePriceOverrides,
  requestCost,
  resolvePrice,
  USAGE_NORMALIZERS,
  type CanonicalUsage,
  type RequestCost,
} from '@costwise/core';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { applyPriceData, type PriceDataFlags } from '../price-data.js';

export interface CostFlags extends PriceDataFlags {
  readonly usage?: string;
  readonly raw?: string;
  readonly batch?: boolean;
  readonly prices?: string;
  readonly at?: string;
  readonly cacheStorage?: string;
  readonly json?: boolean;
}

/** `TOKENS:HOURS` → an explicit cache kept for that long. */
function parseCacheStorage(value: string): { tokens: number; hours: number } {
  const m = /^(\d+):(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!m)
    throw invalidInput(
      '--cache-storage',
      `"${value}" is not TOKENS:HOURS (e.g. 100000:0.0833 for 5 minutes)`,
    );
  return { tokens: Number(m[1]), hours: Number(m[2]) };
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInput(flag, `is not valid JSON (${(error as Error).message})`);
  }
}

/** `provider:model` → its parts (the provider id as @pydantic/genai-prices names it). */
export function parseModelRef(ref: string): { readonly providerId: string; readonly modelId: string } {
  const i = ref.indexOf(':');
  if (i <= 0 || i === ref.length - 1) {
    throw invalidInput(
      '<provider:model>',
      `"${ref}" must be provider:model, e.g. anthropic:claude-sonnet-4-5 or openai:gpt-4o`,
    );
  }
  return { providerId: ref.slice(0, i).toLowerCase(), modelId: ref.slice(i + 1) };
}

async function readRawUsage(
  path: string,
  io: CliIo,
): Promise<{ usage: CanonicalUsage; warnings: readonly string[] }> {
  const text = await readFile(resolve(io.cwd, path), 'utf8').catch(() => {
    throw invalidInput('--raw', `${path}: file not found or not readable`);
  });
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // One JSON document: a response body, or an array of stream events.
    try {
      const body = JSON.parse(trimmed) as unknown;
      if (Array.isArray(body)) return USAGE_NORMALIZERS[detectStreamApi(body)].normalizeStream(body, '--raw');
      return USAGE_NORMALIZERS[detectUsageApi(body)].normalize(body, '--raw');
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  // A recorded stream: SSE (`event:` / `data:` lines) or one JSON event per line.
  const lines = trimmed
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('event:') && !l.startsWith(':') && l !== 'data: [DONE]');
  const events = lines.map((l, n) => parseJson(`--raw line ${n + 1}`, l.replace(/^data:\s*/, '')));
  return USAGE_NORMALIZERS[detectStreamApi(events)].normalizeStream(events, '--raw');
}

/** `costwise cost <provider:model> --usage JSON | --raw response.json`: the exact price of one request. */
export async function costCommand(ref: string, f: CostFlags, io: CliIo): Promise<number> {
  const { providerId, modelId } = parseModelRef(ref);
  const priceData = await applyPriceData(f, io);
  if (priceData) io.stderr(`note: ${priceData}\n`);
  if ((f.usage === undefined) === (f.raw === undefined)) {
    throw invalidInput('--usage', 'give exactly one of --usage <canonical JSON> or --raw <response.json>');
  }
  const warnings: string[] = [];
  let usage: CanonicalUsage;
  if (f.usage !== undefined) usage = parseCanonicalUsage(parseJson('--usage', f.usage), '--usage');
  else {
    const r = await readRawUsage(f.raw ?? '', io);
    usage = r.usage;
    warnings.push(...r.warnings);
  }
  let at: Date | undefined;
  if (f.at !== undefined) {
    at = new Date(f.at);
    if (Number.isNaN(at.getTime()))
      throw invalidInput('--at', `"${f.at}" is not a date; use YYYY-MM-DD or an ISO timestamp`);
  }
  const overrides = f.prices === undefined ? undefined : parsePriceOverrides(parseJson('--prices', f.prices));
  const price = resolvePrice(providerId, modelId, {
    ...(at ? { at } : {}),
    ...(overrides ? { overrides } : {}),
  });
  const cost = requestCost(usage, price, {
    batch: f.batch === true,
    ...(f.cacheStorage !== undefined ? { cacheStorage: parseCacheStorage(f.cacheStorage) } : {}),
  });
  const result = { ...cost, usage, warnings: [...warnings, ...price.warnings, ...cost.warnings] };
  io.stdout(
    f.json ? `${JSON.stringify(result, null, 2)}\n` : renderCost(`${providerId}:${price.modelId}`, result),
  );
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  return 0;
}

const usd = (x: number): string => `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 8 : 6)}`;

export function renderCost(model: string, c: RequestCost): string {
  const rows = c.lines.map((l) => [
    l.unit,
    l.tokens.toLocaleString('en-US'),
    l.usdPerMTok.toString(),
    usd(l.usd),
  ]);
  return `${model}${c.batch ? ' (batch)' : ''}${c.tier ? ` — long-context tier (> ${c.tier.thresholdTokens.toLocaleString('en-US')} input tokens)` : ''}\n\n${table(
    ['tokens', 'count', '$/MTok', 'cost'],
    rows,
    ['left', 'right', 'right', 'right'],
  )}\n\ninput ${usd(c.inputUsd)} (cache reads ${usd(c.cacheReadUsd)}, writes ${usd(c.cacheWriteUsd)}) + output ${usd(c.outputUsd)}${c.cacheStorageUsd > 0 ? ` + cache storage ${usd(c.cacheStorageUsd)}` : ''} = ${usd(c.totalUsd)}\nprices: ${c.priceSource}\n`;
}
