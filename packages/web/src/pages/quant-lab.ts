/**
 * The quantization lab of the web app: a seeded synthetic weight matrix and calibration inputs, and
 * every scheme of core's QUANT_SCHEMES run on them. The sampling is the page's input; every error
 * figure comes from core (quantizeTensor, quantizeLayerGptq/Awq, tensorError, outputRelativeError).
 */
import {
  accumulateStats,
  finishStats,
  newStatsAccumulator,
  outputRelativeError,
  QUANT_SCHEME_IDS,
  QUANT_SCHEMES,
  quantizeLayerAwq,
  quantizeLayerGptq,
  quantizeTensor,
  seededRandom,
  storedBytes,
  tensorError,
  type Calibration,
  type QuantSchemeId,
  type TensorError,
} from '@costwise/core';
import type { Route } from '../url-state.js';

export const SAMPLE_DISTRIBUTIONS = ['normal', 'laplace', 'student-t', 'outlier-channels'] as const;
export type SampleDistribution = (typeof SAMPLE_DISTRIBUTIONS)[number];
export const SAMPLE_DISTRIBUTION_LABELS: Readonly<Record<SampleDistribution, string>> = {
  normal: 'normal',
  laplace: 'heavy-tailed: Laplace',
  'student-t': 'heavy-tailed: Student t (ν = 3)',
  'outlier-channels': 'normal with outlier input channels (×10)',
};
export const SAMPLE_ELEMENTS = [1024, 4096, 8192, 16384] as const;
/** In-features of the sample matrix [elements / 128, 128]: one INT4 group per row (GPTQ stays cheap). */
export const SAMPLE_IN_FEATURES = 128;
/** Standard deviation of the sample weights (a typical LLM weight scale). */
export const SAMPLE_SIGMA = 0.02;
export const OUTLIER_SCALE = 10;
export const CALIBRATION_SAMPLES = 32;
export const MAX_SEED = 2 ** 32 - 1;

/** The number a number field shows for a parameter: what was typed if it is a number, else the default. */
export function shownNumber(params: Route['params'], key: string, fallback: number): number {
  const v = params[key]?.trim();
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback;
}

/** A whole-number parameter in [min, max]; anything else throws an error naming the field and the fix. */
export function boundedInt(
  params: Route['params'],
  key: string,
  label: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = params[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max)
    throw new Error(
      `${label}: "${raw}" is not allowed; enter a whole number from ${String(min)} to ${String(max)}`,
    );
  return n;
}

/** A standard normal deviate (Box–Muller) from a uniform generator. */
function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface SampleTensor {
  readonly values: Float32Array;
  /** [rows, SAMPLE_IN_FEATURES], row-major. */
  readonly shape: readonly [number, number];
  /** Input channels scaled by OUTLIER_SCALE (outlier-channels only). */
  readonly outlierChannels: readonly number[];
}

/** A seeded synthetic weight matrix with standard deviation SAMPLE_SIGMA (before outlier channels). */
export function sampleTensor(distribution: SampleDistribution, elements: number, seed: number): SampleTensor {
  const inF = SAMPLE_IN_FEATURES;
  if (!Number.isInteger(elements / inF) || elements < inF)
    throw new Error(`size: ${String(elements)} is not a multiple of ${String(inF)}`);
  const rand = seededRandom(seed);
  const values = new Float32Array(elements);
  for (let i = 0; i < elements; i++) {
    let v: number;
    if (distribution === 'laplace') {
      const u = rand() - 0.5;
      v = -(SAMPLE_SIGMA / Math.SQRT2) * Math.sign(u) * Math.log(Math.max(1 - 2 * Math.abs(u), 1e-12));
    } else if (distribution === 'student-t') {
      const chi2 = normal(rand) ** 2 + normal(rand) ** 2 + normal(rand) ** 2;
      // t₃ has variance 3: scale it to SAMPLE_SIGMA.
      v = (SAMPLE_SIGMA / Math.sqrt(3)) * (normal(rand) / Math.sqrt(Math.max(chi2, 1e-12) / 3));
    } else v = SAMPLE_SIGMA * normal(rand);
    values[i] = v;
  }
  const outlierChannels: number[] = [];
  if (distribution === 'outlier-channels') {
    const count = Math.max(1, Math.round(inF / 64));
    while (outlierChannels.length < count) {
      const c = Math.floor(rand() * inF);
      if (!outlierChannels.includes(c)) outlierChannels.push(c);
    }
    outlierChannels.sort((a, b) => a - b);
    for (let r = 0; r < elements / inF; r++)
      for (const c of outlierChannels) values[r * inF + c] = (values[r * inF + c] ?? 0) * OUTLIER_SCALE;
  }
  return { values, shape: [elements / inF, inF], outlierChannels };
}

