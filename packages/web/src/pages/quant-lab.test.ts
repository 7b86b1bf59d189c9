import { QUANT_SCHEME_IDS, quantizeTensor } from '@costwise/core';
import { describe, expect, it } from 'vitest';
import {
  boundedInt,
  computeQuantSample,
  computeQuantTensor,
  OUTLIER_SCALE,
  quantCalibration,
  quantTable,
  SAMPLE_IN_FEATURES,
  SAMPLE_SIGMA,
  sampleCalibration,
  sampleTensor,
  type SampleDistribution,
} from './quant-lab.js';

function moments(v: Float32Array): { std: number; kurtosis: number } {
  let m2 = 0;
  let m4 = 0;
  for (const x of v) {
    m2 += x * x;
    m4 += x ** 4;
  }
  m2 /= v.length;
  m4 /= v.length;
  return { std: Math.sqrt(m2), kurtosis: m4 / (m2 * m2) };
}

describe('sampleTensor', () => {
  // Kurtosis: normal 3, Laplace 6; Student t with 3 degrees of freedom has none (heavier still).
  it.each<[SampleDistribution, number, number, number]>([
    ['normal', 0.05, 2.8, 3.2],
    ['laplace', 0.05, 5, 7.5],
    ['student-t', 0.25, 7, Infinity],
  ])('%s: standard deviation 0.02 within %s, kurtosis in [%s, %s]', (dist, tol, kMin, kMax) => {
    const s = sampleTensor(dist, 16384, 7);
    const m = moments(s.values);
    expect(Math.abs(m.std / SAMPLE_SIGMA - 1)).toBeLessThan(tol);
    expect(m.kurtosis).toBeGreaterThan(kMin);
    expect(m.kurtosis).toBeLessThan(kMax);
  });

  it('is reproducible by seed and differs between seeds', () => {
    expect(sampleTensor('normal', 4096, 3).values).toEqual(sampleTensor('normal', 4096, 3).values);
    expect(sampleTensor('normal', 4096, 3).values).not.toEqual(sampleTensor('normal', 4096, 4).values);
    expect(sampleTensor('normal', 4096, 3).shape).toEqual([4096 / SAMPLE_IN_FEATURES, SAMPLE_IN_FEATURES]);
  });

  it('outlier channels are OUTLIER_SCALE times larger than the other input channels', () => {
    const s = sampleTensor('outlier-channels', 16384, 11);
    expect(s.outlierChannels.length).toBeGreaterThan(0);
    const [rows, cols] = s.shape;
    const rms = (c: number): number => {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += (s.values[r * cols + c] ?? 0) ** 2;
      return Math.sqrt(sum / rows);
    };
    const normalCols = Array.from({ length: cols }, (_, c) => c).filter(
      (c) => !s.outlierChannels.includes(c),
    );
    const typical = normalCols.reduce((a, c) => a + rms(c), 0) / normalCols.length;
    for (const c of s.outlierChannels) expect(rms(c) / typical).toBeGreaterThan(OUTLIER_SCALE / 2);
  });
});

describe('boundedInt', () => {
  it('returns the fallback, the value, or an error naming the field and the range', () => {
    expect(boundedInt({}, 'seed', 'Seed', 1, 0, 9)).toBe(1);
    expect(boundedInt({ seed: '7' }, 'seed', 'Seed', 1, 0, 9)).toBe(7);
    expect(() => boundedInt({ seed: '-1' }, 'seed', 'Seed', 1, 0, 9)).toThrow(
      'Seed: "-1" is not allowed; enter a whole number from 0 to 9',
    );
    expect(() => boundedInt({ seed: '2.5' }, 'seed', 'Seed', 1, 0, 9)).toThrow(/^Seed: /);
  });
});

describe('quantTable', () => {
  const { sample, calibration } = computeQuantSample({ size: '4096', seed: '5' });
  const rows = quantTable(sample, calibration);

  it('has one row per core scheme, each equal to core.quantizeTensor for chunked schemes', () => {
    expect(rows.map((r) => r.id)).toEqual([...QUANT_SCHEME_IDS]);
    for (const r of rows.filter((row) => row.id !== 'gptq-4bit' && row.id !== 'awq-4bit')) {
      const q = quantizeTensor(r.id, sample.values, sample.shape);
      expect(r.error).toEqual(q.error);
      expect(r.bitsPerWeight).toBe(q.bitsPerWeight);
    }
  });

  it('loses signal as bits fall: fp16 > int8 > int4-g128 > ternary in SNR', () => {
    const snr = (id: string): number => rows.find((r) => r.id === id)?.error.snrDb ?? NaN;
    expect(snr('fp16')).toBeGreaterThan(snr('int8'));
    expect(snr('int8')).toBeGreaterThan(snr('int4-g128'));
    expect(snr('int4-g128')).toBeGreaterThan(snr('ternary'));
  });

  it('GPTQ beats round-to-nearest INT4 on the layer output it was calibrated for (Frantar et al. §5)', () => {
    const out = (id: string): number => rows.find((r) => r.id === id)?.outputRelError ?? NaN;
    expect(out('gptq-4bit')).toBeLessThan(out('int4-g128'));
  });

  it('calibration inputs are seeded', () => {
    expect(sampleCalibration(8, 4, 1).inputs).toEqual(sampleCalibration(8, 4, 1).inputs);
    expect(sampleCalibration(8, 4, 1).inputs).toHaveLength(32);
  });

  it('the page computes the tensor on the keystroke and the calibration later: together they are the sample', () => {
    const params = { dist: 'laplace', size: '1024', seed: '7' };
    const whole = computeQuantSample(params);
    const tensor = computeQuantTensor(params);
    expect(tensor.sample.values).toEqual(whole.sample.values);
    expect(tensor.stats).toEqual(whole.stats);
    // The calibration depends on the seed alone, so the table's first step can make it.
    expect(quantCalibration(7).inputs).toEqual(whole.calibration.inputs);
    expect(quantCalibration(8).inputs).not.toEqual(whole.calibration.inputs);
  });
});
