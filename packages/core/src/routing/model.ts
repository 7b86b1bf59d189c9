import { z } from 'zod';
import { invalidInput } from '../errors.js';
import { forEachTerm, SHAPE_FEATURES, shapeFeatures } from './features.js';
import { sigmoid } from './_logistic.js';

export const ROUTER_MODEL_FORMAT = 'costwise-router/1';

const MULTIPLE_CHOICE = SHAPE_FEATURES.indexOf('multipleChoice');

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text');
const HeadSchema = z.object({
  bias: z.number(),
  /** Float32 little-endian, one per vocabulary bucket, then one per shape feature. */
  weights: base64,
  /**
   * Weights for prompts with multiple-choice options ("\nA. "), same layout; `weights` then serve the
   * other prompts. Absent: `weights` serve every prompt.
   */
  multipleChoiceWeights: base64.optional(),
});
export type StoredHead = z.infer<typeof HeadSchema>;

/** How a training run was made: enough to reproduce it and to judge it. */
export const RouterTrainingSchema = z.object({
  command: z.string(),
  data: z.object({ file: z.string(), sha256: z.string(), rows: z.number().int().nonnegative() }),
  seed: z.number().int(),
  c: z.number().positive(),
  minDocumentFrequency: z.number().int().positive(),
  crossValidation: z
    .object({
      folds: z.number().int().min(2),
      apgr: z.number(),
      auc: z.number(),
      cpt50: z.number(),
      cpt80: z.number(),
      byBenchmark: z.record(z.string(), z.object({ n: z.number().int(), apgr: z.number() })),
    })
    .nullable(),
});
export type RouterTraining = z.infer<typeof RouterTrainingSchema>;

export const RouterModelSchema = z.object({
  format: z.literal(ROUTER_MODEL_FORMAT),
  /** What the score means, for a reader of the file. */
  score: z.string(),
  hashBits: z.number().int().min(8).max(24),
  bigrams: z.boolean(),
  /** Word trigrams too (needs bigrams); absent in files written before trigrams existed. */
  trigrams: z.boolean().default(false),
  /** Whether the heads carry separate multiple-choice weights (see StoredHead); informational. */
  splitByForm: z.boolean().default(false),
  /** Multiplier applied to the standardised shape features (their share of the L2-normalised input). */
  shapeWeight: z.number().nonnegative(),
  vocabulary: z.object({
    size: z.number().int().nonnegative(),
    /** Uint32 little-endian bucket ids, ascending. */
    buckets: base64,
    /** Float32 little-endian smoothed idf per bucket: ln((1 + n) / (1 + df)) + 1. */
    idf: base64,
  }),
  shape: z.object({
    features: z.array(z.string()),
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
  }),
  heads: z.object({
    strongWins: HeadSchema,
    weakWins: HeadSchema.nullable(),
    /** P = (mean gap of the prompt's subject + 1) / 2; absent in files written before it existed. */
    subjectGap: HeadSchema.nullable().default(null),
  }),
  /** λ: the score adds λ × the subject head's gap (2P − 1). */
  subjectWeight: z.number().nonnegative().default(0),
  /** α: the score subtracts α × P(weak wins); 1 in files written before it existed. */
  weakWeight: z.number().nonnegative().default(1),
  training: RouterTrainingSchema,
  /** The out-of-fold score → outcome curve, so a route can ask for a share, a quality or a budget. */
  calibration: z
    .object({
      weakAccuracy: z.number().min(0).max(1),
      strongAccuracy: z.number().min(0).max(1),
      points: z.array(
        z.object({
          threshold: z.number(),
          strongShare: z.number().min(0).max(1),
          accuracy: z.number().min(0).max(1),
        }),
      ),
    })
    .nullable(),
});
export type RouterModelFile = z.input<typeof RouterModelSchema>;

