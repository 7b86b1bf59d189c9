import { CostwiseError, invalidInput } from '@costwise/core';
import {
  ledgerSavings,
  loadConfig,
  openLedgerStore,
  savingsContext,
  USAGE_GROUPS,
  type SavingsReport,
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
  readonly savings?: boolean;
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

export function renderSavings(r: SavingsReport): string {
  const rows = r.rows.map((x) => [
    x.route ?? '(none)',
    x.model,
    int(x.requests),
    int(x.cacheHits),
    usd(x.actualUsd),
    usd(x.baselineUsd),
    usd(x.routingUsd),
    usd(x.responseCacheUsd),
    usd(x.promptCacheUsd),
  ]);
  rows.push([
    'total',
    '',
    int(r.requests),
    int(r.rows.reduce((s, x) => s + x.cacheHits, 0)),
    usd(r.actualUsd),
    usd(r.baselineUsd),
    usd(r.byLever.routing),
    usd(r.byLever.responseCache),
    usd(r.byLever.promptCache),
  ]);
  const saved = r.baselineUsd > 0 ? ` (${((r.savedUsd / r.baselineUsd) * 100).toFixed(1)}%)` : '';
  return `${table(
    [
      'route',
      'answered by',
      'requests',
      'cache hits',
      'actual',
      'baseline',
      'routing',
      'response cache',
      'prompt cache',
    ],
    rows,
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  )}\nsaved ${usd(r.savedUsd)}${saved} against every request on its route's strongest model, uncached${
    r.unknownCostRequests > 0 ? `; ${String(r.unknownCostRequests)} requests of unknown cost left out` : ''
  }\n`;
}

/** `costwise usage`: what the ledger recorded, grouped, through the gateway's own store code. */
export async function usageCommand(f: UsageFlags, io: CliIo): Promise<number> {
  try {
    const by = parseChoice('--by', f.by, USAGE_GROUPS) ?? 'model';
    const sinceMs = parseDate('--since', f.since);
    const untilMs = parseDate('--until', f.until);
    const config = await loadConfig(configPath(f.config, io), io.env);
    const store = await openLedgerStore(config.storage.url, io.cwd, {
      // rows a stopped gateway acknowledged but had not inserted yet are recovered on open: say so
      onWarning: (message) => {
        io.stderr(`warning: ${message}\n`);
      },
    });
    try {
      if (f.savings === true) {
        const { models, routes } = savingsContext(config);
        const savings = await ledgerSavings(store, models, routes, {
          ...(sinceMs !== undefined ? { sinceMs } : {}),
          ...(untilMs !== undefined ? { untilMs } : {}),
        });
        io.stdout(f.json ? `${JSON.stringify(savings, null, 2)}\n` : renderSavings(savings));
        return 0;
      }
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
