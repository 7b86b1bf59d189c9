import { basename, dirname, join } from 'node:path';
import {
  accumulateError,
  accumulateStats,
  chunkElements,
  CostwiseError,
  elementsOf,
  encodeLayerParts,
  finishError,
  finishStats,
  invalidInput,
  isFloatSourceDtype,
  isQuantSchemeId,
  newErrorAccumulator,
  newStatsAccumulator,
  outputRelativeError,
  QUANT_SCHEME_IDS,
  QUANT_SCHEMES,
  quantizeLayerAwq,
  quantizeLayerGptq,
  quantizeLayerRtn,
  SAFETENSORS_DTYPE_BYTES,
  storedBytes,
  tensorError,
  type EncodeOptions,
  type QuantScheme,
  type TensorError,
  type TensorStats,
} from '@costwise/core';
import { bar, formatBytes, table } from '../format.js';
import type { CliIo } from '../io.js';
import { ChunkReader, openSafetensors, type SourceTensor } from '../quant/safetensors-source.js';
import { QuantizedWriter, type OutputFormat, type PlannedTensor } from '../quant/quantized-writer.js';

export interface QuantFlags {
  readonly scheme?: string;
  readonly tensors?: string;
  readonly out?: string;
  /** commander's --no-scale */
  readonly scale?: boolean;
  /** commander's --no-saturate */
  readonly saturate?: boolean;
  readonly calibration?: string;
  readonly actOrder?: boolean;
  /** commander's --no-progress */
  readonly progress?: boolean;
  readonly json?: boolean;
}

export interface TensorReport {
  readonly name: string;
  readonly shape: readonly number[];
  /** Source dtype. */
  readonly dtype: string;
  readonly elements: number;
  readonly originalBytes: number;
  readonly quantizedBytes: number;
  readonly bitsPerWeight: number;
  readonly mse: number;
  /** null when the reconstruction is exact (infinite SNR). */
  readonly snrDb: number | null;
  readonly maxAbsError: number;
  readonly cosine: number;
  /** GPTQ/AWQ: ‖XWᵀ − XŴᵀ‖/‖XWᵀ‖ on the calibration inputs, and the same for round-to-nearest. */
  readonly outputRelError?: number;
  readonly rtnOutputRelError?: number;
}

export interface QuantReport {
  readonly scheme: string;
  readonly bitsPerWeight: number;
  readonly originalBytes: number;
  readonly quantizedBytes: number;
  readonly tensors: readonly TensorReport[];
  readonly summary: { readonly meanSnrDb: number | null; readonly worstTensor: string | null };
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  readonly out: string | null;
  readonly notes: readonly string[];
}

/** Chunks of about 1M values (4 MB as float32) keep memory bounded whatever the tensor size. */
const CHUNK_TARGET_ELEMENTS = 1 << 20;

function fail(code: string, message: string, json: boolean | undefined, io: CliIo): number {
  if (json) io.stdout(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  else io.stderr(`costwise: ${message}\n`);
  return code === 'INVALID_INPUT' || code === 'UNKNOWN_MODEL' ? 2 : 1;
}

function parseScheme(value: string | undefined): QuantScheme {
  if (value === undefined) throw invalidInput('--scheme', `required: one of ${QUANT_SCHEME_IDS.join(', ')}`);
  const id = value.trim().toLowerCase();
  if (!isQuantSchemeId(id))
    throw invalidInput('--scheme', `"${value}" is not one of ${QUANT_SCHEME_IDS.join(', ')}`);
  return QUANT_SCHEMES[id];
}

function parseRegex(value: string | undefined): RegExp | null {
  if (value === undefined) return null;
  try {
    return new RegExp(value);
  } catch (error) {
    throw invalidInput('--tensors', `"${value}" is not a regular expression (${(error as Error).message})`);
  }
}

function outputFormat(out: string, scheme: QuantScheme): OutputFormat {
  if (out.endsWith('.safetensors')) return 'safetensors';
  if (out.endsWith('.gguf')) {
    if (scheme.ggmlType === null)
      throw invalidInput(
        '--out',
        `GGUF holds the ggml types (q8_0, q4_0, q4_k, fp16, bf16), not ${scheme.id}`,
      );
    return 'gguf';
  }
  throw invalidInput('--out', `"${out}" must end in .safetensors or .gguf`);
}

class Progress {
  private done = 0;
  private lastMs = 0;
  constructor(
    private readonly total: number,
    private readonly io: CliIo,
    private readonly enabled: boolean,
  ) {}
  advance(elements: number, name: string): void {
    this.done += elements;
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastMs < 100 && this.done < this.total) return;
    this.lastMs = now;
    const frac = this.total > 0 ? this.done / this.total : 1;
    this.io.stderr(
      `\r${bar(frac, 30)} ${(frac * 100).toFixed(0).padStart(3)}%  ${name.slice(0, 60).padEnd(60)}`,
    );
  }
  end(): void {
    if (this.enabled) this.io.stderr(`\r${' '.repeat(100)}\r`);
  }
}

