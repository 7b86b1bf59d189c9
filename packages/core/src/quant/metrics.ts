/**
 * Error of a quantized tensor against its original, accumulated chunk by chunk so that a tensor never
 * has to be held whole: MSE, SNR = 10·log10(Σx² / Σ(x − x̂)²) dB, max |x − x̂|, cosine similarity.
 */

export interface ErrorAccumulator {
  elements: number;
  sumSquaredError: number;
  sumSquaredSignal: number;
  sumSquaredDecoded: number;
  dot: number;
  maxAbsError: number;
}

export interface TensorError {
  readonly mse: number;
  /** Signal-to-noise ratio in dB; Infinity when the reconstruction is exact. */
  readonly snrDb: number;
  readonly maxAbsError: number;
  readonly cosine: number;
}

export function newErrorAccumulator(): ErrorAccumulator {
  return {
    elements: 0,
    sumSquaredError: 0,
    sumSquaredSignal: 0,
    sumSquaredDecoded: 0,
    dot: 0,
    maxAbsError: 0,
  };
}

/** Adds a chunk of originals and their reconstructions (mutates the accumulator it owns). */
export function accumulateError(acc: ErrorAccumulator, original: Float32Array, decoded: Float32Array): void {
  let sse = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let maxErr = acc.maxAbsError;
  for (let i = 0; i < original.length; i++) {
    const x = original[i] ?? 0;
    const y = decoded[i] ?? 0;
    const e = x - y;
    sse += e * e;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
    const a = Math.abs(e);
    if (a > maxErr || Number.isNaN(a)) maxErr = a;
  }
  acc.elements += original.length;
  acc.sumSquaredError += sse;
  acc.sumSquaredSignal += sxx;
  acc.sumSquaredDecoded += syy;
  acc.dot += sxy;
  acc.maxAbsError = maxErr;
}

export function finishError(acc: Readonly<ErrorAccumulator>): TensorError {
  const mse = acc.elements > 0 ? acc.sumSquaredError / acc.elements : 0;
  let snrDb: number;
  if (acc.sumSquaredError === 0) snrDb = Infinity;
  else if (acc.sumSquaredSignal === 0) snrDb = -Infinity;
  else snrDb = 10 * Math.log10(acc.sumSquaredSignal / acc.sumSquaredError);
  const norms = Math.sqrt(acc.sumSquaredSignal * acc.sumSquaredDecoded);
  const cosine = norms > 0 ? acc.dot / norms : acc.sumSquaredSignal === acc.sumSquaredDecoded ? 1 : 0;
  return { mse, snrDb, maxAbsError: acc.maxAbsError, cosine };
}

/** The error of `decoded` against `original` in one call. */
export function tensorError(original: Float32Array, decoded: Float32Array): TensorError {
  const acc = newErrorAccumulator();
  accumulateError(acc, original, decoded);
  return finishError(acc);
}
