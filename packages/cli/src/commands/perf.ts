import {
  CostwiseError,
  findGpu,
  invalidInput,
  KV_DTYPES,
  predictPerf,
  type GpuSpec,
  type PerfInput,
  type PerfResult,
  type Speculation,
} from '@costwise/core';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { resolveModel } from '../model-arch.js';
import { parseEngineAndKv, parseNonNegative, parsePositiveInt, parsePrecision } from '../options.js';

export interface PerfFlags {
  readonly gpu?: string;
  readonly gpus?: string;
  readonly pp?: string;
  readonly precision?: string;
  readonly kvDtype?: string;
  readonly engine?: string;
  readonly batch?: string;
  readonly concurrency?: string;
  readonly rate?: string;
  readonly input?: string;
  readonly output?: string;
  readonly maxBatchedTokens?: string;
  readonly gpuHourlyUsd?: string;
  readonly utilization?: string;
  readonly specDraft?: string;
  readonly specAcceptance?: string;
  readonly specTokens?: string;
  readonly sweep?: string;
  readonly json?: boolean;
}

/** The PRODUCT contract's fields, in order, plus the extras a user needs to trust them (assumptions aside). */
function fields(r: PerfResult): Record<string, unknown> {
  return {
    ttftMs: r.ttftMs,
    tpotMs: r.tpotMs,
    requestLatencyMs: r.requestLatencyMs,
    outputTokensPerSecond: r.outputTokensPerSecond,
    totalTokensPerSecond: r.totalTokensPerSecond,
    maxBatch: r.maxBatch,
    bound: r.bound,
    usdPerMillionInputTokens: r.usdPerMillionInputTokens,
    usdPerMillionOutputTokens: r.usdPerMillionOutputTokens,
    usdPerRequest: r.usdPerRequest,
    efficiency: r.efficiency,
    batch: r.batch,
    ridgeBatch: r.ridgeBatch,
    speculative: r.speculative,
    load: r.load,
  };
}

function cheapestPrice(gpu: GpuSpec): { usd: number; note: string } | null {
  const best = [...gpu.cloudPrices].sort((a, b) => a.usdPerGpuHour - b.usdPerGpuHour)[0];
  if (!best) return null;
  return {
    usd: best.usdPerGpuHour,
    note: `GPU price $${best.usdPerGpuHour}/GPU-hour: the cheapest listed in gpus.json (${best.provider}${best.date ? `, ${best.date}` : ''}); set --gpu-hourly-usd for yours`,
  };
}

const SWEEPABLE = ['batch', 'concurrency', 'rate', 'input', 'output'] as const;
type SweepKey = (typeof SWEEPABLE)[number];

function parseSweep(text: string): { key: SweepKey; values: string[] } {
  const m = /^\s*([a-z]+)\s*=\s*(.+)$/.exec(text);
  const key = m?.[1] as SweepKey | undefined;
  if (!m?.[2] || key === undefined || !SWEEPABLE.includes(key))
    throw invalidInput('--sweep', `"${text}": use <${SWEEPABLE.join('|')}>=v1,v2,… (e.g. batch=1,8,32,128)`);
  const values = m[2]
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0) throw invalidInput('--sweep', 'give at least one value');
  return { key, values };
}

