/**
 * Prompt features for the router: hashed word uni-, bi- and trigrams (sublinear tf × idf, L2-normalised) plus a few
 * dense "shape" features (length, digits, maths symbols, multiple-choice options, …). Everything here is
 * allocation-light because it runs on the gateway's hot path and in the browser.
 */

/** The dense shape features, in the order the model stores their means, deviations and weights. */
export const SHAPE_FEATURES = [
  'logChars',
  'logWords',
  'logNumbers',
  'newlines',
  'multipleChoice',
  'logMathSymbols',
  'questionMark',
  'logDollarSigns',
] as const;
export type ShapeFeature = (typeof SHAPE_FEATURES)[number];

const NEWLINE = 10;
const SPACE_MAX = 32;

function isMathSymbol(c: number): boolean {
  // = + - * / ^
  return c === 61 || c === 43 || c === 45 || c === 42 || c === 47 || c === 94;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Raw (unstandardised) shape features of a prompt, in SHAPE_FEATURES order, in one pass: characters (UTF-16 code
 * units), whitespace-separated words, numbers (digit runs, a decimal point joining two), newlines, whether
 * multiple-choice options follow ("\nA. "), the maths symbols = + - * / ^, a question mark, dollar signs.
 */
export function shapeFeatures(prompt: string): Float64Array {
  let words = 0;
  let numbers = 0;
  let newlines = 0;
  let math = 0;
  let question = 0;
  let dollars = 0;
  let inWord = false;
  for (let i = 0; i < prompt.length; i++) {
    const c = prompt.charCodeAt(i);
    const space = c <= SPACE_MAX && (c === SPACE_MAX || (c >= 9 && c <= 13));
    if (!space && !inWord) words++;
    inWord = !space;
    if (isDigit(c)) {
      const previous = i > 0 ? prompt.charCodeAt(i - 1) : 0;
      const decimal = previous === 46 && i > 1 && isDigit(prompt.charCodeAt(i - 2));
      if (!isDigit(previous) && !decimal) numbers++;
    } else if (c === NEWLINE) newlines++;
    else if (c === 63) question = 1;
    else if (c === 36) dollars++;
    else if (isMathSymbol(c)) math++;
  }
  return Float64Array.of(
    Math.log1p(prompt.length),
    Math.log1p(words),
    Math.log1p(numbers),
    newlines,
    prompt.includes('\nA. ') ? 1 : 0,
    Math.log1p(math),
    question,
    Math.log1p(dollars),
  );
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of a string's UTF-16 code units, continuing from `seed`. */
export function fnv1a(text: string, seed: number = FNV_OFFSET): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * An n-gram's hash from the hash of its first n − 1 words and of its last word (order matters). The
 * separator keeps bigrams (0x20) and trigrams (0x7c) apart from unigrams and from each other.
 */
function ngramHash(left: number, right: number, separator: number): number {
  let h = Math.imul(left ^ separator, FNV_PRIME);
  h ^= right;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}
const BIGRAM = 0x20;
const TRIGRAM = 0x7c;

const lowerCache = new Map<number, number>();

/** The lower-case code unit of a word character, or −1 for a separator (ASCII fast path). */
function wordUnit(c: number): number {
  if (c < 128) {
    if (c >= 97 && c <= 122) return c;
    if (c >= 65 && c <= 90) return c + 32;
    if ((c >= 48 && c <= 57) || c === 95) return c;
    return -1;
  }
  let lower = lowerCache.get(c);
  if (lower === undefined) {
    const ch = String.fromCharCode(c);
    const low = ch.toLowerCase();
    const isWord = /[\p{L}\p{N}]/u.test(ch);
    lower = !isWord ? -1 : low.length === 1 ? low.charCodeAt(0) : c;
    if (lowerCache.size < 65_536) lowerCache.set(c, lower);
  }
  return lower;
}

/**
 * Calls `visit(bucket)` for each hashed word n-gram of a prompt, n = 1 … `maxN` (1 to 3). Words are
 * maximal runs of letters, digits and underscores (Unicode letters and numbers beyond ASCII; astral characters
 * separate words), lower-cased, of two or more code units — sklearn's default token pattern. Hashes are FNV-1a
 * of the lower-cased word, so no substring is allocated.
 */
export function forEachTerm(
  prompt: string,
  hashBits: number,
  maxN: number,
  visit: (bucket: number) => void,
): void {
  const mask = (1 << hashBits) - 1;
  let previous = -1;
  /** Hash of the bigram ending at the previous word, −1 before the second word. */
  let previousBigram = -1;
  let h = FNV_OFFSET;
  let length = 0;
  const n = prompt.length;
  for (let i = 0; i <= n; i++) {
    const unit = i < n ? wordUnit(prompt.charCodeAt(i)) : -1;
    if (unit >= 0) {
      h = Math.imul(h ^ unit, FNV_PRIME);
      length++;
      continue;
    }
    if (length >= 2) {
      const word = h >>> 0;
      visit(word & mask);
      if (maxN >= 2 && previous >= 0) {
        const bigram = ngramHash(previous, word, BIGRAM);
        visit(bigram & mask);
        if (maxN >= 3 && previousBigram >= 0) visit(ngramHash(previousBigram, word, TRIGRAM) & mask);
        previousBigram = bigram;
      }
      previous = word;
    }
    h = FNV_OFFSET;
    length = 0;
  }
}

/** Term counts of a prompt's hashed word n-grams, n = 1 … `maxN`: bucket → count. */
export function hashedTermCounts(prompt: string, hashBits: number, maxN = 2): Map<number, number> {
  const counts = new Map<number, number>();
  forEachTerm(prompt, hashBits, maxN, (bucket) => counts.set(bucket, (counts.get(bucket) ?? 0) + 1));
  return counts;
}

/** A sparse vector: parallel arrays of bucket indices and values. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/**
 * tf-idf of a prompt: (1 + ln tf) × idf per bucket, L2-normalised; buckets without an idf (unseen or pruned in
 * training) are dropped, as a vocabulary-based vectoriser drops out-of-vocabulary words.
 */
export function tfidfVector(
  counts: ReadonlyMap<number, number>,
  idfOf: (bucket: number) => number | undefined,
): SparseVector {
  const indices: number[] = [];
  const values: number[] = [];
  let norm2 = 0;
  for (const [bucket, tf] of counts) {
    const idf = idfOf(bucket);
    if (idf === undefined) continue;
    const v = (1 + Math.log(tf)) * idf;
    indices.push(bucket);
    values.push(v);
    norm2 += v * v;
  }
  const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] ?? 0) * inv;
  return { indices: Int32Array.from(indices), values: out };
}
