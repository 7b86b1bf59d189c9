import { invalidInput } from '../errors.js';
import { seededRandom } from '../random.js';

/** One routed prompt's outcome: its score and whether each model answered it right. */
export interface RoutedOutcome {
  readonly score: number;
  readonly weakCorrect: boolean;
  readonly strongCorrect: boolean;
  /** Price of answering with each model, when token prices are known. */
  readonly weakUsd?: number;
  readonly strongUsd?: number;
}

export interface CurvePoint {
  /** Prompts with score ≥ threshold go to the strong model. */
  readonly threshold: number;
  readonly strongShare: number;
  readonly accuracy: number;
  /** Total price of the routed answers; null without prices. */
  readonly costUsd: number | null;
}

export interface RouterEvaluation {
  readonly n: number;
  /** APGR as RouteLLM's evaluate.py computes it: 10 quantile thresholds, trapezoid over strong share. */
  readonly apgr: number;
  /** APGR over every distinct threshold (the exact area under the step curve). */
  readonly apgrExact: number;
  /** Area under accuracy over strong share in [0, 1] (RouteLLM's AUC, as a fraction). */
  readonly auc: number;
  /** Smallest strong share recovering 50% / 80% of the weak→strong gap, on the quantile curve. */
  readonly cpt50: number;
  readonly cpt80: number;
  readonly weakAccuracy: number;
  readonly strongAccuracy: number;
  /** Every prompt answered right by either model, at the smallest strong share that achieves it. */
  readonly oracleAccuracy: number;
  readonly oracleStrongShare: number;
  readonly randomApgr: 0.5;
  /** The RouteLLM quantile curve, sorted by strong share (chart-ready). */
  readonly curve: readonly CurvePoint[];
  /** The exact curve thinned to at most 101 points, for smooth charts. */
  readonly fineCurve: readonly CurvePoint[];
  readonly weakOnlyUsd: number | null;
  readonly strongOnlyUsd: number | null;
}

/** numpy.quantile's default (linear) interpolation on sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw invalidInput('scores', 'is empty');
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (position - lo);
}

function trapezoid(points: readonly CurvePoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] as CurvePoint;
    const q = points[i] as CurvePoint;
    area += ((p.accuracy + q.accuracy) / 2) * (q.strongShare - p.strongShare);
  }
  return area;
}

/**
 * The smallest strong share at which the curve (linear between points, sorted by share) reaches the target
 * accuracy; 1 if it never does. RouteLLM uses numpy.interp, which agrees wherever the curve rises
 * monotonically and is undefined where it does not.
 */
export function callsToReach(curve: readonly CurvePoint[], targetAccuracy: number): number {
  const first = curve[0];
  if (first === undefined) return 1;
  if (first.accuracy >= targetAccuracy) return first.strongShare;
  for (let i = 1; i < curve.length; i++) {
    const p = curve[i - 1] as CurvePoint;
    const q = curve[i] as CurvePoint;
    if (q.accuracy >= targetAccuracy) {
      if (q.accuracy === p.accuracy) return q.strongShare;
      return (
        p.strongShare +
        ((targetAccuracy - p.accuracy) / (q.accuracy - p.accuracy)) * (q.strongShare - p.strongShare)
      );
    }
  }
  return 1;
}

function pointAt(
  outcomes: readonly RoutedOutcome[],
  threshold: number,
  strict: boolean,
  priced: boolean,
): CurvePoint {
  let strong = 0;
  let correct = 0;
  let cost = 0;
  for (const o of outcomes) {
    const toStrong = strict ? o.score > threshold : o.score >= threshold;
    if (toStrong) strong++;
    if (toStrong ? o.strongCorrect : o.weakCorrect) correct++;
    if (priced) cost += (toStrong ? o.strongUsd : o.weakUsd) ?? 0;
  }
  const n = outcomes.length;
  return { threshold, strongShare: strong / n, accuracy: correct / n, costUsd: priced ? cost : null };
}

/**
 * Evaluates a router's scores against labels the way RouteLLM's routellm/evals/evaluate.py does: thresholds at
 * the 0, 10, …, 100% quantiles of the scores (pandas.qcut bins), "score ≥ threshold → strong" (strictly
 * greater at the last), accuracy against strong-call share, AUC by the trapezoid rule, APGR = (AUC − AUC_weak)
 * / (AUC_strong − AUC_weak), CPT(x) the share that recovers x of the gap.
 */
