import { describe, expect, it } from 'vitest';
import { fnv1a, hashedTermCounts, SHAPE_FEATURES, shapeFeatures, tfidfVector } from './features.js';

describe('fnv1a', () => {
  // Test vectors from the FNV reference (Fowler/Noll/Vo, isthe.com/chongo/tech/comp/fnv, 32-bit FNV-1a).
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('FNV-1a32(%j) = %i', (text, expected) => {
    expect(fnv1a(text)).toBe(expected);
  });
});

describe('hashedTermCounts', () => {
  it('counts lower-cased words of two or more characters and their bigrams', () => {
    const counts = hashedTermCounts('The cat, the CAT! a', 20);
    const mask = (1 << 20) - 1;
    expect(counts.get(fnv1a('the') & mask)).toBe(2);
    expect(counts.get(fnv1a('cat') & mask)).toBe(2);
    expect(counts.has(fnv1a('a') & mask)).toBe(false); // one-letter tokens are skipped, as sklearn's default
    // 4 tokens → 3 bigrams: (the cat), (cat the), (the cat) again.
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(4 + 3);
  });
  it('adds word trigrams when asked, and only unigrams when asked', () => {
    const total = (maxN: number) =>
      [...hashedTermCounts('The cat, the CAT! a', 20, maxN).values()].reduce((a, b) => a + b, 0);
    expect(total(1)).toBe(4);
    // 4 tokens → 3 bigrams and 2 trigrams: (the cat the), (cat the cat).
    expect(total(3)).toBe(4 + 3 + 2);
    // a trigram never lands on its own bigram's or unigram's bucket by construction of the hash
    const uniAndBi = new Set(hashedTermCounts('one two three', 24, 2).keys());
    const all = [...hashedTermCounts('one two three', 24, 3).keys()];
    expect(all.filter((b) => !uniAndBi.has(b))).toHaveLength(1);
  });
  it('keeps every bucket inside the hash space', () => {
    for (const b of hashedTermCounts('a quick brown fox jumps over the lazy dog 42 times', 8).keys()) {
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(256);
    }
  });
});

describe('tfidfVector', () => {
  it('applies sublinear tf × idf and L2-normalises; unknown buckets drop out', () => {
    const counts = new Map([
      [1, 1],
      [2, Math.E],
      [3, 5],
    ]);
    const v = tfidfVector(counts, (b) => (b === 3 ? undefined : b));
    // bucket 1: (1 + ln 1) × 1 = 1; bucket 2: (1 + ln e) × 2 = 4 → norm √17.
    expect(Array.from(v.indices)).toEqual([1, 2]);
    expect(v.values[0]).toBeCloseTo(1 / Math.sqrt(17), 12);
    expect(v.values[1]).toBeCloseTo(4 / Math.sqrt(17), 12);
  });
});

describe('shapeFeatures', () => {
  it('reads length, numbers, maths, multiple choice and question marks', () => {
    const f = shapeFeatures('What is 12 + 30.5?\nA. 42\nB. 7\nAnswer: $5');
    const get = (name: (typeof SHAPE_FEATURES)[number]) => f[SHAPE_FEATURES.indexOf(name)];
    expect(get('logNumbers')).toBeCloseTo(Math.log1p(5), 12); // 12, 30.5, 42, 7, 5
    expect(get('newlines')).toBe(3);
    expect(get('multipleChoice')).toBe(1);
    expect(get('questionMark')).toBe(1);
    expect(get('logMathSymbols')).toBeCloseTo(Math.log1p(1), 12);
    expect(get('logDollarSigns')).toBeCloseTo(Math.log1p(1), 12);
    expect(shapeFeatures('plain')[SHAPE_FEATURES.indexOf('multipleChoice')]).toBe(0);
  });
});
