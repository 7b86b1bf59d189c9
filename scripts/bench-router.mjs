// Benchmark the router (issue: ≥ 20,000 prompts/s on one core, well under 1 ms per prompt) and its baselines.
// Run with `npm run bench:router` (builds first). Speed: every prompt of data/routing/train.jsonl scored one at a
// time, three passes after a warm-up; per-prompt latency from performance.now() around each call.
// Quality: 5-fold cross-validated APGR (seed 0) of the shipped router's recipe beside the baselines:
// random (0.5), prompt length alone, and a plain bag-of-words logistic regression.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BAG_OF_WORDS_BASELINE,
  crossValidateRouter,
  defaultRouterModel,
  evaluateRouter,
  parseLabelledJsonl,
  scorePrompt,
} from '../packages/core/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = parseLabelledJsonl(readFileSync(join(root, 'data/routing/train.jsonl'), 'utf8'));
const model = await defaultRouterModel();

for (const r of rows.slice(0, 2000)) scorePrompt(model, r.prompt);
const latenciesMs = [];
let sink = 0;
const started = performance.now();
for (let pass = 0; pass < 3; pass++) {
  for (const r of rows) {
    const t = performance.now();
    sink += scorePrompt(model, r.prompt).score;
    latenciesMs.push(performance.now() - t);
  }
}
const elapsedS = (performance.now() - started) / 1000;
const batchStarted = performance.now();
for (let pass = 0; pass < 3; pass++) for (const r of rows) sink += scorePrompt(model, r.prompt).score;
const batchS = (performance.now() - batchStarted) / 1000;
latenciesMs.sort((a, b) => a - b);
const pct = (q) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))];
const chars = rows.reduce((s, r) => s + r.prompt.length, 0) / rows.length;
console.log(
  `router speed: ${latenciesMs.length} scores of ${rows.length} prompts (mean ${chars.toFixed(0)} chars), one core`,
);
console.log(
  `  throughput ${((3 * rows.length) / batchS).toFixed(0)} prompts/s back to back (${(latenciesMs.length / elapsedS).toFixed(0)} with a timer around each)`,
);
console.log(
  `  latency p50 ${(pct(0.5) * 1000).toFixed(1)} µs, p99 ${(pct(0.99) * 1000).toFixed(1)} µs, max ${(pct(1) * 1000).toFixed(1)} µs`,
);
if (!Number.isFinite(sink)) throw new Error('non-finite score');

const outcomes = (scores) =>
  rows.map((r, i) => ({ score: scores[i], weakCorrect: r.weak_correct, strongCorrect: r.strong_correct }));
const report = (name, scores) => {
  const e = evaluateRouter(outcomes(scores));
  console.log(
    `  ${name.padEnd(34)} APGR ${e.apgr.toFixed(4)}  exact ${e.apgrExact.toFixed(4)}  CPT50 ${(e.cpt50 * 100).toFixed(1)}%  CPT80 ${(e.cpt80 * 100).toFixed(1)}%`,
  );
};
console.log('\nheld-out quality: 5-fold cross-validation, seed 0, pooled MMLU + GSM8K (RouteLLM APGR)');
report(
  'random (expected 0.5)',
  Float64Array.from(rows, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32),
);
report(
  'prompt length (characters)',
  Float64Array.from(rows, (r) => r.prompt.length),
);
report('bag-of-words logistic regression', crossValidateRouter(rows, BAG_OF_WORDS_BASELINE, 5, 0));
const cv = model.file.training.crossValidation;
if (cv) {
  console.log(
    `  ${'costwise router (from its model file)'.padEnd(34)} APGR ${cv.apgr.toFixed(4)}  CPT50 ${(cv.cpt50 * 100).toFixed(1)}%  CPT80 ${(cv.cpt80 * 100).toFixed(1)}%  (${cv.folds}-fold, seed ${model.file.training.seed})`,
  );
}
