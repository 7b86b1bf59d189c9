import { describe, expect, it } from 'vitest';
import {
  cachedDecodeStep,
  causalSelfAttention,
  EMPTY_KV_CACHE,
  kvCacheStateBytes,
  scaledDotProductAttention,
  type AttentionWeights,
  type KvCacheState,
} from './attention.js';
import { rng, randomMatrix, expectInvalidInput, expectRowsClose } from './_test-helpers.js';

const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

/**
 * Naive reference for multi-head causal self-attention with grouped KV heads, written with plain loops
 * and independent of the module under test: query head h reads KV head ⌊h / (heads / kvHeads)⌋.
 */
function referenceCausalAttention(w: AttentionWeights, x: readonly (readonly number[])[]): number[][] {
  const proj = (m: readonly (readonly number[])[], row: readonly number[]) =>
    Array.from({ length: m[0]?.length ?? 0 }, (_, j) =>
      row.reduce((s, xi, i) => s + xi * (m[i]?.[j] ?? 0), 0),
    );
  const q = x.map((r) => proj(w.wq, r));
  const k = x.map((r) => proj(w.wk, r));
  const v = x.map((r) => proj(w.wv, r));
  const d = w.headDim;
  const perKv = w.heads / w.kvHeads;
  return x.map((_, i) => {
    const concat: number[] = [];
    for (let h = 0; h < w.heads; h++) {
      const g = Math.floor(h / perKv);
      const qi = (q[i] ?? []).slice(h * d, (h + 1) * d);
      const scores: number[] = [];
      for (let j = 0; j <= i; j++)
        scores.push(dot(qi, (k[j] ?? []).slice(g * d, (g + 1) * d)) / Math.sqrt(d));
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((s, e) => s + e, 0);
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += ((exps[j] ?? 0) / total) * (v[j]?.[g * d + c] ?? 0);
        concat.push(acc);
      }
    }
    return proj(w.wo, concat);
  });
}

