import { describe, expect, it } from 'vitest';
import {
  selectiveScanStep,
  selectiveStateElements,
  ssmConvolution,
  ssmScan,
  ssmStep,
  type LinearSsm,
} from './ssm-scan.js';
import { rng, randomMatrix, expectInvalidInput, expectRowsClose } from './_test-helpers.js';

/**
 * A random stable system: A is scaled so its largest absolute row sum (the ∞-norm, an upper bound on the
 * spectral radius) is `radius` < 1.
 */
function randomStableSsm(
  seed: number,
  n: number,
  inputs: number,
  outputs: number,
  radius: number,
): LinearSsm {
  const next = rng(seed);
  const raw = randomMatrix(next, n, n);
  const norm = Math.max(...raw.map((row) => row.reduce((s, x) => s + Math.abs(x), 0)));
  return {
    a: raw.map((row) => row.map((x) => (x * radius) / norm)),
    b: randomMatrix(next, n, inputs),
    c: randomMatrix(next, outputs, n),
    d: randomMatrix(next, outputs, inputs),
  };
}

describe('linear SSM', () => {
  it.each([
    { name: 'scalar', seed: 1, n: 1, inputs: 1, outputs: 1, length: 10, radius: 0.9 },
    { name: 'N=3, 2 in, 2 out', seed: 2, n: 3, inputs: 2, outputs: 2, length: 12, radius: 0.95 },
    { name: 'N=4, 1 in, 3 out', seed: 3, n: 4, inputs: 1, outputs: 3, length: 16, radius: 0.5 },
    { name: 'N=6, 3 in, 1 out', seed: 4, n: 6, inputs: 3, outputs: 1, length: 20, radius: 0.99 },
  ])(
    'scan equals the convolution view on a stable system ($name)',
    ({ seed, n, inputs, outputs, length, radius }) => {
      const m = randomStableSsm(seed, n, inputs, outputs, radius);
      const xs = randomMatrix(rng(seed + 100), length, inputs).map((r) => r.map((x) => 3 * x));
      const scan = ssmScan(m, xs);
      expect(scan).toHaveLength(length);
      for (const y of scan) expect(y).toHaveLength(outputs);
      expectRowsClose(scan, ssmConvolution(m, xs), 1e-9);
    },
  );

  // h_t = a h_{t−1} + b x_t, y_t = c h_t + d x_t with a = 0.5, b = 2, c = 3, d = 1, h_0 = 0, x = [1, 0, 2]:
  //   t=1: h = 0.5·0 + 2·1 = 2,     y = 3·2 + 1·1 = 7
  //   t=2: h = 0.5·2 + 2·0 = 1,     y = 3·1 + 1·0 = 3
  //   t=3: h = 0.5·1 + 2·2 = 4.5,   y = 3·4.5 + 1·2 = 15.5
  const scalar: LinearSsm = { a: [[0.5]], b: [[2]], c: [[3]], d: [[1]] };
  const xs = [[1], [0], [2]];

  it.each([
    { name: 'ssmScan', run: () => ssmScan(scalar, xs) },
    { name: 'ssmConvolution', run: () => ssmConvolution(scalar, xs) },
  ])('matches a hand-computed 1-D example over 3 steps ($name)', ({ run }) => {
    expect(run()).toEqual([[7], [3], [15.5]]);
  });

  it('ssmStep carries the hand-computed states of the 1-D example', () => {
    const s1 = ssmStep(scalar, [0], [1]);
    expect(s1).toEqual({ state: [2], y: [7] });
    const s2 = ssmStep(scalar, s1.state, [0]);
    expect(s2).toEqual({ state: [1], y: [3] });
    const s3 = ssmStep(scalar, s2.state, [2]);
    expect(s3).toEqual({ state: [4.5], y: [15.5] });
  });

  it('ssmStep does not mutate the state it is given', () => {
    const state = Object.freeze([1, -1]);
    const m: LinearSsm = {
      a: [
        [0.5, 0],
        [0, 0.5],
      ],
      b: [[1], [1]],
      c: [[1, 1]],
      d: [[0]],
    };
    const r = ssmStep(m, state, [1]);
    expect(state).toEqual([1, -1]);
    expect(r.state).toEqual([1.5, 0.5]);
  });

  it.each([
    { n: 1, steps: 50 },
    { n: 4, steps: 200 },
    { n: 16, steps: 100 },
  ])('state size stays N = $n over $steps steps', ({ n, steps }) => {
    const m = randomStableSsm(n, n, 2, 2, 0.9);
    const next = rng(n + 7);
    let state = new Array<number>(n).fill(0);
    for (let t = 0; t < steps; t++) {
      const r = ssmStep(m, state, [next(), next()]);
      expect(r.state).toHaveLength(n);
      expect(r.y).toHaveLength(2);
      state = r.state;
    }
  });

  it('ssmStep throws INVALID_INPUT when the state length differs from N', () => {
    expectInvalidInput(() => ssmStep(scalar, [0, 0], [1]));
    expectInvalidInput(() => ssmStep(scalar, [], [1]));
  });
});

