import type { Architecture, MixerSpec } from './architecture.js';
import { attentionFlopsPerContextToken, flopsPerToken } from './flops.js';
import { kvCacheBytes, stateBytesPerSequence16Bit } from './kv-cache.js';

/**
 * Attention scores one head of one layer computes for a sequence of n tokens: the n × n matrix QKᵀ.
 * The lecture's 262K / 4.2M / 67M at 512 / 2,048 / 8,192 tokens.
 */
export function attentionScoreCount(sequenceTokens: number): number {
  return sequenceTokens * sequenceTokens;
}

/** Σ_{t=1..n} min(t, w): context tokens attended over a causal sequence with an optional window. */
function causalAttendedSum(n: number, window: number | null): number {
  if (window === null || window >= n) return (n * (n + 1)) / 2;
  return (window * (window + 1)) / 2 + (n - window) * window;
}

function windowOf(m: MixerSpec): number | null {
  return (m.kind === 'sliding' || m.kind === 'chunked') && m.windowTokens !== null ? m.windowTokens : null;
}

/**
 * Forward FLOPs to process a whole sequence of n tokens causally (prefill): n × per-token FLOPs
 * plus the attention term, quadratic in n for full attention, linear beyond the window for sliding
 * layers, absent for SSM layers.
 */
export function sequenceFlops(arch: Architecture, sequenceTokens: number): number {
  const n = sequenceTokens;
  let attention = 0;
  for (const l of arch.layers) {
    attention += attentionFlopsPerContextToken(l.mixer) * causalAttendedSum(n, windowOf(l.mixer));
  }
  return n * flopsPerToken(arch).perToken + attention;
}

export interface ComplexityPoint {
  readonly sequenceTokens: number;
  readonly attentionScores: number;
  readonly flops: number;
  /** KV cache (windows applied) plus recurrent state for one sequence, 16-bit. */
  readonly cacheBytes16Bit: number;
}

export function complexityCurve(arch: Architecture, lengths: readonly number[]): ComplexityPoint[] {
  const state = stateBytesPerSequence16Bit(arch);
  return lengths.map((n) => ({
    sequenceTokens: n,
    attentionScores: attentionScoreCount(n),
    flops: sequenceFlops(arch, n),
    cacheBytes16Bit: kvCacheBytes(arch, { contextTokens: n, batch: 1, bytesPerElement: 2 }) + state,
  }));
}

/**
 * The shortest sequence at which model `a` costs more forward FLOPs than model `b` (e.g. a
 * transformer against a state-space model of similar size), searched up to `maxTokens`; null if `a`
 * stays cheaper. The difference is convex in n (quadratic minus linear), so it changes sign at most
 * once after n = 1.
 */
export function flopsCrossoverTokens(a: Architecture, b: Architecture, maxTokens = 1 << 24): number | null {
  const over = (n: number): boolean => sequenceFlops(a, n) > sequenceFlops(b, n);
  if (over(1)) return 1;
  if (!over(maxTokens)) return null;
  let lo = 1;
  let hi = maxTokens;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (over(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** MoE cost reduction: 1 − active / total (a fraction; 0 for dense models). */
export function moeCostReduction(activeParams: number, totalParams: number): number {
  return totalParams > 0 ? 1 - activeParams / totalParams : 0;
}
