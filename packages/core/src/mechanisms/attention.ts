import { invalidInput } from '../errors.js';
import { columns, matmul, shapeOf, softmax, transpose, vecmat, type Matrix, type Vector } from './_matrix.js';

export interface AttentionResult {
  /** n × d_v */
  readonly output: number[][];
  /** n × m attention weights (each row sums to 1). */
  readonly weights: number[][];
}

/**
 * Scaled dot-product attention: softmax(Q Kᵀ / √d_k) V, with an optional causal mask (query i sees
 * keys 0…offset+i, where offset = m − n so that a query block at the end of the keys is causal).
 * @see Vaswani et al., "Attention Is All You Need" (arXiv:1706.03762) §3.2.1
 */
export function scaledDotProductAttention(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  opts: { causal?: boolean } = {},
): AttentionResult {
  const [n, dk] = shapeOf(q);
  const [m, dk2] = shapeOf(k);
  if (dk !== dk2) throw invalidInput('attention.k', `key width ${dk2} differs from query width ${dk}`);
  if (v.length !== m) throw invalidInput('attention.v', `${v.length} values for ${m} keys`);
  if (opts.causal && n > m)
    throw invalidInput('attention.q', `${n} causal queries need at least as many keys (got ${m})`);
  const scale = 1 / Math.sqrt(dk);
  const scores = matmul(q, transpose(k)).map((row) => row.map((s) => s * scale));
  const offset = m - n;
  const weights = scores.map((row, i) =>
    softmax(opts.causal ? row.map((s, j) => (j <= offset + i ? s : Number.NEGATIVE_INFINITY)) : row),
  );
  return { output: matmul(weights, v), weights };
}

/** Projection weights of one multi-head attention layer with grouped KV heads (GQA; MHA when kvHeads = heads). */
export interface AttentionWeights {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** hidden × heads·headDim */
  readonly wq: Matrix;
  /** hidden × kvHeads·headDim */
  readonly wk: Matrix;
  /** hidden × kvHeads·headDim */
  readonly wv: Matrix;
  /** heads·headDim × hidden */
  readonly wo: Matrix;
}

/** The per-layer KV cache: one row of K and one of V (kvHeads·headDim wide) per cached token. */
export interface KvCacheState {
  readonly keys: readonly Vector[];
  readonly values: readonly Vector[];
}

export const EMPTY_KV_CACHE: KvCacheState = { keys: [], values: [] };

function checkWeights(w: AttentionWeights): void {
  if (!Number.isInteger(w.heads / w.kvHeads) || w.kvHeads < 1) {
    throw invalidInput(
      'attention.kvHeads',
      `${w.kvHeads} does not divide heads ${w.heads}; use a divisor of it`,
    );
  }
  const [hidden, qWidth] = shapeOf(w.wq);
  const expect = (name: string, m: Matrix, rows: number, cols: number): void => {
    const [r, c] = shapeOf(m);
    if (r !== rows || c !== cols)
      throw invalidInput(`attention.${name}`, `is ${r}×${c}, expected ${rows}×${cols}`);
  };
  expect('wq', w.wq, hidden, w.heads * w.headDim);
  expect('wk', w.wk, hidden, w.kvHeads * w.headDim);
  expect('wv', w.wv, hidden, w.kvHeads * w.headDim);
  expect('wo', w.wo, qWidth, hidden);
}

function headsAttention(w: AttentionWeights, q: Matrix, k: Matrix, v: Matrix, causal: boolean): number[][] {
  checkWeights(w);
  const group = w.heads / w.kvHeads;
  const d = w.headDim;
  const perHead = Array.from({ length: w.heads }, (_, h) => {
    const kv = Math.floor(h / group);
    return scaledDotProductAttention(
      columns(q, h * d, (h + 1) * d),
      columns(k, kv * d, (kv + 1) * d),
      columns(v, kv * d, (kv + 1) * d),
      { causal },
    ).output;
  });
  const concat = q.map((_, i) => perHead.flatMap((o) => o[i] ?? []));
  return matmul(concat, w.wo);
}

/** Causal self-attention over a whole sequence x (n × hidden), recomputing every K and V. */
export function causalSelfAttention(w: AttentionWeights, x: Matrix): number[][] {
  return headsAttention(w, matmul(x, w.wq), matmul(x, w.wk), matmul(x, w.wv), true);
}

/**
 * One decode step with a KV cache: project only the new token, append its K and V to the cache, and
 * attend over the cache. Work per step is linear in the cached length instead of recomputing
 * all keys and values. Returns the new output row and the new cache (the input cache is not mutated).
 */
export function cachedDecodeStep(
  w: AttentionWeights,
  cache: KvCacheState,
  x: Vector,
): { readonly output: number[]; readonly cache: KvCacheState } {
  const next: KvCacheState = {
    keys: [...cache.keys, vecmat(x, w.wk)],
    values: [...cache.values, vecmat(x, w.wv)],
  };
  const out = headsAttention(w, [vecmat(x, w.wq)], next.keys, next.values, false);
  return { output: out[0] ?? [], cache: next };
}

/** KV-cache bytes of the mechanism's cache: 2 (K, V) × tokens × kvHeads × headDim × bytes per element. */
export function kvCacheStateBytes(
  w: AttentionWeights,
  cachedTokens: number,
  bytesPerElement: number,
): number {
  return 2 * cachedTokens * w.kvHeads * w.headDim * bytesPerElement;
}
