import { invalidInput, landscape, MODEL_FAMILIES, type LandscapeRow, type ModelFamily } from '@costwise/core';
import { formatCount, formatTokens, table } from '../format.js';
import type { CliIo } from '../io.js';

export interface ModelsOptions {
  readonly family?: string;
  readonly json?: boolean;
}

function parseFamily(value: string | undefined): ModelFamily | undefined {
  if (value === undefined) return undefined;
  const family = value.toLowerCase();
  if (!(MODEL_FAMILIES as readonly string[]).includes(family)) {
    throw invalidInput('--family', `"${value}" is not a family; use one of ${MODEL_FAMILIES.join(', ')}`);
  }
  return family as ModelFamily;
}

/** `costwise models [--family F] [--json]`: the landscape catalog. */
export function modelsCommand(opts: ModelsOptions, io: CliIo): number {
  const family = parseFamily(opts.family);
  const rows = landscape(family ? { family } : undefined);
  if (opts.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const order = MODEL_FAMILIES;
  const sorted = [...rows].sort(
    (a, b) =>
      order.indexOf(a.family) - order.indexOf(b.family) || (b.paramsTotal ?? 0) - (a.paramsTotal ?? 0),
  );
  const cells = (r: LandscapeRow): string[] => [
    r.id,
    r.family,
    formatCount(r.paramsTotal),
    formatCount(r.paramsActive),
    (r.family === 'moe' || r.family === 'hybrid') && r.paramsTotal && r.paramsActive
      ? `${Math.round((1 - r.paramsActive / r.paramsTotal) * 100)}%`
      : '',
    r.family === 'closed' ? '' : r.kvBytesPerToken16Bit === 0 ? 'state' : formatCount(r.kvBytesPerToken16Bit),
    formatTokens(r.contextTokens),
    r.license.length > 28 ? `${r.license.slice(0, 27)}…` : r.license,
    r.releaseDate ?? (r.pricesRecord ? `price: ${r.pricesRecord}` : ''),
  ];
  io.stdout(
    `${table(
      ['model', 'family', 'params', 'active', 'MoE saving', 'KV B/token', 'context', 'license', 'released'],
      sorted.map(cells),
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    )}\n${rows.length} models. Exact counts from each model's config.json (costwise inspect <model> for the breakdown).\n`,
  );
  return 0;
}
