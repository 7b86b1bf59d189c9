import {
  ENGINE_PROFILES,
  findGpu,
  invalidInput,
  KV_DTYPES,
  OPTIMIZERS,
  planMemory,
  type MemoryMode,
  type MemoryPlan,
} from '@costwise/core';
import { bar, formatBytes, formatExact, table } from '../format.js';
import type { CliIo } from '../io.js';
import { resolveModel, type HypotheticalFlags } from '../model-arch.js';
import {
  parseChoice,
  parseEngineAndKv,
  parseNonNegative,
  parsePositiveInt,
  parsePrecision,
} from '../options.js';

export interface MemoryFlags extends HypotheticalFlags {
  readonly precision?: string;
  readonly kvDtype?: string;
  readonly context?: string;
  readonly avgContext?: string;
  readonly batch?: string;
  readonly tp?: string;
  readonly pp?: string;
  readonly engine?: string;
  readonly maxBatchedTokens?: string;
  readonly flashAttention?: boolean;
  readonly gpu?: string;
  readonly mode?: string;
  readonly optimizer?: string;
  readonly loraRank?: string;
  readonly loraTargets?: string;
  readonly gradCheckpointing?: boolean;
  readonly zero?: string;
  readonly dataParallel?: string;
  readonly cpuOffloadGb?: string;
  readonly kvOffloadGb?: string;
  readonly json?: boolean;
}

export const MODES = ['inference', 'train-full', 'lora', 'qlora'] as const satisfies readonly MemoryMode[];
const GB = 1e9;

/** `costwise memory <model> [options]`: the memory plan of a model and workload. */
export async function memoryCommand(
  reference: string | undefined,
  f: MemoryFlags,
  io: CliIo,
): Promise<number> {
  const model = await resolveModel(reference, f, io);
  const mode = parseChoice('--mode', f.mode, MODES) ?? 'inference';
  const precision = parsePrecision(f.precision);
  const { engine: engineId, kvDtype: kvId } = parseEngineAndKv(f.engine, f.kvDtype);
  const engine = ENGINE_PROFILES[engineId];
  const gpu = f.gpu === undefined ? null : (findGpu(f.gpu) ?? null);
  if (f.gpu !== undefined && gpu === null)
    throw invalidInput('--gpu', `unknown GPU "${f.gpu}"; see the GPU ids in costwise fit --help`);
  const optimizer =
    parseChoice('--optimizer', f.optimizer, Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[]) ??
    'adamw';
  const zero = parseChoice('--zero', f.zero, ['0', '1', '2', '3'] as const);
  const context = parsePositiveInt('--context', f.context) ?? Math.min(4096, model.contextTokens ?? 4096);
  if (model.contextTokens !== null && context > model.contextTokens) {
    io.stderr(
      `warning: --context ${context} exceeds the model's ${model.contextTokens}-token context window\n`,
    );
  }
  const plan = planMemory({
    modelId: model.id,
    arch: model.arch,
    ...(model.paramsOverride !== undefined ? { paramsOverride: model.paramsOverride } : {}),
    ...(model.weightsBytesOverride !== undefined && f.precision === undefined
      ? { weightsBytesOverride: model.weightsBytesOverride }
      : {}),
    precision,
    mode,
    contextTokens: context,
    batch: parsePositiveInt('--batch', f.batch) ?? 1,
    ...(f.avgContext !== undefined
      ? { averageContextTokens: parsePositiveInt('--avg-context', f.avgContext) ?? context }
      : {}),
    kvDtype: KV_DTYPES[kvId],
    engine,
    ...(f.maxBatchedTokens !== undefined
      ? { maxBatchedTokens: parsePositiveInt('--max-batched-tokens', f.maxBatchedTokens) ?? 1 }
      : {}),
    flashAttention: f.flashAttention !== false,
    tp: parsePositiveInt('--tp', f.tp) ?? 1,
    pp: parsePositiveInt('--pp', f.pp) ?? 1,
    gpu,
    optimizer,
    loraRank: parsePositiveInt('--lora-rank', f.loraRank) ?? 16,
    loraTargets:
      parseChoice('--lora-targets', f.loraTargets, ['attention', 'all-linear'] as const) ?? 'all-linear',
    gradientCheckpointing: f.gradCheckpointing === true,
    zeroStage: zero === undefined ? 0 : (Number(zero) as 0 | 1 | 2 | 3),
    dataParallel: parsePositiveInt('--data-parallel', f.dataParallel) ?? 1,
    offload: {
      kvCacheBytes: Math.round((parseNonNegative('--kv-offload-gb', f.kvOffloadGb) ?? 0) * GB),
      weightsBytes: Math.round((parseNonNegative('--cpu-offload-gb', f.cpuOffloadGb) ?? 0) * GB),
    },
  });
  const result = { ...plan, assumptions: [...model.notes, ...plan.assumptions] };
  io.stdout(f.json ? `${JSON.stringify(result, null, 2)}\n` : renderMemory(result));
  return 0;
}

