import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { forecast, invalidInput, parseWorkload, workloadJsonSchema, type Forecast } from '@costwise/core';
import { parse as parseYaml } from 'yaml';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { applyPriceData, type PriceDataFlags } from '../price-data.js';

export interface ForecastFlags extends PriceDataFlags {
  readonly json?: boolean;
  readonly schema?: boolean;
}

/** `costwise forecast <workload.yaml>`: the monthly bill per option and the levers as a waterfall. */
export async function forecastCommand(
  path: string | undefined,
  f: ForecastFlags,
  io: CliIo,
): Promise<number> {
  if (f.schema) {
    io.stdout(`${JSON.stringify(workloadJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (path === undefined)
    throw invalidInput(
      '<workload.yaml>',
      'give a workload file (costwise forecast --schema prints its JSON Schema)',
    );
  const text = await readFile(resolve(io.cwd, path), 'utf8').catch(() => {
    throw invalidInput('<workload.yaml>', `${path}: file not found or not readable`);
  });
  let raw: unknown;
  try {
    raw = parseYaml(text) as unknown;
  } catch (error) {
    throw invalidInput(path, `is not valid YAML (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  const priceData = await applyPriceData(f, io);
  const computed = forecast(parseWorkload(raw, path));
  const result = priceData ? { ...computed, assumptions: [...computed.assumptions, priceData] } : computed;
  io.stdout(f.json ? `${JSON.stringify(result, null, 2)}\n` : renderForecast(result));
  return 0;
}

const usd = (x: number): string => `$${Math.round(x).toLocaleString('en-US')}`;

export function renderForecast(r: Forecast): string {
  const out: string[] = [];
  for (const o of r.options) {
    out.push(`${o.option} (${o.api}): ${usd(o.baselineUsd)} → ${usd(o.finalUsd)} a month`);
    out.push(
      table(
        ['lever', 'monthly', 'saved', 'share of saving', 'assumption'],
        o.steps.map((s) => [
          s.lever,
          usd(s.usd),
          s.lever === 'baseline' ? '' : usd(s.savedUsd),
          s.lever === 'baseline' || o.baselineUsd === o.finalUsd
            ? ''
            : `${((s.savedUsd / (o.baselineUsd - o.finalUsd)) * 100).toFixed(0)}%`,
          s.assumption,
        ]),
        ['left', 'right', 'right', 'right', 'left'],
      ),
    );
    out.push('');
  }
  out.push(...r.assumptions.map((a) => `· ${a}`));
  return `${out.join('\n')}\n`;
}
