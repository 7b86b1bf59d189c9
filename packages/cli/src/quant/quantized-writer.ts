/**
 * Writes quantized tensors as they are produced, chunk by chunk at precomputed offsets, into a
 * temporary file that is renamed over `--out` only once everything succeeded (nothing is left behind
 * on failure). Two layouts:
 * - safetensors: each stored part is a tensor (`<name>` for the data, `<name>.<part>` for scales,
 *   zeros…), with `__metadata__` naming the scheme and each source shape;
 * - GGUF v3 (ggml block types and F16/BF16): one tensor per source tensor, dims innermost first,
 *   32-byte aligned data.
 * @see huggingface/safetensors README.md "Format"; ggml-org/ggml docs/gguf.md
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { invalidInput, type QuantScheme, type StoredPart } from '@costwise/core';

export interface PlannedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly parts: readonly StoredPart[];
}

export type OutputFormat = 'safetensors' | 'gguf';

const GGUF_ALIGNMENT = 32;
const GGUF_UINT32 = 4;
const GGUF_STRING = 8;

class ByteWriter {
  private readonly chunks: number[] = [];
  u8(...b: number[]): void {
    for (const v of b) this.chunks.push(v);
  }
  u32(v: number): void {
    this.u8(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  }
  u64(v: number): void {
    this.u32(v % 2 ** 32);
    this.u32(Math.floor(v / 2 ** 32));
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.u8(...b);
  }
  get length(): number {
    return this.chunks.length;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Where each part of each tensor starts in the output file. */
interface Layout {
  readonly header: Uint8Array;
  readonly partOffsets: readonly (readonly number[])[];
}

function safetensorsLayout(scheme: QuantScheme, tensors: readonly PlannedTensor[]): Layout {
  const header: Record<string, unknown> = {};
  const metadata: Record<string, string> = { format: 'costwise-quant', scheme: scheme.id };
  const relative: number[][] = [];
  let offset = 0;
  for (const t of tensors) {
    metadata[`shape:${t.name}`] = JSON.stringify(t.shape);
    const offsets: number[] = [];
    for (const p of t.parts) {
      const name = p.suffix === '' ? t.name : `${t.name}.${p.suffix}`;
      header[name] = { dtype: p.dtype, shape: p.shape, data_offsets: [offset, offset + p.bytes] };
      offsets.push(offset);
      offset += p.bytes;
    }
    relative.push(offsets);
  }
  const jsonBytes = new TextEncoder().encode(JSON.stringify({ __metadata__: metadata, ...header }));
  const pad = (8 - (jsonBytes.length % 8)) % 8;
  const headerBytes = new Uint8Array(8 + jsonBytes.length + pad).fill(0x20);
  new DataView(headerBytes.buffer).setBigUint64(0, BigInt(jsonBytes.length + pad), true);
  headerBytes.set(jsonBytes, 8);
  const dataStart = headerBytes.length;
  return { header: headerBytes, partOffsets: relative.map((o) => o.map((v) => v + dataStart)) };
}

function ggufLayout(scheme: QuantScheme, tensors: readonly PlannedTensor[], outPath: string): Layout {
  const type = scheme.ggmlType;
  if (type === null)
    throw invalidInput('--out', `${scheme.id} has no GGUF tensor type; write .safetensors instead`);
  const w = new ByteWriter();
  w.u8(0x47, 0x47, 0x55, 0x46);
  w.u32(3);
  w.u64(tensors.length);
  w.u64(3);
  w.str('general.name');
  w.u32(GGUF_STRING);
  w.str(basename(outPath).replace(/\.gguf$/, ''));
  w.str('general.quantization_version');
  w.u32(GGUF_UINT32);
  w.u32(2);
  w.str('general.alignment');
  w.u32(GGUF_UINT32);
  w.u32(GGUF_ALIGNMENT);
  const relative: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    w.str(t.name);
    const dims = [...t.shape].reverse();
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(type);
    w.u64(offset);
    relative.push(offset);
    const bytes = t.parts.reduce((a, p) => a + p.bytes, 0);
    offset += Math.ceil(bytes / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  }
  while (w.length % GGUF_ALIGNMENT !== 0) w.u8(0);
  const header = w.bytes();
  // GGUF holds one tensor per source tensor: its parts follow one another.
  return {
    header,
    partOffsets: tensors.map((t, i) => {
      let at = header.length + (relative[i] ?? 0);
      return t.parts.map((p) => {
        const start = at;
        at += p.bytes;
        return start;
      });
    }),
  };
}

/** GGUF needs whole blocks per row: the innermost dimension must be a multiple of the block size. */
export function checkGgufShapes(scheme: QuantScheme, tensors: readonly PlannedTensor[]): void {
  const block = scheme.chunkAlignment([1]);
  for (const t of tensors) {
    const row = t.shape[t.shape.length - 1] ?? 1;
    if (row % block !== 0)
      throw invalidInput(
        '--out',
        `GGUF ${scheme.id} needs rows that are multiples of ${block} values; "${t.name}" has ${row} (leave it out with --tensors)`,
      );
  }
}

export class QuantizedWriter {
  private readonly cursors: number[][];

  private constructor(
    private readonly handle: FileHandle,
    private readonly tempPath: string,
    private readonly outPath: string,
    private readonly tensors: readonly PlannedTensor[],
    layout: Layout,
  ) {
    this.cursors = layout.partOffsets.map((o) => [...o]);
  }

  static async create(
    outPath: string,
    format: OutputFormat,
    scheme: QuantScheme,
    tensors: readonly PlannedTensor[],
    tempPath: string,
  ): Promise<QuantizedWriter> {
    if (format === 'gguf') checkGgufShapes(scheme, tensors);
    const layout =
      format === 'gguf' ? ggufLayout(scheme, tensors, outPath) : safetensorsLayout(scheme, tensors);
    const handle = await open(tempPath, 'w');
    const writer = new QuantizedWriter(handle, tempPath, outPath, tensors, layout);
    await writer.writeAt(layout.header, 0);
    return writer;
  }

  private async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }

  /** Appends a chunk's runs to the tensor's chunked parts (in `parts` order, per-tensor parts skipped). */
  async writeChunk(tensorIndex: number, runs: readonly Uint8Array[]): Promise<void> {
    await this.writeParts(tensorIndex, runs, false);
  }

  /** Writes the tensor's per-tensor parts (scales computed from the whole tensor). */
  async writeTensorParts(tensorIndex: number, runs: readonly Uint8Array[]): Promise<void> {
    await this.writeParts(tensorIndex, runs, true);
  }

  private async writeParts(
    tensorIndex: number,
    runs: readonly Uint8Array[],
    perTensor: boolean,
  ): Promise<void> {
    const parts = this.tensors[tensorIndex]?.parts ?? [];
    const cursors = this.cursors[tensorIndex] ?? [];
    let r = 0;
    for (let p = 0; p < parts.length; p++) {
      if (parts[p]?.perTensor !== perTensor) continue;
      const run = runs[r++];
      if (!run) continue;
      await this.writeAt(run, cursors[p] ?? 0);
      cursors[p] = (cursors[p] ?? 0) + run.length;
    }
  }

  /** Closes the temporary file and moves it to the output path. */
  async commit(): Promise<void> {
    await this.handle.close();
    await rename(this.tempPath, this.outPath);
  }

  /** Closes and deletes the temporary file. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }
}
