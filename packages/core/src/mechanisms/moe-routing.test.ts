import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBalancingLoss, moeForward, routeTopK } from './moe-routing.js';
import { expectInvalidInput } from './_test-helpers.js';

function expectAllClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - (expected[i] ?? Number.NaN))).toBeLessThanOrEqual(tol);
  });
}

const e = Math.E;

describe('routeTopK', () => {
  it.each([
    // logits [2, 1, 0, 3], k = 2 → experts 3 (logit 3) and 0 (logit 2).
    // softmax([3, 2]) = [e³, e²] / (e³ + e²) = [e/(1+e), 1/(1+e)] = [0.7310585786300049, 0.2689414213699951]
    {
      name: 'k=2 of 4',
      logits: [2, 1, 0, 3],
      k: 2,
      experts: [3, 0],
      weights: [0.7310585786300049, 0.2689414213699951],
      formula: [e / (1 + e), 1 / (1 + e)],
    },
    // k = 1 always gives weight exactly 1 to the arg-max.
    { name: 'k=1', logits: [2, 1, 0, 3], k: 1, experts: [3], weights: [1], formula: [1] },
    // k = 3: logits 3, 2, 1 → [e², e, 1] / (e² + e + 1)
    //   = [0.6652409557748219, 0.24472847105479764, 0.09003057317038046]
    {
      name: 'k=3 of 4',
      logits: [2, 1, 0, 3],
      k: 3,
      experts: [3, 0, 1],
      weights: [0.6652409557748219, 0.24472847105479764, 0.09003057317038046],
      formula: [e * e, e, 1].map((x) => x / (e * e + e + 1)),
    },
    // ln-spaced logits give rational weights: [ln 4, ln 1, ln 3, ln 2], k = 2 → experts [0, 2],
    // weights [4, 3] / 7.
    {
      name: 'log-spaced logits',
      logits: [Math.log(4), 0, Math.log(3), Math.LN2],
      k: 2,
      experts: [0, 2],
      weights: [4 / 7, 3 / 7],
      formula: [4 / 7, 3 / 7],
    },
    // Shift invariance of softmax: adding 1000 to every logit changes nothing (no overflow).
    {
      name: 'large logits',
      logits: [1002, 1001, 1000, 1003],
      k: 2,
      experts: [3, 0],
      weights: [0.7310585786300049, 0.2689414213699951],
      formula: [e / (1 + e), 1 / (1 + e)],
    },
  ])('picks the k highest logits and softmaxes them ($name)', ({ logits, k, experts, weights, formula }) => {
    expectAllClose(weights, formula, 1e-15);
    const route = routeTopK(logits, k);
    expect(route.experts).toEqual(experts);
    expectAllClose(route.weights, weights, 1e-12);
    expect(Math.abs(route.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThanOrEqual(1e-12);
  });

  it.each([
    { name: 'two-way tie for the top', logits: [1, 5, 5, 0], k: 1, experts: [1], weights: [1] },
    { name: 'two-way tie, both kept', logits: [1, 5, 5, 0], k: 2, experts: [1, 2], weights: [0.5, 0.5] },
    { name: 'all equal', logits: [0, 0, 0, 0], k: 2, experts: [0, 1], weights: [0.5, 0.5] },
    { name: 'tie at the cut-off', logits: [3, 1, 2, 1, 1], k: 3, experts: [0, 2, 1], weights: null },
    { name: 'negative ties', logits: [-2, -1, -1, -3], k: 2, experts: [1, 2], weights: [0.5, 0.5] },
  ])('breaks ties toward the lower index ($name)', ({ logits, k, experts, weights }) => {
    const route = routeTopK(logits, k);
    expect(route.experts).toEqual(experts);
    if (weights) expectAllClose(route.weights, weights, 1e-15);
  });

  it.each([
    { name: 'k = 0', k: 0 },
    { name: 'k negative', k: -1 },
    { name: 'k above the number of experts', k: 5 },
    { name: 'k fractional', k: 1.5 },
    { name: 'k NaN', k: Number.NaN },
    { name: 'k infinite', k: Number.POSITIVE_INFINITY },
  ])('throws INVALID_INPUT for $name', ({ k }) => {
    expectInvalidInput(() => routeTopK([2, 1, 0, 3], k));
  });

  it('throws INVALID_INPUT for an empty logits vector', () => {
    expectInvalidInput(() => routeTopK([], 1));
  });

  it('property: weights sum to 1 and descend with the chosen logits, which are the k largest', () => {
    const logitsArb = fc.array(fc.double({ min: -20, max: 20, noNaN: true, noDefaultInfinity: true }), {
      minLength: 2,
      maxLength: 16,
    });
    const caseArb = logitsArb.chain((logits) =>
      fc.tuple(fc.constant(logits), fc.integer({ min: 1, max: logits.length })),
    );
    fc.assert(
      fc.property(caseArb, ([logits, k]) => {
        const { experts, weights } = routeTopK(logits, k);
        expect(experts).toHaveLength(k);
        expect(weights).toHaveLength(k);
        expect(new Set(experts).size).toBe(k);
        expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThanOrEqual(1e-9);
        const chosen = experts.map((i) => logits[i] ?? Number.NaN);
        for (let j = 1; j < k; j++) {
          expect(chosen[j - 1]).toBeGreaterThanOrEqual(chosen[j] ?? Number.NaN);
          expect(weights[j - 1]).toBeGreaterThanOrEqual(weights[j] ?? Number.NaN);
        }
        const cutoff = Math.min(...chosen);
        logits.forEach((l, i) => {
          if (!experts.includes(i)) expect(l).toBeLessThanOrEqual(cutoff);
        });
      }),
      { seed: 20240601, numRuns: 500 },
    );
  });
});

describe('moeForward', () => {
  // Expert i multiplies its input by (i + 1).
  const scaleExperts = [0, 1, 2, 3].map((i) => (x: readonly number[]) => x.map((v) => v * (i + 1)));
  // Router (in × out = 2 × 4): logits = x · W = [x0, x1, x0 + x1, 0].
  const router = [
    [1, 0, 1, 0],
    [0, 1, 1, 0],
  ];

  it.each([
    // x = [1, 2]: logits [1, 2, 3, 0]; k = 2 → experts [2, 1], weights softmax([3, 2]) = [s, 1 − s],
    // s = e/(1+e). Output = s·3x + (1 − s)·2x = (2 + s)·x = [2 + s, 4 + 2s].
    {
      name: 'k=2',
      x: [1, 2],
      k: 2,
      logits: [1, 2, 3, 0],
      experts: [2, 1],
      output: [2 + e / (1 + e), 4 + (2 * e) / (1 + e)],
    },
    // k = 1: only expert 2 (×3) with weight 1 → [3, 6] exactly.
    { name: 'k=1', x: [1, 2], k: 1, logits: [1, 2, 3, 0], experts: [2], output: [3, 6] },
    // x = [−1, −1]: logits [−1, −1, −2, 0]; k = 3 → experts [3, 0, 1] with logits [0, −1, −1],
    // weights [1, e⁻¹, e⁻¹] / (1 + 2e⁻¹). Output = (4·1 + 1·e⁻¹ + 2·e⁻¹)/(1 + 2e⁻¹) · x
    //   = (4 + 3/e)/(1 + 2/e) · x = (4e + 3)/(e + 2) · x.
    {
      name: 'k=3, tie between experts 0 and 1',
      x: [-1, -1],
      k: 3,
      logits: [-1, -1, -2, 0],
      experts: [3, 0, 1],
      output: [-(4 * e + 3) / (e + 2), -(4 * e + 3) / (e + 2)],
    },
    // k = 4 with x = [0, 0]: all logits 0, uniform weights 1/4; the output is 0 whatever the experts.
    { name: 'k=4, zero input', x: [0, 0], k: 4, logits: [0, 0, 0, 0], experts: [0, 1, 2, 3], output: [0, 0] },
  ])('output is the route-weighted sum of expert outputs ($name)', ({ x, k, logits, experts, output }) => {
    const r = moeForward(x, router, scaleExperts, k);
    expect(r.logits).toEqual(logits);
    expect(r.route.experts).toEqual(experts);
    expectAllClose(r.output, output, 1e-12);
  });

  it('calls only the routed experts', () => {
    const calls: number[] = [];
    const experts = [0, 1, 2, 3].map((i) => (x: readonly number[]) => {
      calls.push(i);
      return x;
    });
    moeForward([1, 2], router, experts, 2);
    expect([...calls].sort()).toEqual([1, 2]);
  });

  it('throws INVALID_INPUT when the router width differs from the number of experts', () => {
    expectInvalidInput(() => moeForward([1, 2], router, scaleExperts.slice(0, 3), 2));
  });

  it('throws INVALID_INPUT when the input width differs from the router height', () => {
    expectInvalidInput(() => moeForward([1, 2, 3], router, scaleExperts, 2));
  });
});

describe('loadBalancingLoss', () => {
  it('matches a hand-computed value (4 tokens, 2 experts, k = 1, α = 0.01)', () => {
    // Tokens 0–2 have logits [ln 3, 0] → softmax [3/4, 1/4], routed to expert 0.
    // Token 3 has logits [0, ln 3] → softmax [1/4, 3/4], routed to expert 1.
    // f = [3/4, 1/4] (fraction of assignments)
    // P = [(3·3/4 + 1/4)/4, (3·1/4 + 3/4)/4] = [0.625, 0.375] (mean router probability)
    // loss = α · E · Σ f_i P_i = 0.01 · 2 · (0.75·0.625 + 0.25·0.375) = 0.02 · 0.5625 = 0.01125
    const l3 = Math.log(3);
    const logits = [
      [l3, 0],
      [l3, 0],
      [l3, 0],
      [0, l3],
    ];
    expect(Math.abs(loadBalancingLoss(logits, 1, 0.01) - 0.01125)).toBeLessThanOrEqual(1e-12);
  });

  it('matches a hand-computed top-2 value (2 tokens, 3 experts, k = 2, α = 1)', () => {
    // Token 0 logits [ln 2, ln 1, ln 1] → softmax [1/2, 1/4, 1/4], top-2 = experts 0, 1 (tie → lower).
    // Token 1 logits [ln 1, ln 1, ln 2] → softmax [1/4, 1/4, 1/2], top-2 = experts 2, 0.
    // f over T·k = 4 assignments: expert 0 twice, 1 once, 2 once → [1/2, 1/4, 1/4]
    // P = [(1/2 + 1/4)/2, (1/4 + 1/4)/2, (1/4 + 1/2)/2] = [3/8, 1/4, 3/8]
    // loss = 1 · 3 · (1/2·3/8 + 1/4·1/4 + 1/4·3/8) = 3 · (12/64 + 4/64 + 6/64) = 66/64 = 1.03125
    const logits = [
      [Math.LN2, 0, 0],
      [0, 0, Math.LN2],
    ];
    expect(Math.abs(loadBalancingLoss(logits, 2, 1) - 1.03125)).toBeLessThanOrEqual(1e-12);
  });

  it('uses α = 0.01 by default', () => {
    // Same case as the first hand example: 0.01125.
    const l3 = Math.log(3);
    expect(
      Math.abs(
        loadBalancingLoss(
          [
            [l3, 0],
            [l3, 0],
            [l3, 0],
            [0, l3],
          ],
          1,
        ) - 0.01125,
      ),
    ).toBeLessThanOrEqual(1e-12);
  });

  // Perfectly uniform routing: f_i = P_i = 1/E, so α · E · E · (1/E²) = α. With all-zero logits and k = E
  // every fraction and probability is a power of two and the result is exact.
  it.each([
    { name: '2 experts, k = 2', tokens: 4, experts: 2, k: 2, alpha: 0.01 },
    { name: '4 experts, k = 4', tokens: 8, experts: 4, k: 4, alpha: 0.01 },
    { name: '8 experts, k = 8, α = 0.5', tokens: 2, experts: 8, k: 8, alpha: 0.5 },
  ])('uniform routing gives exactly α ($name)', ({ tokens, experts, k, alpha }) => {
    const logits = Array.from({ length: tokens }, () => new Array<number>(experts).fill(0));
    expect(loadBalancingLoss(logits, k, alpha)).toBe(alpha);
  });

  it('balanced k = 1 routing with symmetric confidences gives α', () => {
    // Tokens alternate between experts 0 and 1 with mirrored logits: f = [1/2, 1/2] and P = [1/2, 1/2]
    // up to rounding, so the loss is α.
    const logits = [
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ];
    expect(Math.abs(loadBalancingLoss(logits, 1, 0.01) - 0.01)).toBeLessThanOrEqual(1e-15);
  });

  it('a collapsed router (all tokens to one confident expert) costs more than uniform routing', () => {
    // All 4 tokens → expert 0 with logits [10, 0, 0, 0]: f = [1, 0, 0, 0],
    // P₀ = e¹⁰/(e¹⁰ + 3) ≈ 0.99986, so loss = α · 4 · P₀ ≈ 4α, versus α for uniform routing.
    const alpha = 0.01;
    const collapsed = Array.from({ length: 4 }, () => [10, 0, 0, 0]);
    const p0 = Math.exp(10) / (Math.exp(10) + 3);
    const loss = loadBalancingLoss(collapsed, 1, alpha);
    expect(Math.abs(loss - alpha * 4 * p0)).toBeLessThanOrEqual(1e-12);
    const uniform = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    expect(loss).toBeGreaterThan(loadBalancingLoss(uniform, 4, alpha));
    expect(loss).toBeGreaterThan(3.9 * alpha);
  });

  it.each([
    { name: 'no tokens', logits: [] as number[][], k: 1 },
    { name: 'no experts', logits: [[]] as number[][], k: 1 },
    { name: 'k above the number of experts', logits: [[1, 2]], k: 3 },
    { name: 'k = 0', logits: [[1, 2]], k: 0 },
  ])('throws INVALID_INPUT for $name', ({ logits, k }) => {
    expectInvalidInput(() => loadBalancingLoss(logits, k));
  });
});
