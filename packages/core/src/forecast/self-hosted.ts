import { architectureFromConfig } from '../arch/index.js';
import { findCatalogModel, findGpu, resolvePrecision } from '../catalog/index.js';
import { invalidInput } from '../errors.js';
import { isKvDtypeId, KV_DTYPES } from '../memory/kv-dtypes.js';
import { predictPerf } from '../perf/perf.js';
import type { SelfHostedOption } from './workload.js';

export interface SelfHostedPrices {
  readonly inputMtok: number;
  readonly outputMtok: number;
  readonly note: string;
}

/**
 * $/1M input and output tokens of a self-hosted configuration for requests of this shape: offline
 * throughput at the largest batch memory allows, paid GPU-hours ÷ utilization; prefill time is charged
 * to input tokens and decode time to output tokens (predictPerf).
 */
export function selfHostedPrices(
  spec: SelfHostedOption['selfHosted'],
  inputTokens: number,
  outputTokens: number,
  field: string,
): SelfHostedPrices {
  const entry = findCatalogModel(spec.model);
  if (!entry) throw invalidInput(`${field}.model`, `unknown catalog model "${spec.model}" (costwise models)`);
  const gpu = findGpu(spec.gpu);
  if (!gpu) throw invalidInput(`${field}.gpu`, `unknown GPU "${spec.gpu}" (costwise fit lists them)`);
  const precision = resolvePrecision(spec.precision);
  if (!precision) throw invalidInput(`${field}.precision`, `unknown precision "${spec.precision}"`);
  const kvId = spec.kvDtype ?? (spec.engine === 'llamacpp' ? 'fp16' : 'bf16');
  if (!isKvDtypeId(kvId))
    throw invalidInput(`${field}.kvDtype`, `"${kvId}" is not one of ${Object.keys(KV_DTYPES).join(', ')}`);
  const r = predictPerf({
    arch: architectureFromConfig(entry.config),
    precision,
    kvDtype: KV_DTYPES[kvId],
    gpu,
    tp: spec.gpus,
    engine: spec.engine,
    batch: 'max',
    inputTokens: Math.max(1, Math.round(inputTokens)),
    outputTokens: Math.max(1, Math.round(outputTokens)),
    gpuHourlyUsd: spec.gpuHourlyUsd,
    utilization: spec.utilization,
  });
  if (!r.ok) throw invalidInput(field, r.message);
  const { usdPerMillionInputTokens: inputMtok, usdPerMillionOutputTokens: outputMtok } = r.result;
  if (inputMtok === null || outputMtok === null) throw invalidInput(`${field}.gpuHourlyUsd`, 'is required');
  return {
    inputMtok,
    outputMtok,
    note: `${spec.model} on ${spec.gpus} × ${gpu.name} (${precision.id}, ${spec.engine}) at $${spec.gpuHourlyUsd}/GPU-hour and ${(spec.utilization * 100).toFixed(0)}% utilization: ${r.result.totalTokensPerSecond.toFixed(0)} tokens/s at batch ${r.result.batch} ⇒ $${inputMtok.toFixed(4)}/M input, $${outputMtok.toFixed(4)}/M output (costwise perf)`,
  };
}
