// Shared by bench-perf-accuracy.mjs and calibrate-perf.mjs: the published measurements in
// data/perf-measurements.json and the model's prediction for each of their metric values.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  architectureFromConfig,
  findCatalogModel,
  findGpu,
  KV_DTYPES,
  predictPerf,
  resolvePrecision,
} from '../packages/core/dist/index.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function loadMeasurements() {
  return JSON.parse(readFileSync(join(root, 'data/perf-measurements.json'), 'utf8'));
}

const METRICS = [
  ['ttftMs', 'TTFT', (r) => r.ttftMs],
  ['tpotMs', 'TPOT', (r) => r.tpotMs],
  ['outputTokensPerSecond', 'throughput', (r) => r.outputTokensPerSecond],
  ['outputTokensPerSecondPerGpu', 'throughput', (r, e) => r.outputTokensPerSecond / e.tp],
  ['mbu', 'MBU', (r) => r.efficiency.mbu],
];

/** Each entry's inputs resolved once (architectures are the slow part). */
export function prepare(entries) {
  return entries.map((e) => ({
    entry: e,
    input: {
      arch: architectureFromConfig(
        e.model.catalog ? findCatalogModel(e.model.catalog).config : e.model.config,
      ),
      precision: resolvePrecision(e.precision),
      kvDtype: KV_DTYPES[e.kvDtype],
      gpu: findGpu(e.gpu),
      tp: e.tp,
      engine: e.engine,
      batch: e.batch,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
    },
  }));
}

/** One row per measured value: { id, split, metric, measured, predicted, pct } (or error). */
export function score(prepared, efficiency) {
  const rows = [];
  for (const { entry: e, input } of prepared) {
    const outcome = predictPerf(efficiency ? { ...input, efficiency } : input);
    for (const [key, label, pick] of METRICS) {
      if (e.measured[key] === undefined) continue;
      const measured = e.measured[key];
      if (!outcome.ok) {
        rows.push({
          id: e.id,
          split: e.split,
          metric: label,
          measured,
          predicted: null,
          error: outcome.message,
        });
        continue;
      }
      const predicted = pick(outcome.result, e);
      rows.push({
        id: e.id,
        split: e.split,
        metric: label,
        measured,
        predicted,
        pct: ((predicted - measured) / measured) * 100,
      });
    }
  }
  return rows;
}

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}
