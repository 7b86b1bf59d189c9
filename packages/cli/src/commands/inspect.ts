import { inspectModel, type InspectReport } from '@costwise/core';
import { bar, formatBytes, formatCount, formatExact, formatTokens, table } from '../format.js';
import type { CliIo } from '../io.js';
import { loadModel } from '../load-model.js';

export interface InspectOptions {
  readonly json?: boolean;
}

/** `costwise inspect <model> [--json]`: exact architecture maths of one model. */
export async function inspectCommand(reference: string, opts: InspectOptions, io: CliIo): Promise<number> {
  const report = inspectModel(await loadModel(reference, io));
  if (opts.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout(renderInspect(report));
  }
  for (const w of report.warnings) io.stderr(`warning: ${w}\n`);
  return 0;
}

export function renderInspect(r: InspectReport): string {
  const out: string[] = [];
  const p = r.params;
  out.push(`${r.name} (${r.id}) — ${r.family}, model_type ${r.modelType}, from ${r.source}`);
  out.push('');
  out.push(`Parameters   ${formatExact(p.total)} (${formatCount(p.total)})`);
  out.push(
    `Active/token ${formatExact(p.activePerToken)} (${formatCount(p.activePerToken)}); ` +
      `${formatCount(p.activePerTokenExcludingEmbeddings)} without the input embedding`,
  );
  if (r.moe) {
    out.push(
      `MoE          ${r.moe.experts} routed experts, top-${r.moe.expertsPerToken}` +
        `${r.moe.sharedExperts ? `, ${r.moe.sharedExperts} shared` : ''}, ${r.moe.moeLayers} MoE layers; ` +
        `cost reduction 1 − active/total = ${(r.moe.costReduction * 100).toFixed(1)}%`,
    );
  }
  out.push('');
  const components = Object.entries(p.byComponent).filter(([, v]) => v > 0);
  out.push(
    table(
      ['component', 'parameters', 'share', ''],
      components.map(([k, v]) => [
        k === 'mtp' ? 'mtp (not in total)' : k,
        formatExact(v),
        `${((v / p.total) * 100).toFixed(1)}%`,
        bar(v / p.total),
      ]),
      ['left', 'right', 'right', 'left'],
    ),
  );
  out.push('');
  const kinds = Object.entries(r.layerKinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const windows = [
    ...new Set(r.kvCache.layers.filter((l) => l.windowTokens !== null).map((l) => l.windowTokens)),
  ];
  out.push(
    `Layers       ${r.kvCache.layers.length}: ${kinds}${windows.length ? ` (window ${windows.join(', ')} tokens)` : ''}`,
  );
  out.push(
    `KV cache     ${formatExact(r.kvCache.bytesPerToken16Bit)} B/token at 16 bit (${formatBytes(r.kvCache.bytesPerToken16Bit)}); ` +
      `${formatBytes(r.kvCache.bytesPerToken16Bit * 4096)} per 4K-token sequence before windows`,
  );
  if (r.stateBytesPerSequence16Bit > 0) {
    out.push(
      `SSM state    ${formatExact(r.stateBytesPerSequence16Bit)} B per sequence at 16 bit, constant in length`,
    );
  }
  out.push(`Context      ${formatTokens(r.contextTokens)} tokens`);
  out.push(
    `FLOPs/token  ${formatCount(r.flopsPerToken)} + ${formatCount(r.flops.attentionPerContextToken)} per context token ` +
      `(${r.flops.perTokenAtContext.map((f) => `${formatTokens(f.contextTokens)}: ${formatCount(f.flops)}`).join(', ')})`,
  );
  if (r.tensors) {
    out.push(
      `Tensors      ${formatExact(r.tensors.count)} read; dtypes ${Object.entries(r.tensors.dtypes)
        .map(([d, n]) => `${d} ${formatCount(n)}`)
        .join(', ')}`,
    );
  }
  return `${out.join('\n')}\n`;
}
