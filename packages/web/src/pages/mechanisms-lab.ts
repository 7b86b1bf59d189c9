/**
 * The mechanism explainers of the web app, on seeded random weights: attention with a KV cache, top-k
 * MoE routing and the SSM recurrence. The weights and inputs are the page's; every result comes from
 * core/mechanisms (causalSelfAttention, cachedDecodeStep, kvCacheStateBytes, scaledDotProductAttention,
 * moeForward, loadBalancingLoss, ssmScan, ssmConvolution, ssmStep). Sizes are capped so that each
 * explainer recomputes well within a frame.
 */
import {
  cachedDecodeStep,
  causalSelfAttention,
  EMPTY_KV_CACHE,
  kvCacheStateBytes,
  loadBalancingLoss,
  matmul,
  moeForward,
  scaledDotProductAttention,
  seededRandom,
  ssmConvolution,
  ssmScan,
  ssmStep,
  type AttentionWeights,
  type KvCacheState,
  type LinearSsm,
  type Matrix,
  type TokenRoute,
  type Vector,
} from '@costwise/core';
import type { Route } from '../url-state.js';
import { boundedInt, MAX_SEED } from './quant-lab.js';

/** Uniform values in [−scale, scale) from a seeded generator. */
function randomMatrix(rand: () => number, rows: number, cols: number, scale = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * (2 * rand() - 1)));
}

/** The largest |a − b| over two equally shaped matrices (how far two computations of one thing differ). */
export function maxAbsDifference(a: Matrix, b: Matrix): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  a.forEach((row, i) => {
    const other = b[i] ?? [];
    if (row.length !== other.length) max = Infinity;
    row.forEach((v, j) => {
      max = Math.max(max, Math.abs(v - (other[j] ?? NaN)));
    });
  });
  return max;
}

const columns = (m: Matrix, from: number, to: number): number[][] => m.map((row) => row.slice(from, to));

export const seedOf = (params: Route['params']): number => boundedInt(params, 'seed', 'Seed', 1, 0, MAX_SEED);

// ——— Attention with a KV cache ———

export const KV_ELEMENT_BYTES = { fp32: 4, bf16: 2, fp8: 1 } as const;
export type KvElementDtype = keyof typeof KV_ELEMENT_BYTES;
export const KV_ELEMENT_DTYPES = Object.keys(KV_ELEMENT_BYTES) as KvElementDtype[];
export const ATTENTION_MAX = { tokens: 32, dModel: 32, heads: 8 } as const;

export interface AttentionInputs {
  readonly tokens: number;
  readonly dModel: number;
  readonly heads: number;
  readonly kvHeads: number;
  /** The head whose weights the heatmap shows, 1-based. */
  readonly head: number;
  readonly kvDtype: KvElementDtype;
  readonly seed: number;
}

export function attentionInputs(params: Route['params']): AttentionInputs {
  const tokens = boundedInt(params, 'tokens', 'Sequence length', 8, 1, ATTENTION_MAX.tokens);
  const dModel = boundedInt(params, 'dmodel', 'd_model', 16, 1, ATTENTION_MAX.dModel);
  const heads = boundedInt(params, 'heads', 'Heads', 4, 1, ATTENTION_MAX.heads);
  if (dModel % heads !== 0)
    throw new Error(`Heads: ${heads} does not divide d_model ${dModel}; choose a divisor of ${dModel}`);
  const kvHeads = boundedInt(params, 'kvheads', 'KV heads', Math.min(2, heads), 1, heads);
  if (heads % kvHeads !== 0)
    throw new Error(
      `KV heads: ${kvHeads} does not divide the ${heads} query heads; choose a divisor of ${heads}`,
    );
  const kvDtype = params.kvdtype ?? 'bf16';
  if (!(KV_ELEMENT_DTYPES as readonly string[]).includes(kvDtype))
    throw new Error(`KV cache dtype: "${kvDtype}" is unknown; choose ${KV_ELEMENT_DTYPES.join(', ')}`);
  return {
    tokens,
    dModel,
    heads,
    kvHeads,
    head: boundedInt(params, 'head', 'Heatmap head', 1, 1, heads),
    kvDtype: kvDtype as KvElementDtype,
    seed: seedOf(params),
  };
}

/**
 * Seeded projection weights of one attention layer, scaled by 1/√d_model; W_Q and W_K 4× more, so that
 * the scores spread over a few units and the attention pattern is visibly uneven.
 */
