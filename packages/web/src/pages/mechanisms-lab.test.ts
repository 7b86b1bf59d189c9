import { describe, expect, it } from 'vitest';
import {
  attentionInputs,
  attentionKvBytes,
  computeAttention,
  computeMoe,
  computeSsm,
  maxAbsDifference,
  moeInputs,
  ssmInputs,
} from './mechanisms-lab.js';

describe('maxAbsDifference', () => {
  it('is the largest elementwise |a − b|, Infinity for different shapes', () => {
    expect(
      maxAbsDifference(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2.5],
          [2, 4],
        ],
      ),
    ).toBe(1);
    expect(maxAbsDifference([[1]], [[1], [2]])).toBe(Infinity);
  });
});

describe('attention explainer', () => {
  const a = computeAttention(attentionInputs({ tokens: '8', dmodel: '16', heads: '4', kvheads: '2' }));

  it('cached decoding equals full causal attention', () => {
    expect(a.maxDifference).toBeLessThan(1e-12);
    expect(a.full).toHaveLength(8);
  });

  it('the heatmap is causal: rows sum to 1, nothing above the diagonal', () => {
    a.heatmap.forEach((row, i) => {
      expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
      row.forEach((w, j) => {
        if (j > i) expect(w).toBe(0);
        else expect(w).toBeGreaterThan(0);
      });
    });
  });

  it('KV bytes = 2 × tokens × kvHeads × headDim × bytes (8 × 2 heads × 4 × bf16 = 256 B)', () => {
    expect(a.kvCacheBytes).toBe(256);
    expect(a.steps.map((s) => s.kvCacheBytes)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((t) => 32 * t));
    expect(attentionKvBytes(a.inputs)).toBe(256);
  });

  it('work: t scores per step with the cache, t(t+1)/2 without', () => {
    expect(a.steps.map((s) => s.scoresWithCache)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a.steps.map((s) => s.scoresWithoutCache)).toEqual([1, 3, 6, 10, 15, 21, 28, 36]);
  });

  it.each([
    [{ heads: '3' }, 'Heads: 3 does not divide d_model 16; choose a divisor of 16'],
    [{ kvheads: '3' }, 'KV heads: 3 does not divide the 4 query heads; choose a divisor of 4'],
    [{ tokens: '33' }, 'Sequence length: "33" is not allowed; enter a whole number from 1 to 32'],
    [{ seed: 'x' }, 'Seed: "x" is not allowed'],
  ])('bad input %o names the field: %s', (params, message) => {
    expect(() => attentionInputs(params)).toThrow(message);
  });
});

describe('MoE explainer', () => {
  it('routes T × k assignments, and a skewed router raises the load-balancing loss', () => {
    const even = computeMoe(moeInputs({ experts: '8', topk: '2', moetokens: '64' }));
    const skewed = computeMoe(moeInputs({ experts: '8', topk: '2', moetokens: '64', skew: '10' }));
    expect(even.tokensPerExpert.reduce((s, n) => s + n, 0)).toBe(128);
    expect(skewed.tokensPerExpert.reduce((s, n) => s + n, 0)).toBe(128);
    expect(skewed.auxLoss).toBeGreaterThan(1.5 * even.auxLoss);
    // At skew 10 the bias (10, 8.6, 7.1, …) mostly outweighs the random logits (σ ≈ 1.3).
    expect(skewed.tokensPerExpert[0]).toBeGreaterThan(0.9 * 64);
    expect(Math.max(...even.tokensPerExpert)).toBeLessThan(0.6 * 64);
  });

  it('top-k above the number of experts is an error naming the field', () => {
    expect(() => moeInputs({ experts: '4', topk: '5' })).toThrow(/^Top-k: "5" is not allowed/);
  });
});

describe('SSM explainer', () => {
  it.each(['impulse', 'step', 'noise'])('scan equals convolution (%s input)', (signal) => {
    const s = computeSsm(ssmInputs({ state: '16', length: '64', signal }));
    expect(s.maxDifference).toBeLessThan(1e-9);
    expect(s.scan).toHaveLength(64);
  });

  it('the state stays N elements while a KV cache as wide grows by 2N per token', () => {
    const s = computeSsm(ssmInputs({ state: '4', length: '10' }));
    expect(s.stateElements).toBe(4);
    expect(s.growth.map((g) => g.stateElements)).toEqual(new Array<number>(10).fill(4));
    expect(s.kvElements).toBe(80);
  });
});