interface Calibrations {
  readonly reader: ChunkReader;
  readonly byName: ReadonlyMap<string, SourceTensor>;
}

async function quantizeStreaming(
  t: SourceTensor,
  index: number,
  scheme: QuantScheme,
  options: EncodeOptions,
  reader: ChunkReader,
  writer: QuantizedWriter | null,
  progress: Progress,
): Promise<TensorError> {
  const n = elementsOf(t.shape);
  const step = chunkElements(scheme, t.shape, CHUNK_TARGET_ELEMENTS);
  const values = new Float32Array(step);
  let stats: TensorStats | null = null;
  if (scheme.needsStats) {
    const acc = newStatsAccumulator();
    for (let start = 0; start < n; start += step) {
      const count = Math.min(step, n - start);
      await reader.read(t, start, count, values);
      accumulateStats(acc, values.subarray(0, count));
    }
    stats = finishStats(acc);
  }
  const err = newErrorAccumulator();
  for (let start = 0; start < n; start += step) {
    const count = Math.min(step, n - start);
    await reader.read(t, start, count, values);
    const chunk = values.subarray(0, count);
    const encoded = scheme.encodeChunk(chunk, t.shape, stats, options);
    accumulateError(err, chunk, encoded.decoded);
    await writer?.writeChunk(index, encoded.parts);
    progress.advance(count, t.name);
  }
  if (stats) await writer?.writeTensorParts(index, scheme.tensorParts(stats, options));
  return finishError(err);
}

async function quantizeLayerWise(
  t: SourceTensor,
  index: number,
  scheme: QuantScheme,
  f: QuantFlags,
  reader: ChunkReader,
  calibrations: Calibrations,
  writer: QuantizedWriter | null,
  progress: Progress,
): Promise<{ error: TensorError; outputRelError: number; rtnOutputRelError: number }> {
  const [outFeatures, inFeatures] = t.shape;
  const c = calibrations.byName.get(t.name);
  if (t.shape.length !== 2 || outFeatures === undefined || inFeatures === undefined)
    throw invalidInput(
      '--tensors',
      `${scheme.id} quantizes 2-D linear weights; "${t.name}" is [${t.shape.join(', ')}]`,
    );
  if (!c)
    throw invalidInput(
      '--calibration',
      `no calibration inputs for "${t.name}": the file needs a tensor of that name shaped [samples, ${inFeatures}] (or narrow --tensors)`,
    );
  if (c.shape.length !== 2 || c.shape[1] !== inFeatures || !isFloatSourceDtype(c.dtype))
    throw invalidInput(
      '--calibration',
      `"${t.name}" there is ${c.dtype} [${c.shape.join(', ')}]; expected float [samples, ${inFeatures}]`,
    );
  const weight = new Float32Array(outFeatures * inFeatures);
  await reader.read(t, 0, weight.length, weight);
  const samples = c.shape[0] ?? 0;
  const inputs = new Float32Array(samples * inFeatures);
  await calibrations.reader.read(c, 0, inputs.length, inputs);
  const layer = { weight, outFeatures, inFeatures };
  const calibration = { inputs, samples };
  const result =
    scheme.id === 'gptq-4bit'
      ? quantizeLayerGptq(layer, calibration, { actOrder: f.actOrder ?? false })
      : quantizeLayerAwq(layer, calibration);
  await writer?.writeChunk(
    index,
    encodeLayerParts(scheme.id === 'gptq-4bit' ? 'gptq-4bit' : 'awq-4bit', result),
  );
  progress.advance(weight.length, t.name);
  return {
    error: tensorError(weight, result.dequantized),
    outputRelError: outputRelativeError(layer, result.dequantized, calibration),
    rtnOutputRelError: outputRelativeError(layer, quantizeLayerRtn(layer).dequantized, calibration),
  };
}

