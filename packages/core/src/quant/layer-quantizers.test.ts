import { describe, expect, it } from 'vitest';
import { gaussian } from './_test-random.js';
import { quantizeLayerAwq, quantizeLayerGptq, quantizeLayerRtn } from './layer-quantizers.js';
import { outputRelativeError, type Calibration, type LinearLayer } from './linear-layer.js';

/**
 * A 64 × 256 layer whose calibration inputs have 4 outlier channels (×25) and correlated features,
 * the regime GPTQ (arXiv:2210.17323 §5) and AWQ (arXiv:2306.00978 §3.1: ~1 % salient channels)
 * were made for.
 */
function outlierLayer(): { layer: LinearLayer; calibration: Calibration } {
  const out = 64;
  const inF = 256;
  const samples = 512;
  const weight = gaussian(out * inF, 21, 0.02);
  const base = gaussian(samples * inF, 22);
  const shared = gaussian(samples * 8, 23);
  const inputs = new Float32Array(samples * inF);
  const outliers = new Set([3, 77, 150, 201]);
  for (let s = 0; s < samples; s++)
    for (let i = 0; i < inF; i++) {
      const v = (base[s * inF + i] ?? 0) + 0.8 * (shared[s * 8 + (i % 8)] ?? 0);
      inputs[s * inF + i] = outliers.has(i) ? 25 * v : v;
    }
  return { layer: { weight, outFeatures: out, inFeatures: inF }, calibration: { inputs, samples } };
}

describe('GPTQ and AWQ beat round-to-nearest on the same INT4 g128 grid', () => {
  const { layer, calibration } = outlierLayer();
  const rtn = outputRelativeError(layer, quantizeLayerRtn(layer).dequantized, calibration);
  it('RTN baseline has a visible output error', () => {
    expect(rtn).toBeGreaterThan(0.02);
  });
  // Measured: RTN 9.9 %, GPTQ 6.8 %, GPTQ act-order 6.0 %, AWQ 5.6 %.
  it.each([
    ['GPTQ', 0.75, () => quantizeLayerGptq(layer, calibration)],
    ['GPTQ act-order', 0.75, () => quantizeLayerGptq(layer, calibration, { actOrder: true })],
    ['AWQ', 0.75, () => quantizeLayerAwq(layer, calibration)],
  ] as const)('%s output error < %s × RTN', (_label, margin, run) => {
    const err = outputRelativeError(layer, run().dequantized, calibration);
    expect(err).toBeLessThan(margin * rtn);
  });
  it('AWQ picks α > 0 (it scales the outlier channels up) and GPTQ keeps every weight on the grid', () => {
    const awq = quantizeLayerAwq(layer, calibration);
    expect(awq.awq?.alpha ?? 0).toBeGreaterThan(0);
    const gptq = quantizeLayerGptq(layer, calibration);
    const distinctPerGroup = new Set(Array.from(gptq.dequantized.subarray(0, 128)));
    expect(distinctPerGroup.size).toBeLessThanOrEqual(16);
  });
  it.each([
    ['GPTQ', () => quantizeLayerGptq(layer, calibration)],
    ['GPTQ act-order', () => quantizeLayerGptq(layer, calibration, { actOrder: true })],
    ['AWQ', () => quantizeLayerAwq(layer, calibration)],
    ['RTN', () => quantizeLayerRtn(layer)],
  ] as const)(
    '%s: the stored codes, scales, zeros (and g_idx, AWQ scales) decode to exactly Ŵ',
    (_label, run) => {
      const r = run();
      const { inFeatures: n, outFeatures: rows } = layer;
      const groups = Math.ceil(n / r.groupSize);
      for (let o = 0; o < rows; o++)
        for (let i = 0; i < n; i++) {
          const g = r.groupIndex ? (r.groupIndex[i] ?? 0) : Math.floor(i / r.groupSize);
          const scale = r.scales[o * groups + g] ?? 0;
          let w = ((r.codes[o * n + i] ?? 0) - (r.zeros[o * groups + g] ?? 0)) * scale;
          if (r.awq) w /= r.awq.scales[i] ?? 1;
          expect(Math.fround(w)).toBe(r.dequantized[o * n + i]);
        }
    },
  );
});