/** Seeded layer inputs X [samples, in]: normal, each channel with its own lognormal magnitude. */
export function sampleCalibration(inFeatures: number, samples: number, seed: number): Calibration {
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const magnitude = Array.from({ length: inFeatures }, () => Math.exp(0.75 * normal(rand)));
  const inputs = new Float32Array(samples * inFeatures);
  for (let s = 0; s < samples; s++)
    for (let i = 0; i < inFeatures; i++) inputs[s * inFeatures + i] = (magnitude[i] ?? 1) * normal(rand);
  return { inputs, samples };
}

export interface SchemeRow {
  readonly id: QuantSchemeId;
  readonly name: string;
  /** Stored bits per weight of this tensor (scales, zeros and per-tensor parts included). */
  readonly bitsPerWeight: number;
  readonly error: TensorError;
  /** ‖XWᵀ − XŴᵀ‖_F / ‖XWᵀ‖_F on the calibration inputs. */
  readonly outputRelError: number;
}

/**
 * One scheme on the sample: chunked schemes through quantizeTensor, GPTQ and AWQ (which need the whole
 * layer and calibration inputs) through quantizeLayerGptq / quantizeLayerAwq, as `costwise quant` does.
 */
export function schemeRow(id: QuantSchemeId, sample: SampleTensor, calibration: Calibration): SchemeRow {
  const [outFeatures, inFeatures] = sample.shape;
  const layer = { weight: sample.values, outFeatures, inFeatures };
  const scheme = QUANT_SCHEMES[id];
  let decoded: Float32Array;
  let bitsPerWeight: number;
  let error: TensorError;
  if (scheme.layerWise) {
    const r =
      id === 'gptq-4bit' ? quantizeLayerGptq(layer, calibration) : quantizeLayerAwq(layer, calibration);
    decoded = r.dequantized;
    bitsPerWeight = (8 * storedBytes(scheme, sample.shape)) / sample.values.length;
    error = tensorError(sample.values, decoded);
  } else {
    const q = quantizeTensor(id, sample.values, sample.shape);
    decoded = q.decoded;
    bitsPerWeight = q.bitsPerWeight;
    error = q.error;
  }
  return {
    id,
    name: scheme.name,
    bitsPerWeight,
    error,
    outputRelError: outputRelativeError(layer, decoded, calibration),
  };
}

/** Every scheme of QUANT_SCHEMES on the sample, in QUANT_SCHEME_IDS order. */
export function quantTable(sample: SampleTensor, calibration: Calibration): SchemeRow[] {
  return QUANT_SCHEME_IDS.map((id) => schemeRow(id, sample, calibration));
}

export interface QuantLabInputs {
  readonly distribution: SampleDistribution;
  readonly elements: number;
  readonly seed: number;
}

/** The sample's inputs from the URL (`dist`, `size`, `seed`); a bad one throws naming the field. */
export function quantLabInputs(params: Route['params']): QuantLabInputs {
  const dist = params.dist ?? 'normal';
  if (!(SAMPLE_DISTRIBUTIONS as readonly string[]).includes(dist))
    throw new Error(`Distribution: "${dist}" is unknown; choose one of ${SAMPLE_DISTRIBUTIONS.join(', ')}`);
  const elements = Number(params.size ?? 16384);
  if (!(SAMPLE_ELEMENTS as readonly number[]).includes(elements))
    throw new Error(
      `Tensor size: "${params.size ?? ''}" is not offered; choose ${SAMPLE_ELEMENTS.join(', ')}`,
    );
  return {
    distribution: dist as SampleDistribution,
    elements,
    seed: boundedInt(params, 'seed', 'Seed', 1, 0, MAX_SEED),
  };
}

/** The tensor of URL parameters and its statistics (core's accumulateStats), without calibration inputs. */
export function computeQuantTensor(params: Route['params']) {
  const inputs = quantLabInputs(params);
  const sample = sampleTensor(inputs.distribution, inputs.elements, inputs.seed);
  const acc = newStatsAccumulator();
  accumulateStats(acc, sample.values);
  return { inputs, sample, stats: finishStats(acc) };
}

/** The calibration inputs of a seed (the same for every distribution and size). */
export function quantCalibration(seed: number): Calibration {
  return sampleCalibration(SAMPLE_IN_FEATURES, CALIBRATION_SAMPLES, seed);
}

/** The sample of URL parameters: the tensor, its calibration inputs and its statistics (core's accumulateStats). */
export function computeQuantSample(params: Route['params']) {
  const tensor = computeQuantTensor(params);
  return { ...tensor, calibration: quantCalibration(tensor.inputs.seed) };
}