/** `costwise quant <file> --scheme S`: per-tensor error and size of a format on a checkpoint's weights. */
export async function quantCommand(path: string, f: QuantFlags, io: CliIo): Promise<number> {
  let writer: QuantizedWriter | null = null;
  const reader = new ChunkReader();
  const calibrationReader = new ChunkReader();
  try {
    const scheme = parseScheme(f.scheme);
    const filter = parseRegex(f.tensors);
    const options: EncodeOptions = {
      scaleToMax: f.scale ?? true,
      saturate: f.saturate ?? true,
      actOrder: f.actOrder ?? false,
    };
    const notes: string[] = [];
    if (f.scale === false && !scheme.id.startsWith('fp8'))
      throw invalidInput('--no-scale', `applies to fp8-e4m3 and fp8-e5m2, not ${scheme.id}`);
    const format = f.out === undefined ? null : outputFormat(f.out, scheme);
    let calibrations: Calibrations | null = null;
    if (scheme.layerWise) {
      if (f.calibration === undefined)
        throw invalidInput(
          '--calibration',
          `${scheme.id} needs calibration inputs: a safetensors file with, for each weight "<name>" [out, in], a tensor "<name>" [samples, in] of that layer's input activations`,
        );
      const cal = await openSafetensors(f.calibration);
      calibrations = { reader: calibrationReader, byName: new Map(cal.tensors.map((t) => [t.name, t])) };
      notes.push('GPTQ/AWQ keep the INT4 g128 layout; outputRelError is measured on the calibration inputs');
    } else if (f.calibration !== undefined) {
      throw invalidInput(
        '--calibration',
        `only gptq-4bit and awq-4bit use calibration inputs, not ${scheme.id}`,
      );
    }
    const source = await openSafetensors(path);
    const skipped: { name: string; reason: string }[] = [];
    const selected: SourceTensor[] = [];
    for (const t of source.tensors) {
      if (filter && !filter.test(t.name)) continue;
      if (!isFloatSourceDtype(t.dtype))
        skipped.push({ name: t.name, reason: `${t.dtype} is not a float weight` });
      else if (elementsOf(t.shape) === 0) skipped.push({ name: t.name, reason: 'empty' });
      else selected.push(t);
    }
    if (selected.length === 0)
      throw invalidInput(
        '--tensors',
        `no floating-point tensor${filter ? ` matches /${filter.source}/` : ''} in ${path}`,
      );
    const planned: PlannedTensor[] = selected.map((t) => ({
      name: t.name,
      shape: t.shape,
      parts: scheme.parts(t.shape, options),
    }));
    if (f.out !== undefined && format !== null) {
      const temp = join(dirname(f.out), `.${basename(f.out)}.partial-${process.pid}`);
      writer = await QuantizedWriter.create(f.out, format, scheme, planned, temp);
    }
    const total = selected.reduce((a, t) => a + elementsOf(t.shape), 0);
    const progress = new Progress(total, io, f.progress !== false && process.stderr.isTTY);
    const reports: TensorReport[] = [];
    for (const [i, t] of selected.entries()) {
      const n = elementsOf(t.shape);
      const quantizedBytes = storedBytes(scheme, t.shape, options);
      let error: TensorError;
      let layerErrors: { outputRelError: number; rtnOutputRelError: number } | null = null;
      if (scheme.layerWise && calibrations) {
        const r = await quantizeLayerWise(t, i, scheme, f, reader, calibrations, writer, progress);
        error = r.error;
        layerErrors = { outputRelError: r.outputRelError, rtnOutputRelError: r.rtnOutputRelError };
      } else {
        error = await quantizeStreaming(t, i, scheme, options, reader, writer, progress);
      }
      reports.push({
        name: t.name,
        shape: t.shape,
        dtype: t.dtype,
        elements: n,
        originalBytes: n * SAFETENSORS_DTYPE_BYTES[t.dtype],
        quantizedBytes,
        bitsPerWeight: (8 * quantizedBytes) / n,
        mse: error.mse,
        snrDb: Number.isFinite(error.snrDb) ? error.snrDb : null,
        maxAbsError: error.maxAbsError,
        cosine: error.cosine,
        ...(layerErrors ?? {}),
      });
    }
    progress.end();
    if (writer) {
      await writer.commit();
      writer = null;
    }
    const originalBytes = reports.reduce((a, r) => a + r.originalBytes, 0);
    const quantizedBytes = reports.reduce((a, r) => a + r.quantizedBytes, 0);
    const elements = reports.reduce((a, r) => a + r.elements, 0);
    const finite = reports.filter((r) => r.snrDb !== null);
    const worst = finite.reduce<TensorReport | null>(
      (w, r) => (w === null || (r.snrDb ?? Infinity) < (w.snrDb ?? Infinity) ? r : w),
      null,
    );
    const report: QuantReport = {
      scheme: scheme.id,
      bitsPerWeight: (8 * quantizedBytes) / elements,
      originalBytes,
      quantizedBytes,
      tensors: reports,
      summary: {
        meanSnrDb: finite.length > 0 ? finite.reduce((a, r) => a + (r.snrDb ?? 0), 0) / finite.length : null,
        worstTensor: worst?.name ?? null,
      },
      skipped,
      out: f.out ?? null,
      notes: [scheme.name, ...notes],
    };
    io.stdout(f.json ? `${JSON.stringify(report, null, 2)}\n` : renderQuant(report));
    return 0;
  } catch (error) {
    await writer?.abort();
    if (error instanceof CostwiseError) return fail(error.code, error.message, f.json, io);
    throw error;
  } finally {
    await reader.close();
    await calibrationReader.close();
  }
}