export function attentionWeights(
  rand: () => number,
  dModel: number,
  heads: number,
  kvHeads: number,
): AttentionWeights {
  const headDim = dModel / heads;
  const s = 1 / Math.sqrt(dModel);
  return {
    heads,
    kvHeads,
    headDim,
    wq: randomMatrix(rand, dModel, heads * headDim, 4 * s),
    wk: randomMatrix(rand, dModel, kvHeads * headDim, 4 * s),
    wv: randomMatrix(rand, dModel, kvHeads * headDim, s),
    wo: randomMatrix(rand, heads * headDim, dModel, s),
  };
}

/**
 * KV cache bytes after the sequence, by core's kvCacheStateBytes, without running the layer: it reads
 * only the layer's KV heads and head size, so the projection matrices are left empty.
 */
export function attentionKvBytes(i: AttentionInputs): number {
  const shape: AttentionWeights = {
    heads: i.heads,
    kvHeads: i.kvHeads,
    headDim: i.dModel / i.heads,
    wq: [],
    wk: [],
    wv: [],
    wo: [],
  };
  return kvCacheStateBytes(shape, i.tokens, KV_ELEMENT_BYTES[i.kvDtype]);
}

export interface DecodeStep {
  /** Tokens in the cache after this step. */
  readonly cachedTokens: number;
  readonly kvCacheBytes: number;
  /** Query·key scores this step computes with the cache: the new query against every cached key. */
  readonly scoresWithCache: number;
  /** Without a cache the step recomputes causal attention over the whole prefix. */
  readonly scoresWithoutCache: number;
}

export function computeAttention(i: AttentionInputs) {
  const rand = seededRandom(i.seed);
  const x = randomMatrix(rand, i.tokens, i.dModel);
  const w = attentionWeights(rand, i.dModel, i.heads, i.kvHeads);
  const full = causalSelfAttention(w, x);
  // The heatmap head's own weights (the causal mask leaves the upper triangle at 0).
  const d = w.headDim;
  const h = i.head - 1;
  const kv = Math.floor(h / (i.heads / i.kvHeads));
  const heatmap = scaledDotProductAttention(
    columns(matmul(x, w.wq), h * d, (h + 1) * d),
    columns(matmul(x, w.wk), kv * d, (kv + 1) * d),
    columns(matmul(x, w.wv), kv * d, (kv + 1) * d),
    { causal: true },
  ).weights;
  let cache: KvCacheState = EMPTY_KV_CACHE;
  const decoded: number[][] = [];
  const steps: DecodeStep[] = [];
  let prefixScores = 0;
  x.forEach((token, t) => {
    const r = cachedDecodeStep(w, cache, token);
    decoded.push(r.output);
    cache = r.cache;
    prefixScores += (heatmap[t] ?? []).filter((p) => p > 0).length;
    steps.push({
      cachedTokens: cache.keys.length,
      kvCacheBytes: kvCacheStateBytes(w, cache.keys.length, KV_ELEMENT_BYTES[i.kvDtype]),
      scoresWithCache: cache.keys.length,
      scoresWithoutCache: prefixScores,
    });
  });
  return {
    inputs: i,
    weights: w,
    full,
    decoded,
    maxDifference: maxAbsDifference(full, decoded),
    heatmap,
    steps,
    kvCacheBytes: kvCacheStateBytes(w, cache.keys.length, KV_ELEMENT_BYTES[i.kvDtype]),
  };
}

// ——— Top-k MoE routing ———

export const MOE_MAX = { experts: 16, tokens: 64, skew: 10 } as const;
export const MOE_HIDDEN = 16;
/** Switch Transformer's α: the loss equals α when routing is perfectly uniform. */
export const MOE_ALPHA = 0.01;

export interface MoeInputs {
  readonly experts: number;
  readonly topK: number;
  readonly tokens: number;
  /** Bias of the router towards the low-numbered experts (0: none). */
  readonly skew: number;
  readonly seed: number;
}

export function moeInputs(params: Route['params']): MoeInputs {
  const experts = boundedInt(params, 'experts', 'Experts', 8, 2, MOE_MAX.experts);
  return {
    experts,
    topK: boundedInt(params, 'topk', 'Top-k', Math.min(2, experts), 1, experts),
    tokens: boundedInt(params, 'moetokens', 'Tokens', 32, 1, MOE_MAX.tokens),
    skew: boundedInt(params, 'skew', 'Router skew', 0, 0, MOE_MAX.skew),
    seed: seedOf(params),
  };
}

