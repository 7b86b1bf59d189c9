import { describe, expect, it } from 'vitest';
import { seededRandom as mulberry32 } from '../random.js';
import { assignFolds, callsToReach, evaluateRouter, quantileSorted, type RoutedOutcome } from './eval.js';

const o = (score: number, weakCorrect: boolean, strongCorrect: boolean): RoutedOutcome => ({
  score,
  weakCorrect,
  strongCorrect,
});

describe('evaluateRouter (RouteLLM routellm/evals/evaluate.py metrics)', () => {
  // Hand-computed: weak 2/4, strong 3/4; only prompt 0 needs the strong model.
  const four = [o(0.9, false, true), o(0.7, true, true), o(0.3, true, true), o(0.1, false, false)];

  it('traces quantile thresholds, AUC, APGR and CPT as computed by hand', () => {
    const e = evaluateRouter(four, 2);
    // Thresholds at the 0, 50, 100% quantiles: 0.1 (all strong), 0.5 (two strong), > 0.9 (none).
    expect(e.curve.map((p) => [p.strongShare, p.accuracy])).toEqual([
      [0, 0.5],
      [0.5, 0.75],
      [1, 0.75],
    ]);
    expect(e.auc).toBeCloseTo(0.6875, 12);
    expect(e.apgr).toBeCloseTo((0.6875 - 0.5) / 0.25, 12);
    expect(e.cpt50).toBeCloseTo(0.25, 12); // 0.625 reached halfway up the first segment
    expect(e.cpt80).toBeCloseTo(0.4, 12); // 0.7 = 0.5 + 0.8 × 0.25
    // Exact step curve: 0.5 at share 0, 0.75 from share 0.25 on.
    expect(e.apgrExact).toBeCloseTo((0.25 * 0.625 + 0.75 * 0.75 - 0.5) / 0.25, 12);
    expect(e.weakAccuracy).toBe(0.5);
    expect(e.strongAccuracy).toBe(0.75);
    expect(e.oracleAccuracy).toBe(0.75);
    expect(e.oracleStrongShare).toBe(0.25);
  });

  it('a perfect router reaches the oracle accuracy at the oracle share', () => {
    const random = mulberry32(7);
    const rows = Array.from({ length: 2000 }, () => {
      const weak = random() < 0.6;
      const strong = random() < 0.8;
      return { weak, strong };
    });
    const e = evaluateRouter(rows.map((r) => o(Number(r.strong) - Number(r.weak), r.weak, r.strong)));
    const best = e.fineCurve.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    expect(best.accuracy).toBeCloseTo(e.oracleAccuracy, 12);
    expect(e.apgrExact).toBeGreaterThan(1); // the oracle beats the strong model
  });

  it('a random router has APGR ≈ 0.5 (the straight line from weak-only to strong-only)', () => {
    const random = mulberry32(11);
    const rows = Array.from({ length: 50_000 }, () => o(random(), random() < 0.65, random() < 0.8));
    const e = evaluateRouter(rows);
    expect(e.apgr).toBeGreaterThan(0.47);
    expect(e.apgr).toBeLessThan(0.53);
    expect(e.randomApgr).toBe(0.5);
  });

  it('prices every point from the per-prompt prices', () => {
    const priced = four.map((x) => ({ ...x, weakUsd: 0.001, strongUsd: 0.01 }));
    const e = evaluateRouter(priced, 2);
    const costs = e.curve.map((p) => p.costUsd ?? Number.NaN);
    [0.004, 0.001 * 2 + 0.01 * 2, 0.04].forEach((usd, i) => {
      expect(costs[i]).toBeCloseTo(usd, 15);
    });
    expect(e.weakOnlyUsd).toBeCloseTo(0.004, 15);
    expect(e.strongOnlyUsd).toBeCloseTo(0.04, 15);
    expect(evaluateRouter(four).weakOnlyUsd).toBeNull();
  });

  it('rejects empty input and non-finite scores with the field named', () => {
    expect(() => evaluateRouter([])).toThrow(/outcomes/);
    expect(() => evaluateRouter([o(Number.NaN, true, true)])).toThrow(/outcomes\[0\]\.score/);
  });
});

describe('quantiles and CPT interpolation', () => {
  it.each([
    // numpy.quantile([1, 2, 3, 4], q) with linear interpolation
    [0, 1],
    [0.25, 1.75],
    [0.5, 2.5],
    [1, 4],
  ])('quantile %f of [1,2,3,4] = %f (numpy default)', (q, expected) => {
    expect(quantileSorted([1, 2, 3, 4], q)).toBeCloseTo(expected, 12);
  });

  it('interpolates linearly between the points that bracket the target, and takes the first crossing', () => {
    const curve = [
      { threshold: 3, strongShare: 0, accuracy: 0.6, costUsd: null },
      { threshold: 2, strongShare: 0.2, accuracy: 0.7, costUsd: null },
      { threshold: 1, strongShare: 0.6, accuracy: 0.9, costUsd: null },
      { threshold: 0, strongShare: 1, accuracy: 0.8, costUsd: null },
    ];
    expect(callsToReach(curve, 0.65)).toBeCloseTo(0.1, 12);
    expect(callsToReach(curve, 0.8)).toBeCloseTo(0.4, 12);
    expect(callsToReach(curve, 0.95)).toBe(1);
  });
});

describe('k-fold assignment', () => {
  it('is seeded, balanced and covers every row', () => {
    const a = assignFolds(103, 5, 42);
    expect(Array.from(a)).toEqual(Array.from(assignFolds(103, 5, 42)));
    expect(Array.from(a)).not.toEqual(Array.from(assignFolds(103, 5, 43)));
    const sizes = [0, 1, 2, 3, 4].map((f) => a.filter((x) => x === f).length);
    expect(sizes.sort()).toEqual([20, 20, 21, 21, 21]);
  });
  it('names the field for a bad fold count', () => {
    expect(() => assignFolds(10, 1, 0)).toThrow(/folds/);
    expect(() => assignFolds(3, 5, 0)).toThrow(/folds/);
  });
});
