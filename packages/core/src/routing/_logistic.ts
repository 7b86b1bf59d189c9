import { minimizeLbfgs } from './_lbfgs.js';

/** Rows in compressed sparse row form: row r holds columns[rowStart[r] … rowStart[r+1]). */
export interface CsrMatrix {
  readonly rows: number;
  readonly columns: number;
  readonly rowStart: Int32Array;
  readonly columnIndex: Int32Array;
  readonly values: Float64Array;
}

export interface LogisticModel {
  readonly weights: Float64Array;
  readonly bias: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Numerically stable ln(1 + e^z). */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * L2-regularised logistic regression, the liblinear objective without a penalised bias:
 * Σᵢ [ln(1 + e^{zᵢ}) − yᵢ zᵢ] + ‖w‖² / (2C), zᵢ = xᵢ·w + b, minimised by L-BFGS to ‖∇‖∞ ≤ gradientTolerance × max(1, ‖θ‖∞).
 */
export function fitLogistic(
  x: CsrMatrix,
  labels: Float64Array,
  c: number,
  gradientTolerance = 1e-4,
): LogisticModel {
  const n = x.columns;
  const z = new Float64Array(x.rows);
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    const bias = theta[n] ?? 0;
    let loss = 0;
    grad.fill(0);
    for (let r = 0; r < x.rows; r++) {
      let zr = bias;
      const end = x.rowStart[r + 1] ?? 0;
      for (let k = x.rowStart[r] ?? 0; k < end; k++) {
        zr += (x.values[k] ?? 0) * (theta[x.columnIndex[k] ?? 0] ?? 0);
      }
      z[r] = zr;
      const yr = labels[r] ?? 0;
      loss += softplus(zr) - yr * zr;
      const residual = sigmoid(zr) - yr;
      grad[n] = (grad[n] ?? 0) + residual;
      for (let k = x.rowStart[r] ?? 0; k < end; k++) {
        const col = x.columnIndex[k] ?? 0;
        grad[col] = (grad[col] ?? 0) + residual * (x.values[k] ?? 0);
      }
    }
    let penalty = 0;
    for (let j = 0; j < n; j++) {
      const w = theta[j] ?? 0;
      penalty += w * w;
      grad[j] = (grad[j] ?? 0) + w / c;
    }
    return loss + penalty / (2 * c);
  };
  const result = minimizeLbfgs(evaluate, new Float64Array(n + 1), {
    maxIterations: 1000,
    gradientTolerance,
    history: 10,
  });
  return {
    weights: result.x.slice(0, n),
    bias: result.x[n] ?? 0,
    iterations: result.iterations,
    converged: result.converged,
  };
}