/**
 * Seeded tokens, router and experts (linear maps); each token is routed by core's moeForward. The
 * router sees a constant 1 feature whose row, `skew` × (1 … 0) over the experts, biases it towards
 * the first experts.
 */
export function computeMoe(i: MoeInputs) {
  const rand = seededRandom(i.seed);
  const xs = randomMatrix(rand, i.tokens, MOE_HIDDEN).map((x) => [...x, 1]);
  const bias = Array.from({ length: i.experts }, (_, e) => i.skew * (1 - e / (i.experts - 1)));
  const router = [...randomMatrix(rand, MOE_HIDDEN, i.experts), bias];
  const experts = Array.from({ length: i.experts }, () => {
    const we = randomMatrix(rand, MOE_HIDDEN + 1, MOE_HIDDEN, 1 / Math.sqrt(MOE_HIDDEN));
    return (x: Vector): readonly number[] => matmul([x], we)[0] ?? [];
  });
  const forwards = xs.map((x) => moeForward(x, router, experts, i.topK));
  const routes: TokenRoute[] = forwards.map((f) => f.route);
  const logits = forwards.map((f) => f.logits);
  const tokensPerExpert = new Array<number>(i.experts).fill(0);
  for (const r of routes) for (const e of r.experts) tokensPerExpert[e] = (tokensPerExpert[e] ?? 0) + 1;
  return {
    inputs: i,
    routes,
    tokensPerExpert,
    auxLoss: loadBalancingLoss(logits, i.topK, MOE_ALPHA),
  };
}

// ——— The SSM recurrence ———

export const SSM_MAX = { state: 16, length: 64 } as const;
export const SSM_SIGNALS = ['impulse', 'step', 'noise'] as const;
export type SsmSignal = (typeof SSM_SIGNALS)[number];

export interface SsmInputs {
  readonly state: number;
  readonly length: number;
  readonly signal: SsmSignal;
  readonly seed: number;
}

export function ssmInputs(params: Route['params']): SsmInputs {
  const signal = params.signal ?? 'impulse';
  if (!(SSM_SIGNALS as readonly string[]).includes(signal))
    throw new Error(`Input signal: "${signal}" is unknown; choose ${SSM_SIGNALS.join(', ')}`);
  return {
    state: boundedInt(params, 'state', 'State size', 4, 1, SSM_MAX.state),
    length: boundedInt(params, 'length', 'SSM sequence length', 32, 1, SSM_MAX.length),
    signal: signal as SsmSignal,
    seed: seedOf(params),
  };
}

/**
 * A seeded stable single-input single-output SSM: A = diag(0.5…0.9) plus off-diagonal terms under
 * 0.05 / N per entry (every Gershgorin disc inside |z| < 0.95), random B, C and D.
 */
export function stableSsm(rand: () => number, n: number): LinearSsm {
  const a = Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => (r === c ? 0.5 + 0.4 * rand() : (0.05 / n) * (2 * rand() - 1))),
  );
  return { a, b: randomMatrix(rand, n, 1), c: randomMatrix(rand, 1, n), d: randomMatrix(rand, 1, 1, 0.5) };
}

export function computeSsm(i: SsmInputs) {
  const rand = seededRandom(i.seed);
  const m = stableSsm(rand, i.state);
  const xs = Array.from({ length: i.length }, (_, t) => {
    if (i.signal === 'impulse') return [t === 0 ? 1 : 0];
    if (i.signal === 'step') return [1];
    return [2 * rand() - 1];
  });
  const scan = ssmScan(m, xs);
  const convolution = ssmConvolution(m, xs);
  // The recurrent state after each token, and the KV cache of an attention layer as wide as the state
  // (one head of N) after as many tokens: 2 × tokens × N elements (kvCacheStateBytes at 1 byte each).
  const kvLayer = attentionWeights(rand, i.state, 1, 1);
  let state = new Array<number>(i.state).fill(0);
  const growth = xs.map((x, t) => {
    state = ssmStep(m, state, x).state;
    return { tokens: t + 1, stateElements: state.length, kvElements: kvCacheStateBytes(kvLayer, t + 1, 1) };
  });
  return {
    inputs: i,
    xs,
    scan,
    convolution,
    maxDifference: maxAbsDifference(scan, convolution),
    growth,
    stateElements: state.length,
    kvElements: kvCacheStateBytes(kvLayer, i.length, 1),
  };
}
