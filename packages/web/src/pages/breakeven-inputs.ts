import {
  blendedUsdPerMTok,
  breakEven,
  cheapestGpuHour,
  findGpu,
  fixedMonthlyUsd,
  HOURS_PER_MONTH,
  invalidInput,
  KV_DTYPES,
  predictPerf,
  resolvePrecision,
  resolvePrice,
  type BreakEven,
  type PerfInput,
  type PerfResult,
  type ResolvedPrice,
} from '@costwise/core';
import { chosenModel, engineAndKv, GPU_IDS, PRECISION_IDS } from '../model-choice.js';
import { choiceParam, type Route } from '../url-state.js';
import { numberField, splitModelRef } from './forecast-fields.js';

/**
 * The page's fields (URL parameters) and defaults: the CLI's `costwise breakeven` defaults (768 in /
 * 256 out, utilization 0.5, one always-on replica, no operations cost, 36 months) and
 * examples/self-host.yaml's configuration.
 */
export const BREAKEVEN_DEFAULTS = {
  api: 'openai:gpt-4o',
  outputShare: '',
  model: 'llama-3.1-70b',
  gpu: 'h100-sxm',
  gpus: '4',
  precision: 'fp8',
  input: '768',
  output: '256',
  gpuUsd: '',
  utilization: '0.5',
  minReplicas: '1',
  ops: '0',
  upfront: '0',
  amortize: '36',
} as const;
export type BreakevenField = keyof typeof BREAKEVEN_DEFAULTS;

/** The fields as typed, defaults filled in (the engine and KV dtype come from model-choice). */
export function breakevenForm(params: Route['params']): Record<BreakevenField, string> {
  const out = { ...BREAKEVEN_DEFAULTS } as Record<BreakevenField, string>;
  for (const k of Object.keys(BREAKEVEN_DEFAULTS) as BreakevenField[]) {
    const v = params[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface BreakevenResult {
  readonly apiPrice: ResolvedPrice;
  /** Share of output tokens the API price is blended over. */
  readonly outputShare: number;
  readonly perfInput: PerfInput;
  readonly perf: PerfResult;
  /** Where the GPU price came from: the field, or the cheapest listed hour. */
  readonly gpuHourlyUsd: number;
  readonly gpuPriceSource: string;
  readonly selfHostUsdPerMTok: number;
  readonly fixedUsdPerMonth: number;
  /** The GPU bill's floor: always-on replicas × tensor-parallel GPUs × the hourly price × a month. */
  readonly minimumUsdPerMonth: number;
  readonly result: BreakEven;
}

/**
 * `costwise breakeven --api P:M --model M --gpu G …` in the browser: the self-hosted $/1M tokens from
 * predictPerf at the largest batch memory allows, blended over the request's input and output; the
 * API's list prices blended over the same output share; then breakEven.
 */
export function computeBreakeven(params: Route['params']): BreakevenResult {
  const f = breakevenForm(params);
  const model = chosenModel({ ...params, model: f.model });
  const { engine, kvDtype } = engineAndKv(params);
  const gpuId = choiceParam(params, 'gpu', GPU_IDS, BREAKEVEN_DEFAULTS.gpu);
  const gpu = findGpu(gpuId);
  if (gpu === undefined) throw invalidInput('gpu', `unknown "${gpuId}"`);
  const precision = resolvePrecision(
    choiceParam(params, 'precision', PRECISION_IDS, BREAKEVEN_DEFAULTS.precision),
  );
  if (precision === undefined) throw invalidInput('precision', 'unknown precision');
  const int = (key: BreakevenField, max: number): number =>
    numberField(params, key, BREAKEVEN_DEFAULTS[key], { min: 1, max, integer: true });
  const listed = cheapestGpuHour(gpu);
  let gpuHourlyUsd: number;
  let gpuPriceSource: string;
  if (f.gpuUsd.trim() === '') {
    if (listed === null)
      throw invalidInput('gpuUsd', `no price is listed for ${gpu.name}; type its price per GPU-hour`);
    gpuHourlyUsd = listed.usd;
    gpuPriceSource = `the cheapest listed: ${listed.source}`;
  } else {
    gpuHourlyUsd = numberField(params, 'gpuUsd', '', { min: 0, aboveMin: true, max: 1000 });
    gpuPriceSource = 'typed';
  }
  const perfInput: PerfInput = {
    arch: model.arch,
    precision,
    kvDtype: KV_DTYPES[kvDtype],
    gpu,
    tp: int('gpus', 64),
    engine,
    batch: 'max',
    inputTokens: int('input', 10_000_000),
    outputTokens: int('output', 10_000_000),
    gpuHourlyUsd,
    utilization: numberField(params, 'utilization', BREAKEVEN_DEFAULTS.utilization, {
      min: 0,
      aboveMin: true,
      max: 1,
    }),
  };
  const r = predictPerf(perfInput);
  if (!r.ok) throw invalidInput('model', r.message);
  const perf = r.result;
  if (perf.usdPerMillionInputTokens === null || perf.usdPerMillionOutputTokens === null)
    throw invalidInput('gpuUsd', 'no GPU price; type its price per GPU-hour');
  const derivedShare = perfInput.outputTokens / (perfInput.inputTokens + perfInput.outputTokens);
  const selfHostUsdPerMTok = blendedUsdPerMTok(
    perf.usdPerMillionInputTokens,
    perf.usdPerMillionOutputTokens,
    derivedShare,
  );
  const outputShare =
    f.outputShare.trim() === '' ? derivedShare : numberField(params, 'outputShare', '', { min: 0, max: 1 });
  const { providerId, modelId } = splitModelRef(f.api.trim(), 'api');
  const apiPrice = resolvePrice(providerId, modelId);
  const apiUsdPerMTok = blendedUsdPerMTok(apiPrice.record.inputMtok, apiPrice.record.outputMtok, outputShare);
  const fixedUsdPerMonth = fixedMonthlyUsd({
    opsUsdPerMonth: numberField(params, 'ops', BREAKEVEN_DEFAULTS.ops, { min: 0 }),
    upfrontUsd: numberField(params, 'upfront', BREAKEVEN_DEFAULTS.upfront, { min: 0 }),
    amortizeMonths: numberField(params, 'amortize', BREAKEVEN_DEFAULTS.amortize, { min: 0, aboveMin: true }),
  });
  const minReplicas = numberField(params, 'minReplicas', BREAKEVEN_DEFAULTS.minReplicas, {
    min: 0,
    max: 1000,
    integer: true,
  });
  const minimumUsdPerMonth = minReplicas * perfInput.tp * gpuHourlyUsd * HOURS_PER_MONTH;
  const result = breakEven({
    apiUsdPerMTok,
    selfHostUsdPerMTok,
    selfHostFixedUsdPerMonth: fixedUsdPerMonth,
    selfHostMinimumUsdPerMonth: minimumUsdPerMonth,
  });
  return {
    apiPrice,
    outputShare,
    perfInput,
    perf,
    gpuHourlyUsd,
    gpuPriceSource,
    selfHostUsdPerMTok,
    fixedUsdPerMonth,
    minimumUsdPerMonth,
    result,
  };
}

/** Where the two cost lines cross (for the chart's marker): the API's bill at the break-even volume. */
export function crossing(r: BreakEven): { tokensPerMonth: number; usdPerMonth: number } | null {
  const t = r.breakEvenTokensPerMonth;
  return t === null ? null : { tokensPerMonth: t, usdPerMonth: (t * r.apiUsdPerMTok) / 1e6 };
}
