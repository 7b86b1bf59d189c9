import { invalidInput } from '../errors.js';
import { matmul, type Matrix, type Vector } from './_matrix.js';

/** A discrete linear state-space model: h_t = A h_{t−1} + B x_t, y_t = C h_t + D x_t (the lecture's form). */
export interface LinearSsm {
  /** N × N */
  readonly a: Matrix;
  /** N × input */
  readonly b: Matrix;
  /** output × N */
  readonly c: Matrix;
  /** output × input */
  readonly d: Matrix;
}

const apply = (m: Matrix, v: Vector): number[] =>
  m.map((row) => row.reduce((s, w, i) => s + w * (v[i] ?? 0), 0));
const plus = (a: Vector, b: Vector): number[] => a.map((x, i) => x + (b[i] ?? 0));

/** One recurrence step: constant work and memory per token, whatever the sequence length. */
export function ssmStep(
  m: LinearSsm,
  state: Vector,
  x: Vector,
): { readonly state: number[]; readonly y: number[] } {
  if (state.length !== m.a.length)
    throw invalidInput('ssm.state', `has ${state.length} entries for an ${m.a.length}-state model`);
  const inputs = m.b[0]?.length ?? 0;
  if (x.length !== inputs) throw invalidInput('ssm.x', `has ${x.length} entries; B expects ${inputs}`);
  const h = plus(apply(m.a, state), apply(m.b, x));
  return { state: h, y: plus(apply(m.c, h), apply(m.d, x)) };
}

/** The scan: ssmStep over a sequence from a zero state. */
export function ssmScan(m: LinearSsm, xs: readonly Vector[]): number[][] {
  let state = new Array<number>(m.a.length).fill(0);
  return xs.map((x) => {
    const r = ssmStep(m, state, x);
    state = r.state;
    return r.y;
  });
}

/**
 * The same LTI model as a causal convolution: y_t = Σ_{k=0..t} C A^k B x_{t−k} + D x_t. Used to check
 * the scan (S4's dual view); quadratic in length, for tests and teaching only.
 */
export function ssmConvolution(m: LinearSsm, xs: readonly Vector[]): number[][] {
  const kernels: number[][][] = [];
  let power: number[][] = m.a.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  for (let k = 0; k < xs.length; k++) {
    kernels.push(matmul(matmul(m.c, power), m.b));
    power = matmul(m.a, power);
  }
  return xs.map((x, t) => {
    let y = apply(m.d, x);
    for (let k = 0; k <= t; k++) y = plus(y, apply(kernels[k] ?? [], xs[t - k] ?? []));
    return y;
  });
}

/**
 * Mamba's selective SSM step for one channel group: diagonal A (d_inner × N, negative), input-dependent
 * Δ, B and C; zero-order hold Ā = exp(Δ·A) and the Euler simplification B̄ = Δ·B used by Mamba.
 * state: d_inner × N. Returns y (d_inner) = C·h + D⊙x.
 * @see Gu & Dao, "Mamba" (arXiv:2312.00752) §2 eq. (2), (4) and Algorithm 2
 */
export function selectiveScanStep(
  p: {
    readonly aLog: Matrix;
    readonly d: Vector;
  },
  state: Matrix,
  input: { readonly x: Vector; readonly delta: Vector; readonly b: Vector; readonly c: Vector },
): { readonly state: number[][]; readonly y: number[] } {
  const channels = p.aLog.length;
  const n = p.aLog[0]?.length ?? 0;
  if (state.length !== channels || state.some((row) => row.length !== n)) {
    throw invalidInput('ssm.state', `must be ${channels} × ${n} like aLog`);
  }
  for (const [name, v, len] of [
    ['x', input.x, channels],
    ['delta', input.delta, channels],
    ['d', p.d, channels],
    ['b', input.b, n],
    ['c', input.c, n],
  ] as const) {
    if (v.length !== len) throw invalidInput(`ssm.${name}`, `has ${v.length} entries, expected ${len}`);
  }
  const next = state.map((row, ch) => {
    const dt = input.delta[ch] ?? 0;
    const xc = input.x[ch] ?? 0;
    return row.map(
      (h, n) => Math.exp(dt * -Math.exp(p.aLog[ch]?.[n] ?? 0)) * h + dt * (input.b[n] ?? 0) * xc,
    );
  });
  const y = next.map(
    (row, ch) => row.reduce((s, h, n) => s + h * (input.c[n] ?? 0), 0) + (p.d[ch] ?? 0) * (input.x[ch] ?? 0),
  );
  return { state: next, y };
}

/** Recurrent state elements of the selective scan: d_inner × N per layer, constant in sequence length. */
export function selectiveStateElements(innerSize: number, stateSize: number): number {
  return innerSize * stateSize;
}
