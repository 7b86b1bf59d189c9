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
  /**
   * Weight λ of the subject head in the score (0: no such head). The head learns, from the same features,
   * the mean gap (strong right − weak right) of the prompts on the prompt's subject (`subject`, else
   * `benchmark`), each prompt's own outcome left out: a label far less noisy than one prompt's outcome,
   * which says what kind of question this is. Trained only where the rows name two subjects or more.
   */
  readonly subjectWeight: number;
  /**
   * Weight α of P(weak wins) in the score, P(strong wins) − α · P(weak wins) + λ · gap. 1 is the expected
   * accuracy gain if both heads were calibrated; L2-shrunk heads are not, and cross-validation picks α.
   */
  readonly weakWeight: number;
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
  subjectWeight: 0.25,
  weakWeight: 0.75,
};

/** The "plain bag-of-words logistic regression" baseline: unigram tf-idf, one head, no shape features. */
export const BAG_OF_WORDS_BASELINE: RouterTrainingOptions = {
  ...ROUTER_TRAINING_DEFAULTS,
  shapeWeight: 0,
  maxNgram: 1,
  splitByForm: false,
  weakHead: false,
  subjectWeight: 0,
  weakWeight: 1,
};

export const ROUTER_SCORE_MEANING =
  'P(strong right, weak wrong) − weakWeight × P(weak right, strong wrong) + subjectWeight × the predicted mean gain (strong right − weak right) on the prompt’s subject: a ranking of how much the strong model helps';

/**
 * Soft labels for the subject head: each row's subject mean of (strong right − weak right) with the row
 * itself left out, mapped from [−1, 1] to [0, 1]. Null when the rows name fewer than two subjects.
 */
export function subjectGapLabels(rows: readonly LabelledPrompt[]): Float64Array | null {
  const subjectOf = (r: LabelledPrompt): string => r.subject ?? r.benchmark ?? '';
  const gap = (r: LabelledPrompt): number => (r.strong_correct ? 1 : 0) - (r.weak_correct ? 1 : 0);
  const totals = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const t = totals.get(subjectOf(r)) ?? { sum: 0, n: 0 };
    t.sum += gap(r);
    t.n += 1;
    totals.set(subjectOf(r), t);
  }
  if (totals.size < 2) return null;
  return Float64Array.from(rows, (r) => {
    const t = totals.get(subjectOf(r)) ?? { sum: 0, n: 1 };
    const mean = t.n > 1 ? (t.sum - gap(r)) / (t.n - 1) : 0;
    return (mean + 1) / 2;
  });
}

/**
 * Fits the router: logistic-regression heads on the same features, one for "only the strong model is
 * right", one for "only the weak model is right" and one for the subject's mean gap (soft labels); the
 * score is P(strong wins) − weakWeight × P(weak wins) + subjectWeight × the subject head's gap.
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
  const fit = (labels: Float64Array): StoredHead => {
    const head = fitLogistic(x, labels, options.c);
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
  const strongHead = fit(Float64Array.from(rows, (r) => (r.strong_correct && !r.weak_correct ? 1 : 0)));
  const weakHead = !options.weakHead
    ? null
    : weakWins === 0
      ? { bias: -30, weights: float32ToBase64(new Float64Array(width)) }
      : fit(Float64Array.from(rows, (r) => (r.weak_correct && !r.strong_correct ? 1 : 0)));
  const subjectLabels = options.subjectWeight > 0 ? subjectGapLabels(rows) : null;
  const subjectHead = subjectLabels === null ? null : fit(subjectLabels);

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
    heads: { strongWins: strongHead, weakWins: weakHead, subjectGap: subjectHead },
    subjectWeight: subjectHead === null ? 0 : options.subjectWeight,
    weakWeight: options.weakWeight,
    training: { ...training, c: options.c, minDocumentFrequency: options.minDocumentFrequency },
    calibration: null,
  };
}