export async function buildPerfInput(
  reference: string | undefined,
  f: PerfFlags,
  io: CliIo,
): Promise<{ input: PerfInput; notes: string[] }> {
  const model = await resolveModel(reference, {}, io);
  if (model.arch === null) throw invalidInput('<model>', 'the performance model needs an architecture');
  if (f.gpu === undefined)
    throw invalidInput('--gpu', 'required: the GPU to run on (e.g. h100-sxm, a100-80gb)');
  const gpu = findGpu(f.gpu);
  if (!gpu) throw invalidInput('--gpu', `unknown GPU "${f.gpu}"; see the GPU ids in costwise fit --help`);
  const precision = parsePrecision(f.precision);
  const { engine, kvDtype: kvId } = parseEngineAndKv(f.engine, f.kvDtype);
  const loads = [f.batch, f.concurrency, f.rate].filter((v) => v !== undefined).length;
  if (loads > 1) throw invalidInput('--batch', 'give one of --batch, --concurrency or --rate');
  let batch: number | 'max' = 1;
  if (f.batch !== undefined)
    batch = f.batch.trim() === 'max' ? 'max' : (parsePositiveInt('--batch', f.batch) ?? 1);
  let load: PerfInput['load'];
  if (f.concurrency !== undefined)
    load = { kind: 'concurrency', concurrency: parsePositiveInt('--concurrency', f.concurrency) ?? 1 };
  if (f.rate !== undefined) {
    const rps = parseNonNegative('--rate', f.rate) ?? 0;
    if (rps <= 0) throw invalidInput('--rate', 'must be a positive number of requests per second');
    load = { kind: 'rate', requestsPerSecond: rps };
  }
  const notes = [...model.notes];
  let gpuHourlyUsd = parseNonNegative('--gpu-hourly-usd', f.gpuHourlyUsd);
  if (gpuHourlyUsd === undefined) {
    const price = cheapestPrice(gpu);
    if (price) {
      gpuHourlyUsd = price.usd;
      notes.push(price.note);
    }
  }
  const utilization = parseNonNegative('--utilization', f.utilization);
  if (utilization !== undefined && (utilization <= 0 || utilization > 1))
    throw invalidInput(
      '--utilization',
      `${utilization} must be in (0, 1], the share of paid GPU time that serves traffic`,
    );
  let speculation: Speculation | undefined;
  if (f.specAcceptance !== undefined || f.specTokens !== undefined || f.specDraft !== undefined) {
    if (f.specAcceptance === undefined)
      throw invalidInput(
        '--spec-acceptance',
        'required with speculation: the draft-token acceptance rate α in [0, 1]',
      );
    const acceptance = Number(f.specAcceptance);
    if (!Number.isFinite(acceptance) || acceptance < 0 || acceptance > 1)
      throw invalidInput('--spec-acceptance', `"${f.specAcceptance}" must be a number in [0, 1]`);
    const draftTokens = parsePositiveInt('--spec-tokens', f.specTokens) ?? 4;
    let draft: Speculation['draft'] = { kind: 'ngram' };
    if (f.specDraft !== undefined && f.specDraft !== 'ngram') {
      const d = await resolveModel(f.specDraft, {}, io);
      if (d.arch === null) throw invalidInput('--spec-draft', 'the draft model needs an architecture');
      draft = { kind: 'model', arch: d.arch, precision };
      notes.push(`draft model ${d.id} at ${precision.id}`);
    }
    speculation = { acceptance, draftTokens, draft };
  }
  const maxBatchedTokens = parsePositiveInt('--max-batched-tokens', f.maxBatchedTokens);
  const input: PerfInput = {
    arch: model.arch,
    precision,
    kvDtype: KV_DTYPES[kvId],
    gpu,
    tp: parsePositiveInt('--gpus', f.gpus) ?? 1,
    pp: parsePositiveInt('--pp', f.pp) ?? 1,
    engine,
    batch,
    inputTokens: parsePositiveInt('--input', f.input) ?? 512,
    outputTokens: parsePositiveInt('--output', f.output) ?? 256,
    ...(load ? { load } : {}),
    ...(maxBatchedTokens !== undefined ? { maxBatchedTokens } : {}),
    ...(gpuHourlyUsd !== undefined ? { gpuHourlyUsd } : {}),
    ...(utilization !== undefined ? { utilization } : {}),
    ...(speculation ? { speculation } : {}),
  };
  const layout =
    (input.pp ?? 1) > 1
      ? `${input.tp * (input.pp ?? 1)} × ${gpu.name} (TP ${input.tp} × PP ${input.pp ?? 1})`
      : `${input.tp} × ${gpu.name}`;
  return { input, notes: [`${model.id} on ${layout}, ${precision.id}, ${engine}`, ...notes] };
}

