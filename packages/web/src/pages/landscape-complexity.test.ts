import { describe, expect, it } from 'vitest';
import { crossoverTokens, modelComplexity, moeRows, sequenceLengths } from './landscape-complexity.js';

describe('landscape: attention against state-space complexity', () => {
  it.each([
    [256, [256]],
    [1000, [256, 512, 1000]],
    [4096, [256, 512, 1024, 2048, 4096]],
    [100, [100]],
  ])('sequence lengths up to %d are powers of two ending at the context', (max, lengths) => {
    expect(sequenceLengths(max)).toEqual(lengths);
  });

  it('a transformer caches K and V per token (linear), its attention is quadratic', () => {
    const lengths = sequenceLengths(131_072);
    const llama = modelComplexity('llama-3.1-8b', lengths);
    // Llama 3.1 8B: 32 layers × 8 KV heads × 128 dims × (K + V) × 2 bytes = 131,072 bytes per token.
    for (const p of llama.curve) expect(p.cacheBytes16Bit).toBe(131_072 * p.sequenceTokens);
    expect(llama.stateBytes16Bit).toBe(0);
    expect(llama.atContext.sequenceTokens).toBe(131_072);
    // Doubling n more than doubles the prefill FLOPs (the n² attention term).
    const [a, b] = [llama.curve.at(-2), llama.curve.at(-1)];
    expect((b?.flops ?? 0) / (a?.flops ?? 1)).toBeGreaterThan(2);
  });

  it('a state-space model keeps a constant state and linear FLOPs', () => {
    const mamba = modelComplexity('falcon-mamba-7b', sequenceLengths(65_536));
    // 64 layers × d_inner 8192 × (conv 4 + state 16) × 2 bytes.
    expect(mamba.stateBytes16Bit).toBe(64 * 8192 * (4 + 16) * 2);
    for (const p of mamba.curve) expect(p.cacheBytes16Bit).toBe(mamba.stateBytes16Bit);
    const first = mamba.curve[0];
    expect(first).toBeDefined();
    if (first === undefined) return;
    for (const p of mamba.curve)
      expect(p.flops / p.sequenceTokens).toBeCloseTo(first.flops / first.sequenceTokens, 6);
  });

  it('the crossover is where the transformer starts to cost more', () => {
    // Llama 3.2 1B multiplies fewer weights per token than Mamba 2.8B: cheaper until attention grows.
    const n = crossoverTokens('llama-3.2-1b', 'mamba-2.8b', 1 << 22);
    expect(n).not.toBeNull();
    expect(n).toBeGreaterThan(1);
    // The other way round, the larger SSM costs more from the first token.
    expect(crossoverTokens('mamba-2.8b', 'llama-3.2-1b', 1 << 22)).toBe(1);
    expect(crossoverTokens('llama-3.2-1b', 'mamba-2.8b', 1024)).toBeNull();
  });

  it('names an unknown model', () => {
    expect(() => modelComplexity('nope', [1])).toThrow('model: "nope" is not in the catalog');
  });
});

describe('landscape: MoE cost reduction', () => {
  it('lists MoE and hybrid models only, with 1 − active / total', () => {
    const rows = moeRows();
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(['moe', 'hybrid']).toContain(r.family);
      expect(r.saving).toBeCloseTo(1 - r.paramsActive / r.paramsTotal, 12);
    }
    // Mistral: Mixtral 8x7B has 46.7B parameters, 12.9B active per token (mistral.ai/news/mixtral-of-experts).
    const mixtral = rows.find((r) => r.id === 'mixtral-8x7b');
    expect(mixtral?.paramsTotal).toBeCloseTo(46.7e9, -8);
    expect(mixtral?.paramsActive).toBeCloseTo(12.9e9, -8);
    expect(mixtral?.saving).toBeCloseTo(1 - 12.9 / 46.7, 2);
    expect(rows.map((r) => r.saving)).toEqual([...rows.map((r) => r.saving)].sort((a, b) => b - a));
  });
});
