import { invalidInput } from '../errors.js';
import { hashedTermCounts, SHAPE_FEATURES, shapeFeatures, tfidfVector } from './features.js';
import type { LabelledPrompt } from './labelled.js';
import {
  float32ToBase64,
  ROUTER_MODEL_FORMAT,
  type RouterModelFile,
  type RouterTraining,
  uint32ToBase64,
} from './model.js';
import { fitLogistic, type CsrMatrix } from './_logistic.js';

export interface RouterTrainingOptions {
  /** log2 of the hashed feature space. */
  readonly hashBits: number;
  /** Inverse L2 strength of both heads (liblinear's C). */
  readonly c: number;
  /** Buckets seen in fewer training prompts are dropped (as a vectoriser's min_df). */
  readonly minDocumentFrequency: number;
  readonly shapeWeight: number;
  /** Word bigrams besides unigrams. */
  readonly bigrams: boolean;
  /** A second head for "only the weak model is right"; without it the score is P(strong wins) alone. */
  readonly weakHead: boolean;
}

/**
 * The defaults `npm run train:router` uses; chosen by 5-fold cross-validation on the training split only
 * (docs/router.md lists the candidates tried).
 */
export const ROUTER_TRAINING_DEFAULTS: RouterTrainingOptions = {
  hashBits: 18,
  c: 1,
  minDocumentFrequency: 2,
  shapeWeight: 0.3,
  bigrams: true,
  weakHead: true,
};

/** The "plain bag-of-words logistic regression" baseline: unigram tf-idf, one head, no shape features. */
export const BAG_OF_WORDS_BASELINE: RouterTrainingOptions = {
  ...ROUTER_TRAINING_DEFAULTS,
  shapeWeight: 0,
  bigrams: false,
  weakHead: false,
};

export const ROUTER_SCORE_MEANING =
  'P(strong right, weak wrong) − P(weak right, strong wrong): the expected accuracy gain of the strong model';

/**
 * Fits the router: two logistic-regression heads on the same features, one for "only the strong model is
 * right" and one for "only the weak model is right"; the score is the difference of their probabilities.
 * Pure and deterministic: the same rows and options give the same weights.
 */
export function trainRouter(
  rows: readonly LabelledPrompt[],
  options: RouterTrainingOptions,
  training: Omit<RouterTraining, 'c' | 'minDocumentFrequency'>,
): RouterModelFile {
  if (rows.length < 10) throw invalidInput('data', `needs at least 10 labelled prompts, got ${rows.length}`);
  const strongWins = rows.filter((r) => r.strong_correct && !r.weak_correct).length;
  const weakWins = rows.filter((r) => r.weak_correct && !r.strong_correct).length;
  if (strongWins === 0 || strongWins === rows.length) {
    throw invalidInput(
      'data',
      'needs prompts where only the strong model is right and prompts where it is not (nothing to learn)',
    );
  }
  const counts = rows.map((r) => hashedTermCounts(r.prompt, options.hashBits, options.bigrams));
  const df = new Map<number, number>();
  for (const c of counts) for (const bucket of c.keys()) df.set(bucket, (df.get(bucket) ?? 0) + 1);
  const buckets = [...df.entries()]
    .filter(([, d]) => d >= options.minDocumentFrequency)
    .map(([b]) => b)
    .sort((a, b) => a - b);
  const index = new Map<number, number>();
  buckets.forEach((b, i) => index.set(b, i));
  // Stored as float32, so compute the features from the float32 value the scorer will see.
  const idf = Float32Array.from(buckets, (b) => Math.log((1 + rows.length) / (1 + (df.get(b) ?? 0))) + 1);

  const shapes = rows.map((r) => shapeFeatures(r.prompt));
  const mean = SHAPE_FEATURES.map((_, j) => shapes.reduce((s, v) => s + (v[j] ?? 0), 0) / rows.length);
  const std = SHAPE_FEATURES.map((_, j) => {
    const m = mean[j] ?? 0;
    const variance = shapes.reduce((s, v) => s + ((v[j] ?? 0) - m) ** 2, 0) / rows.length;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });

  const width = buckets.length + SHAPE_FEATURES.length;
  const rowStart = new Int32Array(rows.length + 1);
  const columnIndex: number[] = [];
  const values: number[] = [];
  counts.forEach((c, r) => {
    const vector = tfidfVector(c, (bucket) => {
      const i = index.get(bucket);
      return i === undefined ? undefined : idf[i];
    });
    const order = Array.from(vector.indices.keys()).sort(
      (a, b) => (index.get(vector.indices[a] ?? 0) ?? 0) - (index.get(vector.indices[b] ?? 0) ?? 0),
    );
    for (const k of order) {
      columnIndex.push(index.get(vector.indices[k] ?? 0) ?? 0);
      values.push(vector.values[k] ?? 0);
    }
    const shape = shapes[r] ?? new Float64Array(SHAPE_FEATURES.length);
    for (let j = 0; j < SHAPE_FEATURES.length; j++) {
      columnIndex.push(buckets.length + j);
      values.push((((shape[j] ?? 0) - (mean[j] ?? 0)) / (std[j] ?? 1)) * options.shapeWeight);
    }
    rowStart[r + 1] = columnIndex.length;
  });
  const x: CsrMatrix = {
    rows: rows.length,
    columns: width,
    rowStart,
    columnIndex: Int32Array.from(columnIndex),
    values: Float64Array.from(values),
  };
  const strongHead = fitLogistic(
    x,
    Float64Array.from(rows, (r) => (r.strong_correct && !r.weak_correct ? 1 : 0)),
    options.c,
  );
  const weakHead = !options.weakHead
    ? null
    : weakWins === 0
      ? { weights: new Float64Array(width), bias: -30 }
      : fitLogistic(
          x,
          Float64Array.from(rows, (r) => (r.weak_correct && !r.strong_correct ? 1 : 0)),
          options.c,
        );

  return {
    format: ROUTER_MODEL_FORMAT,
    score: ROUTER_SCORE_MEANING,
    hashBits: options.hashBits,
    bigrams: options.bigrams,
    shapeWeight: options.shapeWeight,
    vocabulary: { size: buckets.length, buckets: uint32ToBase64(buckets), idf: float32ToBase64(idf) },
    shape: { features: [...SHAPE_FEATURES], mean, std },
    heads: {
      strongWins: { bias: strongHead.bias, weights: float32ToBase64(strongHead.weights) },
      weakWins: weakHead && { bias: weakHead.bias, weights: float32ToBase64(weakHead.weights) },
    },
    training: { ...training, c: options.c, minDocumentFrequency: options.minDocumentFrequency },
    calibration: null,
  };
}
