/**
 * Layer-wise 4-bit weight quantizers on a linear layer, all on the same grid (asymmetric INT4, one
 * fp16 scale and 4-bit zero per `groupSize` input features of a row), so that only the choice of codes
 * differs:
 * - round to nearest (RTN), the baseline;
 * - GPTQ: quantizes columns one at a time and spreads each column's error over the columns not yet
 *   quantized through the inverse Hessian H = 2XᵀX/n (Cholesky form, lazy batch updates of
 *   `blockSize` columns, optional act-order: columns by descending Hessian diagonal);
 * - AWQ: scales input channel i by s_i = mean|X_i|^α (normalised), quantizes W·diag(s) and folds 1/s
 *   back, choosing α on a grid by the layer's output error.
 * @see Frantar et al., "GPTQ" (arXiv:2210.17323) Algorithm 1 and §4 (damping 1 % of mean diag, act-order);
 *      Lin et al., "AWQ" (arXiv:2306.00978) §3.2 (s = s_X^α, α ∈ [0, 1] by grid search)
 */
import { invalidInput } from '../errors.js';
import { int4Code, int4GroupParams, type Int4GroupParams } from './integer.js';
import {
  checkLayer,
  cholesky,
  hessian,
  inverseFromCholesky,
  layerOutput,
  type Calibration,
  type LinearLayer,
} from './linear-layer.js';

export interface LayerQuantOptions {
  /** Input features sharing one scale and zero (default 128; the row length if it is shorter). */
  readonly groupSize?: number;
}

export interface GptqOptions extends LayerQuantOptions {
  /** Columns per lazy batch update (default 128). */
  readonly blockSize?: number;
  /** Quantize columns in descending order of the Hessian diagonal. */
  readonly actOrder?: boolean;
  /** Damping added to the Hessian diagonal, as a share of its mean (default 0.01). */
  readonly dampRatio?: number;
}

export interface AwqOptions extends LayerQuantOptions {
  /** α grid points in [0, 1) (default 20). */
  readonly gridPoints?: number;
}

/** The stored form: 4-bit codes and one (fp16 scale, 4-bit zero) per row and group; Ŵ = (code − zero) × scale. */
export interface LayerCodes {
  /** out × in, row-major, original column order. */
  readonly codes: Uint8Array;
  /** out × groups, row-major. */
  readonly scales: Float32Array;
  readonly zeros: Uint8Array;
  readonly groupSize: number;
  /** act-order: the group of each input column (GPTQ's g_idx); null when column i is in group ⌊i / groupSize⌋. */
  readonly groupIndex: Int32Array | null;
}

export interface LayerQuantResult extends LayerCodes {
  /** Ŵ, out × in row-major (for AWQ: with the channel scales divided back out). */
  readonly dequantized: Float32Array;
  /** AWQ: the chosen α and per-input-channel scales s (Ŵ = dequant(codes) / s). */
  readonly awq?: { readonly alpha: number; readonly scales: Float32Array };
}

const dq = (code: number, p: Int4GroupParams): number => (code - p.zero) * p.scale;

function groupSizeOf(layer: LinearLayer, o: LayerQuantOptions): number {
  const g = o.groupSize ?? 128;
  if (!Number.isInteger(g) || g < 1) throw invalidInput('groupSize', `${g} must be a positive integer`);
  return Math.min(g, layer.inFeatures);
}

