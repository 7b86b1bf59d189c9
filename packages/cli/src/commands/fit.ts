import {
  allGpus,
  ENGINE_PROFILES,
  findGpu,
  fitModel,
  invalidInput,
  KV_DTYPES,
  type FitResult,
} from '@costwise/core';
import { formatBytes, formatExact, table } from '../format.js';
import type { CliIo } from '../io.js';
import { resolveModel, type HypotheticalFlags } from '../model-arch.js';
import { parseEngineAndKv, parsePositiveInt } from '../options.js';

export interface FitFlags extends HypotheticalFlags {
  readonly gpu?: string;
  readonly precision?: string;
  readonly context?: string;
  readonly batch?: string;
  readonly engine?: string;
  readonly kvDtype?: string;
  readonly maxBatchedTokens?: string;
  readonly flashAttention?: boolean;
  readonly json?: boolean;
}

export const DEFAULT_FIT_PRECISIONS = ['bf16', 'fp8', 'int8', 'int4'] as const;

/** `costwise fit <model>`: which GPUs, how many, largest batch and context, cheapest first. */
export async function fitCommand(reference: string | undefined, f: FitFlags, io: CliIo): Promise<number> {
  const model = await resolveModel(reference, f, io);
  if (!model.arch)
    throw invalidInput(
      '<model>',
      'fit needs an architecture: a model, or --params with --layers/--hidden/--heads',
    );
  const { engine: engineId, kvDtype: kvId } = parseEngineAndKv(f.engine, f.kvDtype);
  const engine = ENGINE_PROFILES[engineId];
  const gpus = f.gpu === undefined ? allGpus() : [findGpu(f.gpu)];
  if (gpus.some((g) => g === undefined))
    throw invalidInput(
      '--gpu',
      `unknown GPU "${f.gpu ?? ''}"; known: ${allGpus()
        .map((g) => g.id)
        .join(', ')}`,
    );
  const precisions =
    f.precision === undefined
      ? [...DEFAULT_FIT_PRECISIONS]
      : f.precision
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const context = parsePositiveInt('--context', f.context) ?? Math.min(4096, model.contextTokens ?? 4096);
  const result = fitModel(model.arch, {
    gpus: gpus.filter((g) => g !== undefined),
    precisions,
    maxContextTokens: model.contextTokens,
    workload: {
      contextTokens: context,
      batch: parsePositiveInt('--batch', f.batch) ?? 1,
      kvDtype: KV_DTYPES[kvId],
      engine,
      maxBatchedTokens:
        parsePositiveInt('--max-batched-tokens', f.maxBatchedTokens) ??
        Math.min(engine.defaultMaxBatchedTokens, 1 << 20),
      flashAttention: f.flashAttention !== false,
    },
  });
  io.stdout(f.json ? `${JSON.stringify(result, null, 2)}\n` : renderFit(model.id, result));
  return 0;
}

export function renderFit(id: string, r: FitResult): string {
  const rows = r.options.map((o) => [
    o.fits ? '✓' : '✗',
    o.gpu,
    String(o.gpus),
    o.pp > 1 ? `TP${o.tp}×PP${o.pp}` : `TP${o.tp}`,
    o.precision,
    formatBytes(o.perGpuBytes),
    o.fits ? formatBytes(o.headroomBytes) : `−${formatBytes(-o.headroomBytes)}`,
    String(o.maxBatchAtContext),
    formatExact(o.maxContextAtBatch),
    o.kvCapacityTokens === null ? 'state' : formatExact(o.kvCapacityTokens),
    o.hourlyUsd === null ? '—' : `$${o.hourlyUsd.toFixed(2)}`,
  ]);
  const head = `${id}: context ${formatExact(r.workload.contextTokens)}, batch ${r.workload.batch}, ${r.workload.engine}, KV ${r.workload.kvDtype}`;
  const best = r.cheapest
    ? `Cheapest that fits: ${r.cheapest.gpus} × ${r.cheapest.gpu} at ${r.cheapest.precision}` +
      (r.cheapest.hourlyUsd !== null
        ? ` for $${r.cheapest.hourlyUsd.toFixed(2)}/h (${r.cheapest.priceSource ?? ''})`
        : '')
    : 'Nothing fits within 8 × 16 GPUs per option.';
  return `${head}\n\n${table(
    [
      '',
      'gpu',
      'gpus',
      'layout',
      'precision',
      'per GPU',
      'headroom',
      'max batch',
      'max context',
      'KV tokens',
      '$/hour',
    ],
    rows,
    ['left', 'left', 'right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  )}\n\n${best}\n`;
}