export function renderMemory(p: MemoryPlan): string {
  const out: string[] = [];
  out.push(
    `${p.model} — ${p.mode}, ${p.precision}, ${p.perGpu.gpus} GPU${p.perGpu.gpus > 1 ? `s (TP ${p.perGpu.tp} × PP ${p.perGpu.pp})` : ''}`,
  );
  out.push('');
  const rows = (['weights', 'kvCache', 'activations', 'overhead', 'gradients', 'optimizer'] as const)
    .filter((k) => p.bytes[k] > 0)
    .map((k) => [k, formatBytes(p.bytes[k]), formatExact(p.bytes[k]), bar(p.bytes[k] / p.bytes.total)]);
  rows.push(['total', formatBytes(p.bytes.total), formatExact(p.bytes.total), '']);
  out.push(table(['component', 'size', 'bytes', ''], rows, ['left', 'right', 'right', 'left']));
  out.push('');
  if (p.kvCache.bytesPerToken > 0 || p.kvCache.stateBytes > 0) {
    out.push(
      `KV cache     ${p.kvCache.dtype}, ${formatExact(p.kvCache.bytesPerToken)} B/token, ${formatExact(p.kvCache.tokens)} tokens per sequence` +
        (p.kvCache.stateBytes > 0 ? `; SSM state ${formatBytes(p.kvCache.stateBytes)}` : ''),
    );
    if (p.kvCache.contiguousBytes > 0) {
      out.push(
        `Allocation   paged (blocks of ${p.kvCache.blockTokens}) ${formatBytes(p.kvCache.pagedBytes)} vs contiguous max-length ${formatBytes(p.kvCache.contiguousBytes)}: ` +
          `PagedAttention saves ${formatBytes(p.kvCache.pagedSavingBytes)}`,
      );
    }
  }
  if (p.activations) out.push(`Activations  peak in the ${p.activations.phase} phase: ${p.activations.note}`);
  const g = p.perGpu;
  out.push(`Per GPU      ${formatBytes(g.bytes)}${g.gpus > 1 ? ' on the fullest GPU' : ''}`);
  if (g.gpu !== null && g.usableBytes !== null && g.headroomBytes !== null) {
    out.push(
      `On ${g.gpu}: ${g.fits ? 'fits' : 'does NOT fit'}; ${formatBytes(g.usableBytes)} usable, headroom ${formatBytes(g.headroomBytes)}` +
        (g.kvCapacityTokens !== null ? `; KV capacity ${formatExact(g.kvCapacityTokens)} tokens` : ''),
    );
  }
  if (p.offload.cpuBytes > 0) {
    const bought =
      p.offload.contextTokensBought > 0
        ? `: room for ${formatExact(p.offload.contextTokensBought)} more KV tokens`
        : '';
    out.push(`CPU offload  ${formatBytes(p.offload.cpuBytes)} moved to host memory${bought}`);
  }
  out.push('');
  for (const a of p.assumptions) out.push(`· ${a}`);
  return `${out.join('\n')}\n`;
}