const num = (v: number | null, digits: number): string => (v === null ? 'exact' : v.toFixed(digits));

export function renderQuant(r: QuantReport): string {
  const layer = r.tensors.some((t) => t.outputRelError !== undefined);
  const rows = r.tensors.map((t) => [
    t.name,
    `[${t.shape.join(', ')}]`,
    t.dtype,
    t.bitsPerWeight.toFixed(3),
    num(t.snrDb, 2),
    t.cosine.toFixed(6),
    t.maxAbsError.toExponential(2),
    ...(layer
      ? [
          `${((t.outputRelError ?? 0) * 100).toFixed(2)}%`,
          `${((t.rtnOutputRelError ?? 0) * 100).toFixed(2)}%`,
        ]
      : []),
  ]);
  const headers = ['tensor', 'shape', 'dtype', 'bits/w', 'SNR dB', 'cosine', 'max |err|'];
  if (layer) headers.push('output err', 'RTN output err');
  const out = [
    table(headers, rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']),
    '',
    `${r.scheme}: ${formatBytes(r.originalBytes)} → ${formatBytes(r.quantizedBytes)} (${r.bitsPerWeight.toFixed(3)} bits per weight, ${(r.originalBytes / r.quantizedBytes).toFixed(2)}× smaller)`,
    `mean SNR ${num(r.summary.meanSnrDb, 2)} dB; worst tensor: ${r.summary.worstTensor ?? '—'}`,
  ];
  if (r.out) out.push(`wrote ${r.out}`);
  if (r.skipped.length > 0)
    out.push(`skipped ${r.skipped.length}: ${r.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
  for (const n of r.notes) out.push(`· ${n}`);
  return `${out.join('\n')}\n`;
}
