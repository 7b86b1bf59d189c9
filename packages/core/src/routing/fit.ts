import { crossValidatedScores, evaluateRouter, type RouterEvaluation } from './eval.js';
import type { LabelledPrompt } from './labelled.js';
import { loadRouterModel, scorePrompt, type RouterModelFile } from './model.js';
import { NEVER_STRONG_THRESHOLD } from './threshold.js';
import { trainRouter, type RouterTrainingOptions } from './train.js';

export interface FitRouterOptions {
  readonly training: RouterTrainingOptions;
  readonly folds: number;
  readonly seed: number;
  /** Recorded in the model: how it was made. */
  readonly command: string;
  readonly dataFile: string;
  readonly dataSha256: string;
}

export interface FitRouterResult {
  readonly model: RouterModelFile;
  /** Evaluation of the out-of-fold scores: every prompt scored by a model that never saw it. */
  readonly crossValidation: RouterEvaluation;
  readonly byBenchmark: Readonly<Record<string, { readonly n: number; readonly apgr: number }>>;
  readonly outOfFoldScores: Float64Array;
}

/**
 * Out-of-fold scores: each of `folds` seeded folds is scored by a router trained, with `options`, on the
 * others, so every prompt is scored by a model that never saw it.
 */
export function crossValidateRouter(
  rows: readonly LabelledPrompt[],
  options: RouterTrainingOptions,
  folds: number,
  seed: number,
): Float64Array {
  const meta = {
    command: 'cross-validation fold',
    data: { file: '', sha256: '', rows: 0 },
    seed,
    crossValidation: null,
  };
  return crossValidatedScores(rows, folds, seed, (train) => {
    const model = loadRouterModel(trainRouter(train, options, meta));
    return (row) => scorePrompt(model, row.prompt).score;
  });
}

/**
 * Cross-validates the router on the labelled rows (k folds, seeded), then trains the final model on all of
 * them and stores the cross-validated metrics and score → outcome curve in it. Pure and deterministic.
 */
export function fitRouter(rows: readonly LabelledPrompt[], options: FitRouterOptions): FitRouterResult {
  const meta = {
    command: options.command,
    data: { file: options.dataFile, sha256: options.dataSha256, rows: rows.length },
    seed: options.seed,
    crossValidation: null,
  };
  const outOfFoldScores = crossValidateRouter(rows, options.training, options.folds, options.seed);
  const outcomes = rows.map((r, i) => ({
    score: outOfFoldScores[i] ?? 0,
    weakCorrect: r.weak_correct,
    strongCorrect: r.strong_correct,
  }));
  const crossValidation = evaluateRouter(outcomes);
  const byBenchmark: Record<string, { n: number; apgr: number }> = {};
  const benchmarks = [...new Set(rows.map((r) => r.benchmark).filter((b) => b !== undefined))].sort();
  if (benchmarks.length > 1) {
    for (const b of benchmarks) {
      const subset = outcomes.filter((_, i) => rows[i]?.benchmark === b);
      byBenchmark[b] = { n: subset.length, apgr: evaluateRouter(subset).apgr };
    }
  }
  const final = trainRouter(rows, options.training, {
    ...meta,
    crossValidation: {
      folds: options.folds,
      apgr: crossValidation.apgr,
      auc: crossValidation.auc,
      cpt50: crossValidation.cpt50,
      cpt80: crossValidation.cpt80,
      byBenchmark,
    },
  });
  return {
    model: {
      ...final,
      calibration: {
        weakAccuracy: crossValidation.weakAccuracy,
        strongAccuracy: crossValidation.strongAccuracy,
        points: crossValidation.fineCurve.map((p) => ({
          threshold: Number.isFinite(p.threshold) ? p.threshold : NEVER_STRONG_THRESHOLD,
          strongShare: p.strongShare,
          accuracy: p.accuracy,
        })),
      },
    },
    crossValidation,
    byBenchmark,
    outOfFoldScores,
  };
}
