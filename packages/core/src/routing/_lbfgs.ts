/** Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4/7.5) with Armijo backtracking. */

export interface LbfgsOptions {
  readonly maxIterations: number;
  /** Stop when ‖∇f‖∞ ≤ gradientTolerance × max(1, ‖x‖∞). */
  readonly gradientTolerance: number;
  readonly history: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** `evaluate(x, gradOut)` returns f(x) and writes ∇f(x) into gradOut. Deterministic: no randomness. */
export function minimizeLbfgs(
  evaluate: (x: Float64Array, gradOut: Float64Array) => number,
  start: Float64Array,
  options: LbfgsOptions,
): LbfgsResult {
  const n = start.length;
  const x = Float64Array.from(start);
  const g = new Float64Array(n);
  let f = evaluate(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(options.history);

  const dot = (a: Float64Array, b: Float64Array): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
    return sum;
  };
  const infNorm = (a: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] ?? 0));
    return m;
  };

  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    if (infNorm(g) <= options.gradientTolerance * Math.max(1, infNorm(x))) {
      return { x, value: f, iterations: iteration, converged: true };
    }
    // Two-loop recursion: direction = −H∇f.
    for (let i = 0; i < n; i++) direction[i] = -(g[i] ?? 0);
    const k = s.length;
    for (let j = k - 1; j >= 0; j--) {
      const sj = s[j] as Float64Array;
      const yj = y[j] as Float64Array;
      const a = (rho[j] ?? 0) * dot(sj, direction);
      alpha[j] = a;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] ?? 0) - a * (yj[i] ?? 0);
    }
    if (k > 0) {
      const sl = s[k - 1] as Float64Array;
      const yl = y[k - 1] as Float64Array;
      const gamma = dot(sl, yl) / dot(yl, yl);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] ?? 0) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const sj = s[j] as Float64Array;
      const yj = y[j] as Float64Array;
      const b = (rho[j] ?? 0) * dot(yj, direction);
      const a = alpha[j] ?? 0;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] ?? 0) + (a - b) * (sj[i] ?? 0);
    }
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      for (let i = 0; i < n; i++) direction[i] = -(g[i] ?? 0);
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      slope = dot(g, direction);
    }
    let step = k === 0 ? Math.min(1, 1 / Math.max(1e-12, infNorm(g))) : 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] ?? 0) + step * (direction[i] ?? 0);
      fNew = evaluate(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) return { x, value: f, iterations: iteration, converged: false };
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = (xNew[i] ?? 0) - (x[i] ?? 0);
      yNew[i] = (gNew[i] ?? 0) - (g[i] ?? 0);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === options.history) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    const previous = f;
    f = fNew;
    if (Math.abs(previous - f) <= 1e-15 * Math.max(1, Math.abs(f))) {
      return { x, value: f, iterations: iteration + 1, converged: true };
    }
  }
  return { x, value: f, iterations: options.maxIterations, converged: false };
}