/** A loaded router: typed arrays ready for scoring. */
export interface RouterModel {
  readonly file: z.output<typeof RouterModelSchema>;
  readonly hashBits: number;
  /** Longest word n-gram hashed: 1, 2 or 3. */
  readonly maxNgram: number;
  readonly shapeWeight: number;
  /** bucket → vocabulary index, −1 where the bucket is not in the vocabulary. */
  readonly bucketIndex: Int32Array;
  readonly idf: Float32Array;
  readonly shapeMean: readonly number[];
  readonly shapeStd: readonly number[];
  readonly strongWins: LoadedHead;
  readonly weakWins: LoadedHead | null;
  readonly subjectGap: LoadedHead | null;
  readonly subjectWeight: number;
  readonly weakWeight: number;
  /**
   * idf and the strong, weak and subject heads' weights of each vocabulary entry side by side (16 bytes,
   * one cache line): for prompts without multiple-choice options, and for prompts with them.
   */
  readonly packed: Float32Array;
  readonly packedMultipleChoice: Float32Array;
  /** Scratch space for scoring (term counts by vocabulary index, and which were touched). */
  readonly scratch: { readonly counts: Float64Array; readonly touched: number[] };
}

/** A head's bias and its weights for prompts without multiple-choice options and with them. */
export interface LoadedHead {
  readonly bias: number;
  readonly weights: Float32Array;
  readonly multipleChoiceWeights: Float32Array;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function float32ToBase64(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
  return bytesToBase64(new Uint8Array(view.buffer));
}

export function uint32ToBase64(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setUint32(i * 4, values[i] ?? 0, true);
  return bytesToBase64(new Uint8Array(view.buffer));
}

function decode32(text: string, field: string, expected: number): DataView {
  const bytes = base64ToBytes(text);
  if (bytes.length !== expected * 4) {
    throw invalidInput(
      field,
      `holds ${bytes.length / 4} values, expected ${expected}; the model file is damaged`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readFloat32(text: string, field: string, expected: number): Float32Array {
  const view = decode32(text, field, expected);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Validates a parsed router model file and prepares it for scoring. Errors name the field. */
export function loadRouterModel(json: unknown): RouterModel {
  const parsed = RouterModelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw invalidInput(
      `model${path ? `.${path}` : ''}`,
      `${issue?.message ?? 'invalid'} (a router model is written by \`costwise route train\`)`,
    );
  }
  const file = parsed.data;
  if (file.shape.features.join(',') !== SHAPE_FEATURES.join(',')) {
    throw invalidInput('model.shape.features', `must be ${SHAPE_FEATURES.join(', ')} (retrain the model)`);
  }
  const size = file.vocabulary.size;
  const buckets = decode32(file.vocabulary.buckets, 'model.vocabulary.buckets', size);
  const bucketIndex = new Int32Array(1 << file.hashBits).fill(-1);
  for (let i = 0; i < size; i++) {
    const bucket = buckets.getUint32(i * 4, true);
    if (bucket >= bucketIndex.length) {
      throw invalidInput('model.vocabulary.buckets', `bucket ${bucket} is outside 2^${file.hashBits}`);
    }
    bucketIndex[bucket] = i;
  }
  const width = size + SHAPE_FEATURES.length;
  const idf = readFloat32(file.vocabulary.idf, 'model.vocabulary.idf', size);
  const readHead = (head: StoredHead, field: string): LoadedHead => {
    const weights = readFloat32(head.weights, `${field}.weights`, width);
    const multipleChoiceWeights =
      head.multipleChoiceWeights === undefined
        ? weights
        : readFloat32(head.multipleChoiceWeights, `${field}.multipleChoiceWeights`, width);
    return { bias: head.bias, weights, multipleChoiceWeights };
  };
  const strongWins = readHead(file.heads.strongWins, 'model.heads.strongWins');
  const weakWins = file.heads.weakWins && readHead(file.heads.weakWins, 'model.heads.weakWins');
  const subjectGap = file.heads.subjectGap && readHead(file.heads.subjectGap, 'model.heads.subjectGap');
  const pack = (form: 'weights' | 'multipleChoiceWeights'): Float32Array => {
    const packed = new Float32Array(size * 4);
    for (let i = 0; i < size; i++) {
      packed[4 * i] = idf[i] ?? 0;
      packed[4 * i + 1] = strongWins[form][i] ?? 0;
      packed[4 * i + 2] = weakWins?.[form][i] ?? 0;
      packed[4 * i + 3] = subjectGap?.[form][i] ?? 0;
    }
    return packed;
  };
  if (file.trigrams && !file.bigrams)
    throw invalidInput('model.trigrams', 'needs bigrams: true (retrain the model)');
  return {
    packed: pack('weights'),
    packedMultipleChoice: pack('multipleChoiceWeights'),
    scratch: { counts: new Float64Array(size), touched: [] },
    file,
    hashBits: file.hashBits,
    maxNgram: file.trigrams ? 3 : file.bigrams ? 2 : 1,
    shapeWeight: file.shapeWeight,
    bucketIndex,
    idf,
    shapeMean: file.shape.mean,
    shapeStd: file.shape.std,
    strongWins,
    weakWins,
    subjectGap,
    subjectWeight: subjectGap === null ? 0 : file.subjectWeight,
    weakWeight: file.weakWeight,
  };
}

export interface RouterScore {
  /**
   * pStrongWins − weakWeight × pWeakWins + subjectWeight × subjectGap: with both weights at their
   * neutral values (1 and 0) the expected accuracy gain of the strong model; the trained weights make it
   * a better ranking of the same thing (docs/router.md).
   */
  readonly score: number;
  readonly pStrongWins: number;
  readonly pWeakWins: number;
  /** The subject head's mean gain (strong right − weak right) of prompts like this one, in [−1, 1]; null without that head. */
  readonly subjectGap: number | null;
}

/**
 * Scores one prompt. Higher means more likely to need the strong model; route to it when score ≥ threshold.
 * The two heads are logistic regressions on the same features: tf-idf of hashed word n-grams plus
 * standardised shape features, with one weight vector for prompts with multiple-choice options and one
 * for the rest.
 */
export function scorePrompt(model: RouterModel, prompt: string): RouterScore {
  const { counts, touched } = model.scratch;
  const { bucketIndex } = model;
  touched.length = 0;
  forEachTerm(prompt, model.hashBits, model.maxNgram, (bucket) => {
    const index = bucketIndex[bucket] ?? -1;
    if (index < 0) return;
    if (counts[index] === 0) touched.push(index);
    counts[index] = (counts[index] ?? 0) + 1;
  });
  const shape = shapeFeatures(prompt);
  const multipleChoice = shape[MULTIPLE_CHOICE] === 1;
  const packed = multipleChoice ? model.packedMultipleChoice : model.packed;
  let norm2 = 0;
  let dotStrong = 0;
  let dotWeak = 0;
  let dotSubject = 0;
  for (const index of touched) {
    const at = 4 * index;
    const v = (1 + Math.log(counts[index] ?? 1)) * (packed[at] ?? 0);
    counts[index] = 0;
    norm2 += v * v;
    dotStrong += v * (packed[at + 1] ?? 0);
    dotWeak += v * (packed[at + 2] ?? 0);
    dotSubject += v * (packed[at + 3] ?? 0);
  }
  const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
  const weak = model.weakWins;
  const subject = model.subjectGap;
  let zStrong = model.strongWins.bias + dotStrong * inv;
  let zWeak = weak ? weak.bias + dotWeak * inv : 0;
  let zSubject = subject ? subject.bias + dotSubject * inv : 0;
  const strong = multipleChoice ? model.strongWins.multipleChoiceWeights : model.strongWins.weights;
  const weakWeights = weak && (multipleChoice ? weak.multipleChoiceWeights : weak.weights);
  const subjectWeights = subject && (multipleChoice ? subject.multipleChoiceWeights : subject.weights);
  const offset = model.idf.length;
  for (let j = 0; j < shape.length; j++) {
    const v = (((shape[j] ?? 0) - (model.shapeMean[j] ?? 0)) / (model.shapeStd[j] ?? 1)) * model.shapeWeight;
    zStrong += v * (strong[offset + j] ?? 0);
    if (weakWeights) zWeak += v * (weakWeights[offset + j] ?? 0);
    if (subjectWeights) zSubject += v * (subjectWeights[offset + j] ?? 0);
  }
  const pStrongWins = sigmoid(zStrong);
  const pWeakWins = weak ? sigmoid(zWeak) : 0;
  const subjectGap = subject ? 2 * sigmoid(zSubject) - 1 : null;
  const score =
    pStrongWins - model.weakWeight * pWeakWins + (subjectGap === null ? 0 : model.subjectWeight * subjectGap);
  return { score, pStrongWins, pWeakWins, subjectGap };
}