describe('scaledDotProductAttention', () => {
  it.each([
    { name: 'square, unmasked', seed: 1, n: 4, m: 4, dk: 3, dv: 2, causal: false },
    { name: 'square, causal', seed: 2, n: 5, m: 5, dk: 4, dv: 3, causal: true },
    { name: 'fewer queries than keys, causal', seed: 3, n: 2, m: 6, dk: 2, dv: 5, causal: true },
    { name: 'fewer queries than keys, unmasked', seed: 4, n: 3, m: 7, dk: 8, dv: 1, causal: false },
  ])('each weights row sums to 1 ($name)', ({ seed, n, m, dk, dv, causal }) => {
    const next = rng(seed);
    const q = randomMatrix(next, n, dk).map((r) => r.map((x) => 4 * x));
    const k = randomMatrix(next, m, dk).map((r) => r.map((x) => 4 * x));
    const v = randomMatrix(next, m, dv);
    const { weights, output } = scaledDotProductAttention(q, k, v, { causal });
    expect(weights).toHaveLength(n);
    expect(output).toHaveLength(n);
    for (const row of weights) {
      expect(row).toHaveLength(m);
      expect(Math.abs(row.reduce((s, w) => s + w, 0) - 1)).toBeLessThanOrEqual(1e-12);
      for (const w of row) expect(w).toBeGreaterThanOrEqual(0);
    }
  });

  it('matches a hand-computed 2×2 example', () => {
    // d_k = 2, so scores are divided by √2. Choosing q entries of √2·ln3 and √2·ln2 makes the scaled
    // scores ln-values:
    //   row 0: [√2·ln3 · 1, 0] / √2 = [ln3, 0] → softmax = [3/(3+1), 1/(3+1)] = [0.75, 0.25]
    //   row 1: [0, √2·ln2 · 1] / √2 = [0, ln2] → softmax = [1/(1+2), 2/(1+2)] = [1/3, 2/3]
    // output = weights · v with v = [[1, 2], [3, 4]]:
    //   row 0: 0.75·[1, 2] + 0.25·[3, 4] = [1.5, 2.5]
    //   row 1: (1/3)·[1, 2] + (2/3)·[3, 4] = [7/3, 10/3]
    const q = [
      [Math.SQRT2 * Math.log(3), 0],
      [0, Math.SQRT2 * Math.LN2],
    ];
    const k = [
      [1, 0],
      [0, 1],
    ];
    const v = [
      [1, 2],
      [3, 4],
    ];
    const { weights, output } = scaledDotProductAttention(q, k, v);
    expectRowsClose(
      weights,
      [
        [0.75, 0.25],
        [1 / 3, 2 / 3],
      ],
      1e-12,
    );
    expectRowsClose(
      output,
      [
        [1.5, 2.5],
        [7 / 3, 10 / 3],
      ],
      1e-12,
    );
  });

  it('causal mask zeroes future weights (query block aligned to the end of the keys)', () => {
    const next = rng(7);
    const n = 3;
    const m = 5;
    const q = randomMatrix(next, n, 4);
    const k = randomMatrix(next, m, 4);
    const v = randomMatrix(next, m, 2);
    const { weights, output } = scaledDotProductAttention(q, k, v, { causal: true });
    const offset = m - n;
    weights.forEach((row, i) => {
      row.forEach((w, j) => {
        if (j > offset + i) expect(w).toBe(0);
        else expect(w).toBeGreaterThan(0);
      });
    });
    // Each causal row equals plain softmax attention over the visible prefix of keys, computed naively.
    q.forEach((qi, i) => {
      const visible = offset + i + 1;
      const scores = k.slice(0, visible).map((kj) => dot(qi, kj) / 2);
      const exps = scores.map((s) => Math.exp(s));
      const total = exps.reduce((s, e) => s + e, 0);
      const want = exps.map((e) => e / total);
      expectRowsClose([weights[i]?.slice(0, visible) ?? []], [want], 1e-12);
      const wantOut = [0, 1].map((c) => want.reduce((s, w, j) => s + w * (v[j]?.[c] ?? 0), 0));
      expectRowsClose([output[i] ?? []], [wantOut], 1e-12);
    });
  });

  it('without the causal flag no weight is zeroed', () => {
    const next = rng(8);
    const { weights } = scaledDotProductAttention(
      randomMatrix(next, 3, 2),
      randomMatrix(next, 3, 2),
      randomMatrix(next, 3, 2),
    );
    for (const row of weights) for (const w of row) expect(w).toBeGreaterThan(0);
  });

  // q = 1ᵈ, keys = [1ᵈ, 0ᵈ]: raw scores [d, 0], scaled [√d, 0], so the first weight is
  // 1 / (1 + e^{−√d}) with scaling but 1 / (1 + e^{−d}) without it; the two differ for every d > 1.
  it.each([
    { dk: 4, sqrtDk: 2, scaled: 0.8807970779778823, unscaled: 0.9820137900379085 },
    { dk: 9, sqrtDk: 3, scaled: 0.9525741268224334, unscaled: 0.9998766054240137 },
    { dk: 16, sqrtDk: 4, scaled: 0.9820137900379085, unscaled: 0.9999998874648379 },
  ])('divides scores by √d_k (d_k = $dk)', ({ dk, sqrtDk, scaled, unscaled }) => {
    expect(Math.abs(scaled - 1 / (1 + Math.exp(-sqrtDk)))).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(unscaled - 1 / (1 + Math.exp(-dk)))).toBeLessThanOrEqual(1e-15);
    const ones = new Array<number>(dk).fill(1);
    const zeros = new Array<number>(dk).fill(0);
    const { weights } = scaledDotProductAttention([ones], [ones, zeros], [[1], [0]]);
    const first = weights[0]?.[0] ?? Number.NaN;
    expect(Math.abs(first - scaled)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(first - unscaled)).toBeGreaterThan(1e-3);
  });

  it.each([
    {
      name: 'key width differs from query width',
      q: [[1, 2]],
      k: [[1, 2, 3]],
      v: [[1]],
    },
    {
      name: 'fewer values than keys',
      q: [[1, 2]],
      k: [
        [1, 2],
        [3, 4],
      ],
      v: [[1]],
    },
    {
      name: 'more values than keys',
      q: [[1, 2]],
      k: [[1, 2]],
      v: [[1], [2]],
    },
  ])('throws INVALID_INPUT when $name', ({ q, k, v }) => {
    expectInvalidInput(() => scaledDotProductAttention(q, k, v));
  });
});

function randomWeights(
  seed: number,
  heads: number,
  kvHeads: number,
  headDim: number,
  hidden: number,
): AttentionWeights {
  const next = rng(seed);
  return {
    heads,
    kvHeads,
    headDim,
    wq: randomMatrix(next, hidden, heads * headDim),
    wk: randomMatrix(next, hidden, kvHeads * headDim),
    wv: randomMatrix(next, hidden, kvHeads * headDim),
    wo: randomMatrix(next, heads * headDim, hidden),
  };
}

function deepFreeze(cache: KvCacheState): KvCacheState {
  for (const row of cache.keys) Object.freeze(row);
  for (const row of cache.values) Object.freeze(row);
  return Object.freeze({ keys: Object.freeze([...cache.keys]), values: Object.freeze([...cache.values]) });
}

