// Benchmark: `costwise fit` over the whole GPU catalog × all precisions (issue: under 100 ms).
// Run with `npm run bench` (builds first). Reports the median and p95 of repeated runs per model.
import {
  allGpus,
  architectureFromConfig,
  ENGINE_PROFILES,
  findCatalogModel,
  fitModel,
  KV_DTYPES,
  PRECISIONS,
} from '../packages/core/dist/index.js';

const precisions = [...Object.keys(PRECISIONS), 'gguf:Q4_K_M', 'gguf:Q8_0'];
const gpus = allGpus();
const models = [
  'llama-3.1-8b',
  'llama-3.1-70b',
  'mixtral-8x7b',
  'deepseek-v3',
  'gemma-3-27b',
  'jamba-1.5-mini',
];
const runs = 15;
console.log(
  `fit over ${gpus.length} GPUs × ${precisions.length} precisions (context 8192, batch 8, vLLM), ${runs} runs each`,
);
for (const id of models) {
  const entry = findCatalogModel(id);
  const arch = architectureFromConfig(entry.config);
  const times = [];
  let options = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = fitModel(arch, {
      gpus,
      precisions,
      maxContextTokens: entry.contextTokens,
      workload: {
        contextTokens: 8192,
        batch: 8,
        kvDtype: KV_DTYPES.bf16,
        engine: ENGINE_PROFILES.vllm,
        maxBatchedTokens: 8192,
        flashAttention: true,
      },
    });
    times.push(performance.now() - t0);
    options = r.options.length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(runs / 2)];
  const p95 = times[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)];
  console.log(
    `${id.padEnd(16)} ${options} options  median ${median.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms`,
  );
}