export function evaluateRouter(outcomes: readonly RoutedOutcome[], bins = 10): RouterEvaluation {
  const n = outcomes.length;
  if (n === 0) throw invalidInput('outcomes', 'is empty: nothing to evaluate');
  if (!Number.isInteger(bins) || bins < 1) throw invalidInput('bins', 'must be a positive integer');
  for (const [i, o] of outcomes.entries()) {
    if (!Number.isFinite(o.score)) throw invalidInput(`outcomes[${i}].score`, 'must be a finite number');
  }
  const priced = outcomes.every((o) => o.weakUsd !== undefined && o.strongUsd !== undefined);
  const weakAccuracy = outcomes.filter((o) => o.weakCorrect).length / n;
  const strongAccuracy = outcomes.filter((o) => o.strongCorrect).length / n;
  const strongOnlyWins = outcomes.filter((o) => o.strongCorrect && !o.weakCorrect).length;
  const oracleAccuracy = weakAccuracy + strongOnlyWins / n;

  const sorted = outcomes.map((o) => o.score).sort((a, b) => a - b);
  const thresholds = Array.from({ length: bins + 1 }, (_, i) => quantileSorted(sorted, i / bins));
  const curve = thresholds
    .map((t, i) => pointAt(outcomes, t, i === bins, priced))
    .sort((a, b) => a.strongShare - b.strongShare || a.accuracy - b.accuracy);
  const span = (curve[curve.length - 1]?.strongShare ?? 0) - (curve[0]?.strongShare ?? 0);
  const auc = trapezoid(curve);
  const gap = strongAccuracy - weakAccuracy;
  const apgr = gap === 0 || span === 0 ? Number.NaN : (auc - weakAccuracy * span) / (gap * span);

  // Exact curve: every cut of the prompts sorted by score (ties move together).
  const order = outcomes
    .map((o, i) => ({ o, i }))
    .sort((a, b) => b.o.score - a.o.score || a.i - b.i)
    .map((e) => e.o);
  let correct = outcomes.filter((o) => o.weakCorrect).length;
  let cost = priced ? outcomes.reduce((s, o) => s + (o.weakUsd ?? 0), 0) : 0;
  const exact: CurvePoint[] = [
    {
      threshold: Number.POSITIVE_INFINITY,
      strongShare: 0,
      accuracy: correct / n,
      costUsd: priced ? cost : null,
    },
  ];
  for (let k = 0; k < n;) {
    const score = (order[k] as RoutedOutcome).score;
    while (k < n && (order[k] as RoutedOutcome).score === score) {
      const o = order[k] as RoutedOutcome;
      correct += (o.strongCorrect ? 1 : 0) - (o.weakCorrect ? 1 : 0);
      if (priced) cost += (o.strongUsd ?? 0) - (o.weakUsd ?? 0);
      k++;
    }
    exact.push({
      threshold: score,
      strongShare: k / n,
      accuracy: correct / n,
      costUsd: priced ? cost : null,
    });
  }
  const apgrExact = gap === 0 ? Number.NaN : (trapezoid(exact) - weakAccuracy) / gap;
  const step = Math.max(1, Math.ceil(exact.length / 100));
  const fineCurve = exact.filter((_, i) => i % step === 0 || i === exact.length - 1);

  return {
    n,
    apgr,
    apgrExact,
    auc,
    cpt50: callsToReach(curve, weakAccuracy + 0.5 * gap),
    cpt80: callsToReach(curve, weakAccuracy + 0.8 * gap),
    weakAccuracy,
    strongAccuracy,
    oracleAccuracy,
    oracleStrongShare: strongOnlyWins / n,
    randomApgr: 0.5,
    curve,
    fineCurve,
    weakOnlyUsd: priced ? outcomes.reduce((s, o) => s + (o.weakUsd ?? 0), 0) : null,
    strongOnlyUsd: priced ? outcomes.reduce((s, o) => s + (o.strongUsd ?? 0), 0) : null,
  };
}

/** Fold of each row for k-fold cross-validation: a seeded Fisher–Yates shuffle, then round-robin. */
export function assignFolds(n: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2 || folds > n) {
    throw invalidInput('folds', `must be an integer from 2 to the number of rows (${n})`);
  }
  const random = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const fold = new Int32Array(n);
  order.forEach((row, position) => (fold[row] = position % folds));
  return fold;
}

/**
 * Out-of-fold scores: for each fold, train on the others and score the held-out rows. Every row is scored by a
 * model that never saw it.
 */
export function crossValidatedScores<T>(
  rows: readonly T[],
  folds: number,
  seed: number,
  fit: (train: readonly T[]) => (row: T) => number,
): Float64Array {
  const fold = assignFolds(rows.length, folds, seed);
  const scores = new Float64Array(rows.length);
  for (let f = 0; f < folds; f++) {
    const score = fit(rows.filter((_, i) => fold[i] !== f));
    rows.forEach((row, i) => {
      if (fold[i] === f) scores[i] = score(row);
    });
  }
  return scores;
}
