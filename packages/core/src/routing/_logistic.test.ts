import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from './_lbfgs.js';
import { fitLogistic } from './_logistic.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of an ill-conditioned quadratic', () => {
    const scale = [1, 10, 100, 1000];
    const target = [3, -2, 0.5, 7];
    const r = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < 4; i++) {
          const d = (x[i] ?? 0) - (target[i] ?? 0);
          f += 0.5 * (scale[i] ?? 0) * d * d;
          g[i] = (scale[i] ?? 0) * d;
        }
        return f;
      },
      new Float64Array(4),
      { maxIterations: 200, gradientTolerance: 1e-10, history: 5 },
    );
    expect(r.converged).toBe(true);
    target.forEach((t, i) => {
      expect(r.x[i]).toBeCloseTo(t, 6);
    });
  });
});

describe('fitLogistic', () => {
  it('recovers the closed-form maximum-likelihood fit of one binary feature (weak regularisation)', () => {
    // x = 0: 3 of 4 positive; x = 1: 1 of 4 positive → bias = logit(3/4) = ln 3, w = logit(1/4) − ln 3 = −2 ln 3.
    const xs = [0, 0, 0, 0, 1, 1, 1, 1];
    const ys = [1, 1, 1, 0, 1, 0, 0, 0];
    const rowStart = Int32Array.from({ length: 9 }, (_, i) => Math.max(0, i - 4)); // rows 4–7 hold x = 1
    const columnIndex = new Int32Array(4);
    const m = fitLogistic(
      { rows: 8, columns: 1, rowStart, columnIndex, values: Float64Array.from(xs.filter((v) => v === 1)) },
      Float64Array.from(ys),
      1e9,
      1e-9,
    );
    expect(m.bias).toBeCloseTo(Math.log(3), 3);
    expect(m.weights[0]).toBeCloseTo(-2 * Math.log(3), 3);
  });
});