describe('selectiveScanStep', () => {
  it.each([
    {
      name: '1 channel, N=2',
      aLog: [[0.3, -1.2]],
      d: [0.7],
      state: [[1.5, -2]],
      x: [3],
      b: [0.4, 2],
      c: [1, -0.5],
    },
    {
      name: '2 channels, N=3',
      aLog: [
        [0, 1, 2],
        [-1, 0.5, 0],
      ],
      d: [1, -2],
      state: [
        [0.1, 0.2, 0.3],
        [-1, 4, 0.5],
      ],
      x: [2, -1],
      b: [1, 2, 3],
      c: [0.5, -1, 2],
    },
  ])('with Δ = 0 the state is unchanged and y = C·h + D⊙x ($name)', ({ aLog, d, state, x, b, c }) => {
    const delta = x.map(() => 0);
    const r = selectiveScanStep({ aLog, d }, state, { x, delta, b, c });
    expect(r.state).toEqual(state);
    const y = state.map(
      (row, ch) => row.reduce((s, h, n) => s + h * (c[n] ?? 0), 0) + (d[ch] ?? 0) * (x[ch] ?? 0),
    );
    expect(r.y).toHaveLength(y.length);
    r.y.forEach((v, i) => {
      expect(Math.abs(v - (y[i] ?? Number.NaN))).toBeLessThanOrEqual(1e-12);
    });
  });

  it('matches a hand-computed single-channel, N = 2 step', () => {
    // aLog = [0, ln 2] → A = −exp(aLog) = [−1, −2]; Δ = 0.5, x = 2, B = [1, 3], C = [4, 5], D = 0.25,
    // h = [1, −1].
    //   Ā = exp(Δ·A) = [e^{−0.5}, e^{−1}] = [0.6065306597126334, 0.36787944117144233]
    //   B̄x = Δ·B·x = 0.5·[1, 3]·2 = [1, 3]
    //   h' = Ā⊙h + B̄x = [0.6065306597126334 + 1, −0.36787944117144233 + 3]
    //      = [1.6065306597126334, 2.6321205588285577]
    //   y  = C·h' + D·x = 4·1.6065306597126334 + 5·2.6321205588285577 + 0.25·2
    //      = 6.426122638850534 + 13.160602794142788 + 0.5 = 20.086725432993322
    const r = selectiveScanStep({ aLog: [[0, Math.LN2]], d: [0.25] }, [[1, -1]], {
      x: [2],
      delta: [0.5],
      b: [1, 3],
      c: [4, 5],
    });
    expectRowsClose(r.state, [[1.6065306597126334, 2.6321205588285577]], 1e-12);
    expect(Math.abs((r.y[0] ?? Number.NaN) - 20.086725432993322)).toBeLessThanOrEqual(1e-12);
    expect(r.y).toHaveLength(1);
  });

  it.each([
    { delta: 0.01, seed: 31 },
    { delta: 0.5, seed: 32 },
    { delta: 2, seed: 33 },
  ])('with x = 0 and Δ = $delta > 0 the state decays, h ← exp(−Δ·exp(aLog))·h', ({ delta, seed }) => {
    const next = rng(seed);
    const channels = 3;
    const n = 4;
    const aLog = randomMatrix(next, channels, n);
    let state = randomMatrix(next, channels, n).map((row) => row.map((h) => 5 * h));
    const input = { x: [0, 0, 0], delta: [delta, delta, delta], b: [1, -1, 2, 0.5], c: [1, 1, 1, 1] };
    for (let step = 0; step < 5; step++) {
      const r = selectiveScanStep({ aLog, d: [1, 1, 1] }, state, input);
      const want = state.map((row, ch) =>
        row.map((h, i) => Math.exp(-delta * Math.exp(aLog[ch]?.[i] ?? 0)) * h),
      );
      expectRowsClose(r.state, want, 1e-12);
      r.state.forEach((row, ch) => {
        row.forEach((h, i) => {
          expect(Math.abs(h)).toBeLessThan(Math.abs(state[ch]?.[i] ?? 0));
        });
      });
      state = r.state;
    }
  });

  it('does not mutate the state it is given', () => {
    const state = [Object.freeze([1, 2])];
    Object.freeze(state);
    const r = selectiveScanStep({ aLog: [[0, 0]], d: [0] }, state, {
      x: [1],
      delta: [1],
      b: [1, 1],
      c: [1, 1],
    });
    expect(state).toEqual([[1, 2]]);
    expect(r.state).not.toBe(state);
  });

  it.each([
    // Mamba-130M: d_model 768, expand 2 → d_inner 1536, d_state 16 (state-spaces/mamba-130m config; Gu & Dao §E)
    { name: 'Mamba-130M layer', inner: 1536, n: 16, expected: 24_576 },
    // Mamba-2.8B: d_model 2560 → d_inner 5120, d_state 16
    { name: 'Mamba-2.8B layer', inner: 5120, n: 16, expected: 81_920 },
    { name: 'toy', inner: 3, n: 4, expected: 12 },
  ])('selectiveStateElements = d_inner × N ($name)', ({ inner, n, expected }) => {
    expect(selectiveStateElements(inner, n)).toBe(expected);
  });
});
