import { invalidInput } from '../errors.js';
import { hashedTermCounts, SHAPE_FEATURES, shapeFeatures, tfidfVector } from './features.js';
import type { LabelledPrompt } from './labelled.js';
import {
  float32ToBase64,
  ROUTER_MODEL_FORMAT,
  type RouterModelFile,
  type RouterTraining,
  type StoredHead,
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
  /** Longest word n-gram: 1 (unigrams), 2 (and bigrams) or 3 (and trigrams). */
  readonly maxNgram: 1 | 2 | 3;
  /**
   * Separate weights for prompts with multiple-choice options and for the rest, learned as a shared weight
   * plus one per form (feature augmentation, Daumé III 2007, "Frustratingly Easy Domain Adaptation"): a
   * word can mean a hard prompt in one form and an easy one in the other.
   */
  readonly splitByForm: boolean;
  /** A second head for "only the weak model is right"; without it the score is P(strong wins) alone. */
  readonly weakHead: boolean;
}

/**
 * The defaults `npm run train:router` uses; chosen by 5-fold cross-validation on the training split only
 * (docs/router.md lists the candidates tried).
 */
export const ROUTER_TRAINING_DEFAULTS: RouterTrainingOptions = {
  hashBits: 20,
  c: 1,
  minDocumentFrequency: 2,
  shapeWeight: 0.3,
  maxNgram: 3,
  splitByForm: true,
  weakHead: true,
};

/** The "plain bag-of-words logistic regression" baseline: unigram tf-idf, one head, no shape features. */
export const BAG_OF_WORDS_BASELINE: RouterTrainingOptions = {
  ...ROUTER_TRAINING_DEFAULTS,
  shapeWeight: 0,
  maxNgram: 1,
  splitByForm: false,
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
  const counts = rows.map((r) => hashedTermCounts(r.prompt, options.hashBits, options.maxNgram));
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

  // One block of columns (vocabulary, then shape) shared by every prompt; with splitByForm, a second copy
  // of the same values in the block of the prompt's form (multiple choice, or not).
  const width = buckets.length + SHAPE_FEATURES.length;
  const multipleChoice = SHAPE_FEATURES.indexOf('multipleChoice');
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
    const shape = shapes[r] ?? new Float64Array(SHAPE_FEATURES.length);
    const blocks = !options.splitByForm ? [0] : [0, shape[multipleChoice] === 1 ? 1 : 2];
    for (const block of blocks) {
      const offset = block * width;
      for (const k of order) {
        columnIndex.push(offset + (index.get(vector.indices[k] ?? 0) ?? 0));
        values.push(vector.values[k] ?? 0);
      }
      for (let j = 0; j < SHAPE_FEATURES.length; j++) {
        columnIndex.push(offset + buckets.length + j);
        values.push((((shape[j] ?? 0) - (mean[j] ?? 0)) / (std[j] ?? 1)) * options.shapeWeight);
      }
    }
    rowStart[r + 1] = columnIndex.length;
  });
  const x: CsrMatrix = {
    rows: rows.length,
    columns: options.splitByForm ? 3 * width : width,
    rowStart,
    columnIndex: Int32Array.from(columnIndex),
    values: Float64Array.from(values),
  };
  const fit = (label: (r: LabelledPrompt) => boolean): StoredHead => {
    const head = fitLogistic(
      x,
      Float64Array.from(rows, (r) => (label(r) ? 1 : 0)),
      options.c,
    );
    if (!options.splitByForm) return { bias: head.bias, weights: float32ToBase64(head.weights) };
    // Fold the shared block into each form's block: the scorer reads one vector per form.
    const form = (block: number) =>
      Float64Array.from(
        { length: width },
        (_, j) => (head.weights[j] ?? 0) + (head.weights[block * width + j] ?? 0),
      );
    return {
      bias: head.bias,
      weights: float32ToBase64(form(2)),
      multipleChoiceWeights: float32ToBase64(form(1)),
    };
  };
  const strongHead = fit((r) => r.strong_correct && !r.weak_correct);
  const weakHead = !options.weakHead
    ? null
    : weakWins === 0
      ? { bias: -30, weights: float32ToBase64(new Float64Array(width)) }
      : fit((r) => r.weak_correct && !r.strong_correct);

  return {
    format: ROUTER_MODEL_FORMAT,
    score: ROUTER_SCORE_MEANING,
    hashBits: options.hashBits,
    bigrams: options.maxNgram >= 2,
    trigrams: options.maxNgram >= 3,
    splitByForm: options.splitByForm,
    shapeWeight: options.shapeWeight,
    vocabulary: { size: buckets.length, buckets: uint32ToBase64(buckets), idf: float32ToBase64(idf) },
    shape: { features: [...SHAPE_FEATURES], mean, std },
    heads: { strongWins: strongHead, weakWins: weakHead },
    training: { ...training, c: options.c, minDocumentFrequency: options.minDocumentFrequency },
    calibration: null,
  };
}
