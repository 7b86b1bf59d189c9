import {
  blendedUsdPerMTok,
  breakEven,
  fixedMonthlyUsd,
  invalidInput,
  resolvePrice,
  type BreakEven,
} from '@costwise/core';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { parseNonNegative } from '../options.js';
import { parseModelRef } from './cost.js';

export interface BreakEvenFlags {
  readonly api?: string;
  readonly apiUsdPerMtok?: string;
  readonly outputShare?: string;
  readonly selfHostUsdPerMtok?: string;
  readonly opsUsdPerMonth?: string;
  readonly upfrontUsd?: string;
  readonly amortizeMonths?: string;
  readonly json?: boolean;
}

/** `costwise breakeven`: the monthly token volume above which self-hosting is cheaper than the API. */
export function breakevenCommand(f: BreakEvenFlags, io: CliIo): number {
  const assumptions: string[] = [];
  let api = parseNonNegative('--api-usd-per-mtok', f.apiUsdPerMtok);
  if (f.api !== undefined) {
    if (api !== undefined)
      throw invalidInput('--api', 'give either --api provider:model or --api-usd-per-mtok, not both');
    const { providerId, modelId } = parseModelRef(f.api);
    const price = resolvePrice(providerId, modelId);
    const share = parseNonNegative('--output-share', f.outputShare) ?? 0.25;
    api = blendedUsdPerMTok(price.record.inputMtok, price.record.outputMtok, share);
    assumptions.push(
      `API price blended over ${(share * 100).toFixed(0)}% output tokens: $${price.record.inputMtok}/M in, $${price.record.outputMtok}/M out (${price.source}); no caching or batch`,
    );
  }
  if (api === undefined) throw invalidInput('--api', 'give --api provider:model or --api-usd-per-mtok X');
  const self = parseNonNegative('--self-host-usd-per-mtok', f.selfHostUsdPerMtok);
  if (self === undefined) {
    throw invalidInput(
      '--self-host-usd-per-mtok',
      'give the self-hosted cost per million tokens (GPU $/hour ÷ tokens per hour at your utilization)',
    );
  }
  const fixed = fixedMonthlyUsd({
    opsUsdPerMonth: parseNonNegative('--ops-usd-per-month', f.opsUsdPerMonth) ?? 0,
    upfrontUsd: parseNonNegative('--upfront-usd', f.upfrontUsd) ?? 0,
    amortizeMonths: parseNonNegative('--amortize-months', f.amortizeMonths) ?? 36,
  });
  const r = breakEven({ apiUsdPerMTok: api, selfHostUsdPerMTok: self, selfHostFixedUsdPerMonth: fixed });
  const result = { ...r, assumptions };
  io.stdout(f.json ? `${JSON.stringify(result, null, 2)}\n` : renderBreakEven(r, assumptions));
  return 0;
}

export function renderBreakEven(r: BreakEven, assumptions: readonly string[]): string {
  const head =
    r.breakEvenTokensPerMonth === null
      ? `Self-hosting never breaks even: its $${r.selfHostUsdPerMTok}/M is not below the API's $${r.apiUsdPerMTok.toFixed(4)}/M.`
      : `Break-even at ${(r.breakEvenTokensPerMonth / 1e9).toFixed(3)}B tokens/month: API $${r.apiUsdPerMTok.toFixed(4)}/M vs self-hosting $${r.selfHostUsdPerMTok}/M + $${r.selfHostFixedUsdPerMonth.toFixed(0)}/month fixed.`;
  const rows = r.curve
    .filter((_, i) => i % 4 === 0)
    .map((p) => [
      `${(p.tokensPerMonth / 1e9).toFixed(2)}B`,
      `$${p.apiUsd.toFixed(0)}`,
      `$${p.selfHostUsd.toFixed(0)}`,
    ]);
  const sens = Object.entries(r.sensitivity)
    .map(([k, v]) => `${k} +10% → ${v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`}`)
    .join('; ');
  return `${head}\n\n${table(['tokens/month', 'API', 'self-hosted'], rows, ['right', 'right', 'right'])}\n\nSensitivity of the break-even volume: ${sens}\n${assumptions.map((a) => `· ${a}\n`).join('')}`;
}
