import {
  blendedUsdPerMTok,
  breakEven,
  fixedMonthlyUsd,
  HOURS_PER_MONTH,
  invalidInput,
  predictPerf,
  resolvePrice,
  type BreakEven,
} from '@costwise/core';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { parseNonNegative } from '../options.js';
import { parseModelRef } from './cost.js';
import { buildPerfInput, type PerfFlags } from './perf.js';
import { applyPriceData, type PriceDataFlags } from '../price-data.js';

export interface BreakEvenFlags extends PriceDataFlags {
  readonly api?: string;
  readonly apiUsdPerMtok?: string;
  readonly outputShare?: string;
  readonly selfHostUsdPerMtok?: string;
  readonly opsUsdPerMonth?: string;
  readonly upfrontUsd?: string;
  readonly amortizeMonths?: string;
  readonly model?: string;
  readonly gpu?: string;
  readonly gpus?: string;
  readonly precision?: string;
  readonly kvDtype?: string;
  readonly engine?: string;
  readonly input?: string;
  readonly output?: string;
  readonly gpuHourlyUsd?: string;
  readonly utilization?: string;
  readonly minReplicas?: string;
  readonly json?: boolean;
}

/**
 * Self-hosted $/1M tokens from the performance model: offline throughput at the largest batch memory
 * allows, GPU-hours paid ÷ the share that serves traffic, blended over the request's input and output.
 */
async function selfHostFromPerf(
  f: BreakEvenFlags,
  io: CliIo,
): Promise<{ usdPerMTok: number; outputShare: number; replicaUsdPerMonth: number; notes: string[] }> {
  const flags: PerfFlags = {
    ...(f.gpu !== undefined ? { gpu: f.gpu } : {}),
    ...(f.gpus !== undefined ? { gpus: f.gpus } : {}),
    ...(f.precision !== undefined ? { precision: f.precision } : {}),
    ...(f.kvDtype !== undefined ? { kvDtype: f.kvDtype } : {}),
    ...(f.engine !== undefined ? { engine: f.engine } : {}),
    ...(f.gpuHourlyUsd !== undefined ? { gpuHourlyUsd: f.gpuHourlyUsd } : {}),
    ...(f.utilization !== undefined ? { utilization: f.utilization } : {}),
    input: f.input ?? '768',
    output: f.output ?? '256',
    batch: 'max',
  };
  const { input, notes } = await buildPerfInput(f.model, flags, io);
  const r = predictPerf(input);
  // a combination that cannot run is bad input here, as in costwise perf (exit 2)
  if (!r.ok) throw invalidInput('--model', r.message);
  const p = r.result;
  if (p.usdPerMillionInputTokens === null || p.usdPerMillionOutputTokens === null)
    throw invalidInput('--gpu-hourly-usd', 'no price is listed for this GPU; give --gpu-hourly-usd');
  const tokens = input.inputTokens + input.outputTokens;
  const usdPerMTok =
    (p.usdPerMillionInputTokens * input.inputTokens + p.usdPerMillionOutputTokens * input.outputTokens) /
    tokens;
  return {
    usdPerMTok,
    outputShare: input.outputTokens / tokens,
    // one replica (tp GPUs) all month at the hourly price perf used
    replicaUsdPerMonth: (input.gpuHourlyUsd ?? 0) * input.tp * HOURS_PER_MONTH,
    notes: [
      ...notes,
      `self-hosted $${usdPerMTok.toFixed(4)}/M from costwise perf: ${p.totalTokensPerSecond.toFixed(0)} tokens/s at batch ${p.batch} (the largest memory allows), ${input.inputTokens} in / ${input.outputTokens} out per request, utilization ${input.utilization ?? 1}`,
    ],
  };
}

