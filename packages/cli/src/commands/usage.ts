import { CostwiseError, invalidInput } from '@costwise/core';
import {
  loadConfig,
  openLedgerStore,
  USAGE_GROUPS,
  type UsageGroup,
  type UsageReport,
} from '@costwise/gateway';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { parseChoice } from '../options.js';
import { configPath } from './serve.js';

export interface UsageFlags {
  readonly by?: string;
  readonly since?: string;
  readonly until?: string;
  readonly config?: string;
  readonly json?: boolean;
}

function parseDate(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidInput(flag, `"${value}" is not a date; use YYYY-MM-DD or an ISO time`);
  return ms;
}

const usd = (x: number): string => `$${x.toFixed(6)}`;
const int = (n: number): string => n.toLocaleString('en-US');

export function renderUsage(by: UsageGroup, r: UsageReport): string {
  const rows = [...r.rows, { group: 'total', ...r.totals }].map((x) => [
    x.group,
    int(x.requests),
    int(x.inputTokens),
    int(x.cacheReadTokens),
    int(x.cacheWriteTokens),
    int(x.outputTokens),
    usd(x.costUsd) + (x.unknownCostRequests > 0 ? ` (+${String(x.unknownCostRequests)} unknown)` : ''),
    int(x.cacheHits),
    int(x.errors),
  ]);
  return `${table(
    [by, 'requests', 'input', 'cache read', 'cache write', 'output', 'cost', 'cache hits', 'errors'],
    rows,
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  )}\n`;
}

/** `costwise usage`: what the ledger recorded, grouped, through the gateway's own store code. */
export async function usageCommand(f: UsageFlags, io: CliIo): Promise<number> {
  try {
    const by = parseChoice('--by', f.by, USAGE_GROUPS) ?? 'model';
    const sinceMs = parseDate('--since', f.since);
    const untilMs = parseDate('--until', f.until);
    const config = await loadConfig(configPath(f.config, io), io.env);
    const store = await openLedgerStore(config.storage.url, io.cwd);
    try {
      const report = await store.usage({
        groupBy: by,
        ...(sinceMs !== undefined ? { sinceMs } : {}),
        ...(untilMs !== undefined ? { untilMs } : {}),
      });
      io.stdout(f.json ? `${JSON.stringify(report, null, 2)}\n` : renderUsage(by, report));
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof CostwiseError && f.json) {
      io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
      return 2;
    }
    throw error;
  }
}