function paramsOf(row: ArrayLike<number>, start: number, end: number): Int4GroupParams {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = row[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return int4GroupParams(min, max);
}

function newCodes(outF: number, inF: number, g: number, groupIndex: Int32Array | null = null): LayerCodes {
  const groups = Math.ceil(inF / g);
  return {
    codes: new Uint8Array(outF * inF),
    scales: new Float32Array(outF * groups),
    zeros: new Uint8Array(outF * groups),
    groupSize: g,
    groupIndex,
  };
}

function rtnInto(w: ArrayLike<number>, out: Float32Array, outF: number, inF: number, g: number): LayerCodes {
  const c = newCodes(outF, inF, g);
  const groups = Math.ceil(inF / g);
  for (let o = 0; o < outF; o++) {
    const base = o * inF;
    for (let s = 0; s < inF; s += g) {
      const e = Math.min(inF, s + g);
      const p = paramsOf(w, base + s, base + e);
      c.scales[o * groups + s / g] = p.scale;
      c.zeros[o * groups + s / g] = p.zero;
      for (let i = base + s; i < base + e; i++) {
        const code = int4Code(w[i] ?? 0, p);
        c.codes[i] = code;
        out[i] = dq(code, p);
      }
    }
  }
  return c;
}

/** Round to nearest on the INT4 group grid: the baseline GPTQ and AWQ improve on. */
export function quantizeLayerRtn(layer: LinearLayer, options: LayerQuantOptions = {}): LayerQuantResult {
  checkLayer(layer);
  const out = new Float32Array(layer.weight.length);
  const c = rtnInto(layer.weight, out, layer.outFeatures, layer.inFeatures, groupSizeOf(layer, options));
  return { ...c, dequantized: out };
}

/** GPTQ (Algorithm 1 with lazy batches and grouping; act-order optional). */
export function quantizeLayerGptq(
  layer: LinearLayer,
  calibration: Calibration,
  options: GptqOptions = {},
): LayerQuantResult {
  checkLayer(layer, calibration);
  const { outFeatures: rows, inFeatures: n } = layer;
  const g = groupSizeOf(layer, options);
  const blockSize = options.blockSize ?? 128;
  const h0 = hessian(n, calibration);
  const w0 = Float64Array.from(layer.weight);
  for (let i = 0; i < n; i++)
    if ((h0[i * n + i] ?? 0) === 0) {
      // A dead input (always 0) carries no information: its weights cannot matter.
      h0[i * n + i] = 1;
      for (let o = 0; o < rows; o++) w0[o * n + i] = 0;
    }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (options.actOrder) order.sort((a, b) => (h0[b * n + b] ?? 0) - (h0[a * n + a] ?? 0));
  const w = new Float64Array(rows * n);
  const h = new Float64Array(n * n);
  let diagMean = 0;
  for (let k = 0; k < n; k++) {
    const pk = order[k] ?? 0;
    for (let o = 0; o < rows; o++) w[o * n + k] = w0[o * n + pk] ?? 0;
    for (let l = 0; l < n; l++) h[k * n + l] = h0[pk * n + (order[l] ?? 0)] ?? 0;
    diagMean += (h[k * n + k] ?? 0) / n;
  }
  const damp = (options.dampRatio ?? 0.01) * diagMean;
  for (let k = 0; k < n; k++) h[k * n + k] = (h[k * n + k] ?? 0) + damp;
  const lh = cholesky(h, n);
  if (!lh) throw invalidInput('calibration', 'the damped Hessian is not positive definite; add samples');
  const lInv = cholesky(inverseFromCholesky(lh, n), n);
  if (!lInv) throw invalidInput('calibration', 'the inverse Hessian is not positive definite');
  // U = upper Cholesky factor of H⁻¹ (U[i][j] = lInv[j][i]), stored row-major for the update loops.
  const uRows = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) uRows[i * n + j] = lInv[j * n + i] ?? 0;
  const q = new Float64Array(rows * n);
  const groups = Math.ceil(n / g);
  const permutedCodes = new Uint8Array(rows * n);
  const stored = newCodes(rows, n, g, options.actOrder ? new Int32Array(n) : null);
  const params: Int4GroupParams[] = new Array<Int4GroupParams>(rows);
  for (let i1 = 0; i1 < n; i1 += blockSize) {
    const i2 = Math.min(n, i1 + blockSize);
    const count = i2 - i1;
    const err = new Float64Array(rows * count);
    for (let i = i1; i < i2; i++) {
      if (i % g === 0)
        for (let o = 0; o < rows; o++) {
          const p = paramsOf(w, o * n + i, o * n + Math.min(n, i + g));
          params[o] = p;
          stored.scales[o * groups + i / g] = p.scale;
          stored.zeros[o * groups + i / g] = p.zero;
        }
      const d = uRows[i * n + i] ?? 1;
      for (let o = 0; o < rows; o++) {
        const p = params[o] ?? { scale: 0, zero: 0 };
        const x = w[o * n + i] ?? 0;
        const code = int4Code(x, p);
        permutedCodes[o * n + i] = code;
        const qx = dq(code, p);
        q[o * n + i] = qx;
        const e = (x - qx) / d;
        err[o * count + (i - i1)] = e;
        const wo = o * n;
        const ui = i * n;
        for (let j = i + 1; j < i2; j++) w[wo + j] = (w[wo + j] ?? 0) - e * (uRows[ui + j] ?? 0);
      }
    }
    for (let o = 0; o < rows; o++)
      for (let k = i1; k < i2; k++) {
        const e = err[o * count + (k - i1)] ?? 0;
        if (e === 0) continue;
        const wo = o * n;
        const uk = k * n;
        for (let j = i2; j < n; j++) w[wo + j] = (w[wo + j] ?? 0) - e * (uRows[uk + j] ?? 0);
      }
  }
  const out = new Float32Array(rows * n);
  for (let k = 0; k < n; k++) {
    const pk = order[k] ?? 0;
    for (let o = 0; o < rows; o++) {
      out[o * n + pk] = q[o * n + k] ?? 0;
      stored.codes[o * n + pk] = permutedCodes[o * n + k] ?? 0;
    }
    if (stored.groupIndex) stored.groupIndex[pk] = Math.floor(k / g);
  }
  return { ...stored, dequantized: out };
}

