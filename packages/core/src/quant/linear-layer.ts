/**
 * A linear layer y = W x with W: out × in (row-major) and calibration inputs X: n × in (row-major),
 * in float64, for the layer-wise quantizers (GPTQ, AWQ) and their output error.
 */
import { invalidInput } from '../errors.js';

export interface LinearLayer {
  readonly weight: Float64Array | Float32Array;
  readonly outFeatures: number;
  readonly inFeatures: number;
}

export interface Calibration {
  readonly inputs: Float64Array | Float32Array;
  readonly samples: number;
}

export function checkLayer(layer: LinearLayer, calibration?: Calibration): void {
  if (layer.weight.length !== layer.outFeatures * layer.inFeatures)
    throw invalidInput(
      'weight',
      `${layer.weight.length} values do not make a ${layer.outFeatures} × ${layer.inFeatures} matrix`,
    );
  if (calibration && calibration.inputs.length !== calibration.samples * layer.inFeatures)
    throw invalidInput(
      'calibration',
      `${calibration.inputs.length} values do not make ${calibration.samples} samples of ${layer.inFeatures} input features`,
    );
}

/** Y = X Wᵀ (n × out). */
export function layerOutput(
  weight: ArrayLike<number>,
  outFeatures: number,
  inFeatures: number,
  c: Calibration,
): Float64Array {
  const y = new Float64Array(c.samples * outFeatures);
  for (let s = 0; s < c.samples; s++) {
    const xo = s * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wo = o * inFeatures;
      let acc = 0;
      for (let i = 0; i < inFeatures; i++) acc += (c.inputs[xo + i] ?? 0) * (weight[wo + i] ?? 0);
      y[s * outFeatures + o] = acc;
    }
  }
  return y;
}

/**
 * Relative output error ‖X Wᵀ − X Ŵᵀ‖_F / ‖X Wᵀ‖_F: what a quantized layer does to the activations
 * it produces on the calibration inputs.
 */
export function outputRelativeError(
  layer: LinearLayer,
  quantizedWeight: ArrayLike<number>,
  calibration: Calibration,
): number {
  checkLayer(layer, calibration);
  const y = layerOutput(layer.weight, layer.outFeatures, layer.inFeatures, calibration);
  const yq = layerOutput(quantizedWeight, layer.outFeatures, layer.inFeatures, calibration);
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    const a = y[i] ?? 0;
    const d = a - (yq[i] ?? 0);
    num += d * d;
    den += a * a;
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

/** H = 2 XᵀX / n (in × in), the Hessian of the layer's squared output error w.r.t. a weight row. */
export function hessian(inFeatures: number, c: Calibration): Float64Array {
  const h = new Float64Array(inFeatures * inFeatures);
  for (let s = 0; s < c.samples; s++) {
    const xo = s * inFeatures;
    for (let i = 0; i < inFeatures; i++) {
      const xi = c.inputs[xo + i] ?? 0;
      if (xi === 0) continue;
      const row = i * inFeatures;
      for (let j = i; j < inFeatures; j++) h[row + j] = (h[row + j] ?? 0) + xi * (c.inputs[xo + j] ?? 0);
    }
  }
  const k = 2 / c.samples;
  for (let i = 0; i < inFeatures; i++)
    for (let j = i; j < inFeatures; j++) {
      const v = (h[i * inFeatures + j] ?? 0) * k;
      h[i * inFeatures + j] = v;
      h[j * inFeatures + i] = v;
    }
  return h;
}

/** Lower Cholesky factor L of a symmetric positive-definite n × n matrix (A = L Lᵀ); null if not SPD. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] ?? 0;
    for (let k = 0; k < j; k++) d -= (l[j * n + k] ?? 0) ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0);
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Inverse of an SPD matrix from its lower Cholesky factor: A⁻¹ = L⁻ᵀ L⁻¹ (row-wise loops, for locality). */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const linv = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0, 0, i);
    for (let k = 0; k < i; k++) {
      const a = l[i * n + k] ?? 0;
      if (a === 0) continue;
      const kRow = k * n;
      for (let j = 0; j <= k; j++) row[j] = (row[j] ?? 0) + a * (linv[kRow + j] ?? 0);
    }
    const d = l[i * n + i] ?? 1;
    for (let j = 0; j < i; j++) linv[i * n + j] = -(row[j] ?? 0) / d;
    linv[i * n + i] = 1 / d;
  }
  const inv = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const kRow = k * n;
    for (let i = 0; i <= k; i++) {
      const a = linv[kRow + i] ?? 0;
      if (a === 0) continue;
      const iRow = i * n;
      for (let j = 0; j <= i; j++) inv[iRow + j] = (inv[iRow + j] ?? 0) + a * (linv[kRow + j] ?? 0);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j] ?? 0;
  return inv;
}
