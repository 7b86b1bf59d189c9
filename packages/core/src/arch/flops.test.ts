import { describe, expect, it } from 'vitest';
import { findCatalogModel } from '../catalog/index.js';
import { architectureFromConfig } from './build.js';
import { complexityCurve, flopsCrossoverTokens, sequenceFlops } from './complexity.js';
import { flopsPerToken, flopsPerTokenAt } from './flops.js';
import { countParams } from './params.js';

function arch(id: string) {
  const m = findCatalogModel(id);
  if (!m) throw new Error(`no catalog model ${id}`);
  return architectureFromConfig(m.config);
}

describe('FLOPs per token', () => {
  it('a bias-free dense model does 2 FLOPs per non-embedding matrix weight (the 2N rule, exactly)', () => {
    const a = arch('llama-3.1-8b');
    const c = countParams(a);
    const matrices = c.total - (c.byComponent['embeddings'] ?? 0) - (c.byComponent['norms'] ?? 0);
    expect(flopsPerToken(a).perToken).toBe(2 * matrices);
    expect(flopsPerToken(a).perToken).toBe(2 * (8_030_261_248 - 128_256 * 4_096 - 65 * 4_096));
  });

  it('attention adds 2·H·(d_k + d_v) per layer per attended token: Llama 3.1 8B = 32·2·32·256', () => {
    const a = arch('llama-3.1-8b');
    expect(flopsPerToken(a).attentionPerContextToken).toBe(32 * 2 * 32 * 256);
    expect(flopsPerTokenAt(a, 8192) - flopsPerTokenAt(a, 0)).toBe(32 * 2 * 32 * 256 * 8192);
  });

  it('a MoE token multiplies only its routed and shared experts: Mixtral ≈ 2 × 12.6B matrix weights', () => {
    const a = arch('mixtral-8x7b');
    const c = countParams(a);
    const embedding = 32_000 * 4_096;
    // active weights minus input embedding and norms, plus the router
    const expected = 2 * (c.activePerToken - embedding - (c.activeByComponent['norms'] ?? 0));
    expect(flopsPerToken(a).matmul).toBe(expected);
  });

  it('sliding windows cap the attention term (Mistral 7B: no growth beyond 4,096)', () => {
    const a = arch('mistral-7b-v0.1');
    expect(flopsPerTokenAt(a, 32768)).toBe(flopsPerTokenAt(a, 4096));
  });

  it('Mamba adds the selective-scan count of mamba_ssm (9·d_inner·N + conv + D + z per layer), no attention', () => {
    const a = arch('mamba-2.8b');
    const f = flopsPerToken(a);
    expect(f.attentionPerContextToken).toBe(0);
    expect(f.scan).toBe(64 * (2 * 5120 * 4 + 9 * 5120 * 16 + 2 * 5120));
  });
});

describe('attention vs state-space complexity', () => {
  it('a transformer is quadratic in sequence length, an SSM linear', () => {
    const t = arch('llama-2-7b');
    const s = arch('mamba-2.8b');
    const r = (a: typeof t, n: number) => sequenceFlops(a, 2 * n) - 2 * sequenceFlops(a, n);
    expect(r(t, 4096)).toBeGreaterThan(0); // superlinear
    expect(r(s, 4096)).toBe(0); // exactly linear
  });

  it('crossover: Qwen2.5-1.5B (cheaper per token) costs more than Mamba-2.8B from the length where attention catches up', () => {
    const t = arch('qwen2.5-1.5b');
    const s = arch('mamba-2.8b');
    // n·f_t + a·n(n+1)/2 > n·f_s  ⇔  a·(n+1)/2 > f_s − f_t: the first such n, solved directly.
    const delta = flopsPerToken(s).perToken - flopsPerToken(t).perToken;
    const a = flopsPerToken(t).attentionPerContextToken;
    expect(a).toBe(28 * 2 * 12 * 256);
    const expected = Math.floor((2 * delta) / a - 1) + 1;
    expect(flopsCrossoverTokens(t, s)).toBe(expected);
    expect(expected).toBeGreaterThan(1000);
    // Below the crossover the SSM is the more expensive one; from it on, the cheaper.
    expect(sequenceFlops(s, expected - 1)).toBeGreaterThanOrEqual(sequenceFlops(t, expected - 1));
    expect(sequenceFlops(s, expected)).toBeLessThan(sequenceFlops(t, expected));
  });

  it('the curve reports the n² score count, FLOPs and cache bytes per length', () => {
    const pts = complexityCurve(arch('llama-3.1-8b'), [512, 2048, 8192]);
    expect(pts.map((p) => p.attentionScores)).toEqual([262_144, 4_194_304, 67_108_864]);
    expect(pts[1]?.cacheBytes16Bit).toBe(2048 * 131_072);
  });
});