/** `costwise breakeven`: the monthly token volume above which self-hosting is cheaper than the API. */
export async function breakevenCommand(f: BreakEvenFlags, io: CliIo): Promise<number> {
  const assumptions: string[] = [];
  const priceData = await applyPriceData(f, io);
  if (priceData) assumptions.push(priceData);
  let self = parseNonNegative('--self-host-usd-per-mtok', f.selfHostUsdPerMtok);
  let derivedShare: number | undefined;
  let minimumUsdPerMonth = 0;
  const minReplicas = parseNonNegative('--min-replicas', f.minReplicas);
  if (minReplicas !== undefined && !Number.isInteger(minReplicas))
    throw invalidInput('--min-replicas', `${String(minReplicas)} must be a whole number of replicas`);
  if (minReplicas !== undefined && minReplicas > 0 && f.model === undefined)
    throw invalidInput(
      '--min-replicas',
      'needs --model and --gpu (the replica and its GPU price come from there)',
    );
  if (f.model !== undefined) {
    if (self !== undefined)
      throw invalidInput('--model', 'give either --model (derived) or --self-host-usd-per-mtok, not both');
    const derived = await selfHostFromPerf(f, io);
    self = derived.usdPerMTok;
    derivedShare = derived.outputShare;
    assumptions.push(...derived.notes);
    const replicas = minReplicas ?? 1;
    minimumUsdPerMonth = replicas * derived.replicaUsdPerMonth;
    assumptions.push(
      replicas === 0
        ? 'GPUs scale to zero: the GPU bill grows from $0 with the tokens served (--min-replicas 0)'
        : `at least ${String(replicas)} replica(s) run all month even when idle: the GPU bill is never below $${minimumUsdPerMonth.toFixed(0)} (${String(HOURS_PER_MONTH)} h; --min-replicas)`,
    );
  }
  let api = parseNonNegative('--api-usd-per-mtok', f.apiUsdPerMtok);
  if (f.api !== undefined) {
    if (api !== undefined)
      throw invalidInput('--api', 'give either --api provider:model or --api-usd-per-mtok, not both');
    const { providerId, modelId } = parseModelRef(f.api);
    const price = resolvePrice(providerId, modelId);
    const share = parseNonNegative('--output-share', f.outputShare) ?? derivedShare ?? 0.25;
    if (share > 1) throw invalidInput('--output-share', `${share} must be between 0 and 1`);
    api = blendedUsdPerMTok(price.record.inputMtok, price.record.outputMtok, share);
    assumptions.push(
      `API price blended over ${(share * 100).toFixed(0)}% output tokens: $${price.record.inputMtok}/M in, $${price.record.outputMtok}/M out (${price.source}); no caching or batch`,
    );
  }
  if (api === undefined) throw invalidInput('--api', 'give --api provider:model or --api-usd-per-mtok X');
  if (self === undefined) {
    throw invalidInput(
      '--self-host-usd-per-mtok',
      'give the self-hosted cost per million tokens (GPU $/hour ÷ tokens per hour at your utilization), or derive it with --model M --gpu G',
    );
  }
  const amortizeMonths = parseNonNegative('--amortize-months', f.amortizeMonths) ?? 36;
  if (amortizeMonths === 0) throw invalidInput('--amortize-months', 'must be a positive number of months');
  const fixed = fixedMonthlyUsd({
    opsUsdPerMonth: parseNonNegative('--ops-usd-per-month', f.opsUsdPerMonth) ?? 0,
    upfrontUsd: parseNonNegative('--upfront-usd', f.upfrontUsd) ?? 0,
    amortizeMonths,
  });
  const r = breakEven({
    apiUsdPerMTok: api,
    selfHostUsdPerMTok: self,
    selfHostFixedUsdPerMonth: fixed,
    selfHostMinimumUsdPerMonth: minimumUsdPerMonth,
  });
  const result = { ...r, assumptions };
  io.stdout(f.json ? `${JSON.stringify(result, null, 2)}\n` : renderBreakEven(r, assumptions));
  return 0;
}

export function renderBreakEven(r: BreakEven, assumptions: readonly string[]): string {
  const head =
    r.breakEvenTokensPerMonth === null
      ? `Self-hosting never breaks even: its $${r.selfHostUsdPerMTok.toFixed(4)}/M is not below the API's $${r.apiUsdPerMTok.toFixed(4)}/M.`
      : `Break-even at ${(r.breakEvenTokensPerMonth / 1e9).toFixed(3)}B tokens/month: API $${r.apiUsdPerMTok.toFixed(4)}/M vs self-hosting $${r.selfHostUsdPerMTok.toFixed(4)}/M + $${r.selfHostFixedUsdPerMonth.toFixed(0)}/month fixed${r.selfHostMinimumUsdPerMonth > 0 ? `, GPUs never below $${r.selfHostMinimumUsdPerMonth.toFixed(0)}/month` : ''}.`;
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