function fail(code: string, message: string, f: PerfFlags, io: CliIo): number {
  if (f.json) io.stdout(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  else io.stderr(`costwise: ${message}\n`);
  return 2;
}

/** `costwise perf <model> --gpu G …`: latency, throughput and $ per 1M tokens from the roofline model. */
export async function perfCommand(reference: string | undefined, f: PerfFlags, io: CliIo): Promise<number> {
  let built: { input: PerfInput; notes: string[] };
  let sweep: ReturnType<typeof parseSweep> | null = null;
  try {
    built = await buildPerfInput(reference, f, io);
    if (f.sweep !== undefined) sweep = parseSweep(f.sweep);
  } catch (error) {
    if (error instanceof CostwiseError && f.json) return fail(error.code, error.message, f, io);
    throw error;
  }
  const { input, notes } = built;
  if (sweep === null) {
    const r = predictPerf(input);
    if (!r.ok) return fail(r.code, r.message, f, io);
    const result = { ...r.result, assumptions: [...notes, ...r.result.assumptions] };
    io.stdout(
      f.json
        ? `${JSON.stringify({ ...fields(result), assumptions: result.assumptions }, null, 2)}\n`
        : renderPerf(result),
    );
    return 0;
  }
  const points: Record<string, unknown>[] = [];
  let shared: readonly string[] = notes;
  for (const v of sweep.values) {
    let point: PerfInput;
    try {
      point = withSweepValue(input, sweep.key, v);
    } catch (error) {
      if (error instanceof CostwiseError) return fail(error.code, error.message, f, io);
      throw error;
    }
    const at = v === 'max' ? 'max' : Number(v);
    const r = predictPerf(point);
    if (r.ok) {
      if (shared === notes) shared = [...notes, ...r.result.assumptions];
      points.push({ [sweep.key]: at, ...fields(r.result) });
    } else {
      points.push({ [sweep.key]: at, error: { code: r.code, message: r.message } });
    }
  }
  io.stdout(
    f.json
      ? `${JSON.stringify({ points, assumptions: shared }, null, 2)}\n`
      : renderSweep(sweep.key, points, shared),
  );
  return 0;
}

function withSweepValue(input: PerfInput, key: SweepKey, value: string): PerfInput {
  const flag = `--sweep ${key}`;
  switch (key) {
    case 'batch':
      return { ...input, batch: value === 'max' ? 'max' : (parsePositiveInt(flag, value) ?? 1) };
    case 'concurrency':
      return { ...input, load: { kind: 'concurrency', concurrency: parsePositiveInt(flag, value) ?? 1 } };
    case 'rate': {
      const rps = parseNonNegative(flag, value) ?? 0;
      if (rps <= 0) throw invalidInput(flag, `"${value}" must be a positive rate`);
      return { ...input, load: { kind: 'rate', requestsPerSecond: rps } };
    }
    case 'input':
      return { ...input, inputTokens: parsePositiveInt(flag, value) ?? 1 };
    case 'output':
      return { ...input, outputTokens: parsePositiveInt(flag, value) ?? 1 };
  }
}

const fmt = (n: number | null, digits = 1): string =>
  n === null
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (n: number | null): string => (n === null ? '—' : `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`);

export function renderPerf(r: PerfResult): string {
  const out: string[] = [];
  const rows: string[][] = [
    ['TTFT', `${fmt(r.ttftMs)} ms`],
    ['TPOT', `${fmt(r.tpotMs, 2)} ms  (${fmt(1000 / r.tpotMs)} tokens/s per sequence)`],
    ['request latency', `${fmt(r.requestLatencyMs)} ms`],
    ['output tokens/s', fmt(r.outputTokensPerSecond, 0)],
    ['total tokens/s', fmt(r.totalTokensPerSecond, 0)],
    ['batch', `${fmt(r.batch, Number.isInteger(r.batch) ? 0 : 1)} of at most ${r.maxBatch} (memory)`],
    [
      'decode bound',
      `${r.bound}${r.ridgeBatch !== null ? `; compute-bound from batch ${r.ridgeBatch}` : '; memory-bound at any batch'}`,
    ],
    ['MBU / MFU', `${(r.efficiency.mbu * 100).toFixed(0)}% / ${(r.efficiency.mfu * 100).toFixed(0)}%`],
    ['$ / 1M input', usd(r.usdPerMillionInputTokens)],
    ['$ / 1M output', usd(r.usdPerMillionOutputTokens)],
    ['$ / request', r.usdPerRequest === null ? '—' : `$${r.usdPerRequest.toPrecision(3)}`],
  ];
  if (r.speculative) {
    rows.push([
      'speculation',
      `${r.speculative.expectedTokensPerStep.toFixed(2)} tokens per target step, ${r.speculative.speedup.toFixed(2)}× ` +
        (r.speculative.slowerFromBatch === null
          ? '(faster at every batch memory allows)'
          : `(slower from batch ${r.speculative.slowerFromBatch})`),
    ]);
  }
  if (r.load) {
    rows.push([
      'load',
      `${r.load.arrivalRps.toPrecision(3)} req/s, ${r.load.concurrency.toFixed(1)} in flight, queue wait ${fmt(r.load.queueWaitMs)} ms, saturates at ${r.load.saturationRps.toPrecision(3)} req/s`,
    ]);
  }
  out.push(table(['metric', 'value'], rows, ['left', 'left']));
  out.push('');
  for (const a of r.assumptions) out.push(`· ${a}`);
  return `${out.join('\n')}\n`;
}

function renderSweep(key: string, points: Record<string, unknown>[], assumptions: readonly string[]): string {
  const num = (v: unknown, d = 1): string => (typeof v === 'number' ? fmt(v, d) : '—');
  const rows = points.map((p) => {
    const err = p.error as { message: string } | undefined;
    if (err) return [String(p[key]), err.message, '', '', '', '', ''];
    return [
      String(p[key]),
      num(p.ttftMs),
      num(p.tpotMs, 2),
      num(p.outputTokensPerSecond, 0),
      String(p.bound),
      usd(p.usdPerMillionInputTokens as number | null),
      usd(p.usdPerMillionOutputTokens as number | null),
    ];
  });
  const out = [
    table([key, 'TTFT ms', 'TPOT ms', 'out tok/s', 'bound', '$/1M in', '$/1M out'], rows, [
      'right',
      'right',
      'right',
      'right',
      'left',
      'right',
      'right',
    ]),
    '',
    ...assumptions.map((a) => `· ${a}`),
  ];
  return `${out.join('\n')}\n`;
}