/** AWQ: activation-aware per-input-channel scaling, α chosen by output error on the calibration inputs. */
export function quantizeLayerAwq(
  layer: LinearLayer,
  calibration: Calibration,
  options: AwqOptions = {},
): LayerQuantResult {
  checkLayer(layer, calibration);
  const { outFeatures: rows, inFeatures: n } = layer;
  const g = groupSizeOf(layer, options);
  const grid = options.gridPoints ?? 20;
  const meanAbs = new Float64Array(n);
  for (let s = 0; s < calibration.samples; s++)
    for (let i = 0; i < n; i++)
      meanAbs[i] = (meanAbs[i] ?? 0) + Math.abs(calibration.inputs[s * n + i] ?? 0) / calibration.samples;
  const y = layerOutput(layer.weight, rows, n, calibration);
  const scaled = new Float64Array(rows * n);
  const candidate = new Float32Array(rows * n);
  let best: LayerQuantResult | null = null;
  let bestError = Infinity;
  for (let k = 0; k < grid; k++) {
    const alpha = k / grid;
    const s = new Float32Array(n);
    let sMax = 0;
    let sMin = Infinity;
    for (let i = 0; i < n; i++) {
      const v = Math.max(meanAbs[i] ?? 0, 1e-4) ** alpha;
      s[i] = v;
      sMax = Math.max(sMax, v);
      sMin = Math.min(sMin, v);
    }
    const norm = Math.sqrt(sMax * sMin);
    for (let i = 0; i < n; i++) s[i] = (s[i] ?? 1) / norm;
    for (let o = 0; o < rows; o++)
      for (let i = 0; i < n; i++) scaled[o * n + i] = (layer.weight[o * n + i] ?? 0) * (s[i] ?? 1);
    const c = rtnInto(scaled, candidate, rows, n, g);
    for (let o = 0; o < rows; o++)
      for (let i = 0; i < n; i++) candidate[o * n + i] = (candidate[o * n + i] ?? 0) / (s[i] ?? 1);
    const yq = layerOutput(candidate, rows, n, calibration);
    let e = 0;
    for (let i = 0; i < y.length; i++) e += ((y[i] ?? 0) - (yq[i] ?? 0)) ** 2;
    if (e < bestError) {
      bestError = e;
      best = { ...c, dequantized: Float32Array.from(candidate), awq: { alpha, scales: s } };
    }
  }
  if (!best) throw invalidInput('gridPoints', `${grid} must be at least 1`);
  return best;
}
