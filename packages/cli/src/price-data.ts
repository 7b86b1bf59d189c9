import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { invalidInput, PRICE_DATA_URL, usePriceData } from '@costwise/core';
import type { CliIo } from './io.js';

export interface PriceDataFlags {
  /** Fetch the newest genai-prices data and cache it. */
  readonly refreshPrices?: boolean;
  /** Use a genai-prices data.json from disk (offline, pinned, or the cached refresh). */
  readonly pricesData?: string;
}

/** Where --refresh-prices keeps what it fetched ($XDG_CACHE_HOME or ~/.cache). */
export function priceCachePath(io: CliIo): string {
  return join(io.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'costwise', 'genai-prices-data.json');
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidInput(field, 'is not JSON: expected the genai-prices data.json (a list of providers)');
  }
}

/**
 * Replaces the bundled price data when asked: `--prices-data <file>`, or `--refresh-prices` (fetched
 * from genai-prices' published data, or COSTWISE_PRICES_URL, and cached for --prices-data).
 * Returns a line for the assumptions, or null when the bundled data stays.
 */
export async function applyPriceData(f: PriceDataFlags, io: CliIo): Promise<string | null> {
  if (f.pricesData !== undefined && f.refreshPrices === true)
    throw invalidInput('--prices-data', 'give either --prices-data or --refresh-prices, not both');
  if (f.pricesData !== undefined) {
    const path = resolve(io.cwd, f.pricesData);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw invalidInput('--prices-data', `cannot read ${path}`);
    }
    const n = await usePriceData(parseJson(text, '--prices-data'), '--prices-data');
    return `prices from ${path} (${n} providers) instead of the bundled genai-prices data`;
  }
  if (f.refreshPrices !== true) return null;
  const url = io.env.COSTWISE_PRICES_URL ?? PRICE_DATA_URL;
  let text: string;
  try {
    const res = await io.fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (error) {
    throw invalidInput(
      '--refresh-prices',
      `could not fetch ${url} (${error instanceof Error ? error.message : String(error)}); drop the flag to use the bundled prices`,
    );
  }
  const n = await usePriceData(parseJson(text, '--refresh-prices'), '--refresh-prices');
  const path = priceCachePath(io);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch {
    io.stderr(`warning: could not cache the refreshed prices at ${path}\n`);
    return `prices refreshed from ${url} (${n} providers)`;
  }
  return `prices refreshed from ${url} (${n} providers); cached at ${path} (reuse offline with --prices-data)`;
}