describe('KV cache', () => {
  const hidden = 6;
  const headDim = 3;
  const tokens = 7;

  it.each([
    { name: 'MHA', heads: 4, kvHeads: 4, seed: 11 },
    { name: 'GQA', heads: 4, kvHeads: 2, seed: 12 },
    { name: 'MQA', heads: 4, kvHeads: 1, seed: 13 },
  ])('$name: decoding token by token equals full causal self-attention', ({ heads, kvHeads, seed }) => {
    const w = randomWeights(seed, heads, kvHeads, headDim, hidden);
    const x = randomMatrix(rng(seed + 1000), tokens, hidden);

    const full = causalSelfAttention(w, x);
    expectRowsClose(full, referenceCausalAttention(w, x), 1e-12);

    let cache = EMPTY_KV_CACHE;
    const stepped: number[][] = [];
    x.forEach((xt, t) => {
      const before = deepFreeze(cache);
      const snapshot = JSON.stringify(before);
      const r = cachedDecodeStep(w, before, xt);
      expect(JSON.stringify(before)).toBe(snapshot);
      expect(before.keys).toHaveLength(t);
      expect(r.cache.keys).toHaveLength(t + 1);
      expect(r.cache.values).toHaveLength(t + 1);
      // The appended rows are this token's K and V projections, kvHeads·headDim wide.
      const wantK = Array.from({ length: kvHeads * headDim }, (_, j) =>
        xt.reduce((s, xi, i) => s + xi * (w.wk[i]?.[j] ?? 0), 0),
      );
      const wantV = Array.from({ length: kvHeads * headDim }, (_, j) =>
        xt.reduce((s, xi, i) => s + xi * (w.wv[i]?.[j] ?? 0), 0),
      );
      expectRowsClose([r.cache.keys[t] ?? []], [wantK], 1e-12);
      expectRowsClose([r.cache.values[t] ?? []], [wantV], 1e-12);
      stepped.push(r.output);
      cache = r.cache;
    });

    expectRowsClose(stepped, full, 1e-12);
    expect(EMPTY_KV_CACHE.keys).toHaveLength(0);
    expect(EMPTY_KV_CACHE.values).toHaveLength(0);
    // kvCacheStateBytes agrees with the elements actually held (fp32: 4 bytes each).
    const heldElements = cache.keys.flat().length + cache.values.flat().length;
    expect(kvCacheStateBytes(w, cache.keys.length, 4)).toBe(heldElements * 4);
  });

  it.each([
    // 2 × 7 × 2 × 3 × 4 = 336 (the GQA test model in fp32)
    {
      name: 'GQA test model, fp32',
      heads: 4,
      kvHeads: 2,
      headDim: 3,
      cachedTokens: 7,
      bytes: 4,
      expected: 336,
    },
    // Llama-3-8B config.json: num_key_value_heads 8, head_dim 4096/32 = 128. One layer, fp16, one token:
    // 2 × 1 × 8 × 128 × 2 = 4096 bytes (× 32 layers = 128 KiB per token, the commonly quoted figure).
    {
      name: 'Llama-3-8B layer, 1 token',
      heads: 32,
      kvHeads: 8,
      headDim: 128,
      cachedTokens: 1,
      bytes: 2,
      expected: 4096,
    },
    // Same layer at 8192 tokens: 2 × 8192 × 8 × 128 × 2 = 33 554 432 bytes (32 MiB).
    {
      name: 'Llama-3-8B layer, 8k tokens',
      heads: 32,
      kvHeads: 8,
      headDim: 128,
      cachedTokens: 8192,
      bytes: 2,
      expected: 33_554_432,
    },
    // MQA: one KV head, 64-wide, 1000 tokens, int8: 2 × 1000 × 1 × 64 × 1 = 128 000
    { name: 'MQA int8', heads: 16, kvHeads: 1, headDim: 64, cachedTokens: 1000, bytes: 1, expected: 128_000 },
    { name: 'empty cache', heads: 4, kvHeads: 4, headDim: 3, cachedTokens: 0, bytes: 2, expected: 0 },
  ])(
    'kvCacheStateBytes = 2 × tokens × kvHeads × headDim × bytes ($name)',
    ({ heads, kvHeads, headDim: hd, cachedTokens, bytes, expected }) => {
      const w: AttentionWeights = { heads, kvHeads, headDim: hd, wq: [], wk: [], wv: [], wo: [] };
      expect(kvCacheStateBytes(w, cachedTokens, bytes)).toBe(expected);
    },
  );

  it('throws INVALID_INPUT when the token width does not match the projections', () => {
    const w = randomWeights(21, 4, 2, headDim, hidden);
    expectInvalidInput(() => cachedDecodeStep(w, EMPTY_KV_CACHE, [1, 2, 3]));
    expectInvalidInput(() => causalSelfAttention(w, [[1, 2, 3]]));
  });
});
