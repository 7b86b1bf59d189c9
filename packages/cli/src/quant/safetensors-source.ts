/**
 * Reads safetensors checkpoints tensor by tensor and chunk by chunk (positional reads of a tensor's
 * byte range, never the whole file): a single file, a sharded `model.safetensors.index.json`, or a
 * folder holding either.
 */
import { open, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  checkSafetensorsHeaderLength,
  decodeFloat,
  decodeFp16,
  FLOAT_FORMATS,
  invalidInput,
  SAFETENSORS_DTYPE_BYTES,
  validateSafetensorsHeader,
  type SafetensorsTensor,
} from '@costwise/core';

export interface SourceTensor extends SafetensorsTensor {
  readonly file: string;
  /** Absolute byte offset of the tensor's data in its file. */
  readonly fileOffset: number;
}

export interface SafetensorsSource {
  readonly files: readonly string[];
  readonly tensors: readonly SourceTensor[];
}

async function readHeader(path: string): Promise<SourceTensor[]> {
  const size = await stat(path).then(
    (s) => s.size,
    () => {
      throw invalidInput(path, 'file not found or not readable');
    },
  );
  const handle = await open(path, 'r');
  try {
    const prefix = new Uint8Array(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    const declared = bytesRead === 8 ? new DataView(prefix.buffer).getBigUint64(0, true) : 0n;
    const headerBytes = checkSafetensorsHeaderLength(path, declared, bytesRead === 8 ? size : bytesRead);
    const json = new Uint8Array(headerBytes);
    await handle.read(json, 0, headerBytes, 8);
    const header = validateSafetensorsHeader(path, new TextDecoder().decode(json), size - 8 - headerBytes);
    return header.tensors.map((t) => ({ ...t, file: path, fileOffset: 8 + headerBytes + t.begin }));
  } finally {
    await handle.close();
  }
}

async function shardsOfIndex(indexPath: string): Promise<string[]> {
  let index: unknown;
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (error) {
    throw invalidInput(indexPath, `is not readable JSON (${(error as Error).message})`);
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (weightMap === null || typeof weightMap !== 'object')
    throw invalidInput(
      `${indexPath}.weight_map`,
      'missing; a sharded index maps tensor names to shard files',
    );
  const files = new Set<string>();
  for (const [tensor, file] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof file !== 'string' || !/^[\w.-]+\.safetensors$/.test(file))
      throw invalidInput(
        `${indexPath}.weight_map.${tensor}`,
        'must name a .safetensors file in the same folder',
      );
    files.add(join(dirname(indexPath), file));
  }
  return [...files].sort();
}

/** Opens a checkpoint: validates every header (bad length, non-JSON, offsets, dtypes) before any data is read. */
export async function openSafetensors(path: string): Promise<SafetensorsSource> {
  const info = await stat(path).catch(() => {
    throw invalidInput('<file>', `${path}: not found`);
  });
  let files: string[];
  if (info.isDirectory()) {
    const entries = await readdir(path);
    const index = entries.find((f) => f.endsWith('.safetensors.index.json'));
    files = index
      ? await shardsOfIndex(join(path, index))
      : entries
          .filter((f) => f.endsWith('.safetensors'))
          .sort()
          .map((f) => join(path, f));
    if (files.length === 0) throw invalidInput('<file>', `${path} holds no .safetensors file`);
  } else if (basename(path).endsWith('.index.json')) {
    files = await shardsOfIndex(path);
  } else {
    files = [path];
  }
  const tensors: SourceTensor[] = [];
  const seen = new Set<string>();
  for (const file of files)
    for (const t of await readHeader(file)) {
      if (seen.has(t.name)) throw invalidInput(file, `tensor "${t.name}" appears in two shards`);
      seen.add(t.name);
      tensors.push(t);
    }
  return { files, tensors };
}

const E4M3_TABLE = Float32Array.from({ length: 256 }, (_, c) => decodeFloat(FLOAT_FORMATS.e4m3, c));
const E5M2_TABLE = Float32Array.from({ length: 256 }, (_, c) => decodeFloat(FLOAT_FORMATS.e5m2, c));

/**
 * Reads elements [start, start + count) of a float tensor into `out` (little-endian data, as
 * safetensors stores it). `scratch` holds the raw bytes and is reused between calls.
 */
export class ChunkReader {
  private scratch = new Uint8Array(0);
  private handle: FileHandle | null = null;
  private file = '';

  async read(t: SourceTensor, start: number, count: number, out: Float32Array): Promise<void> {
    const width = SAFETENSORS_DTYPE_BYTES[t.dtype];
    const bytes = count * width;
    if (this.scratch.length < bytes) this.scratch = new Uint8Array(Math.max(bytes, 2 * this.scratch.length));
    if (this.file !== t.file || !this.handle) {
      await this.handle?.close();
      this.handle = await open(t.file, 'r');
      this.file = t.file;
    }
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await this.handle.read(
        this.scratch,
        done,
        bytes - done,
        t.fileOffset + start * width + done,
      );
      if (bytesRead === 0) throw invalidInput(t.file, `tensor "${t.name}": file ended early (truncated?)`);
      done += bytesRead;
    }
    const raw = this.scratch;
    switch (t.dtype) {
      case 'F32':
        out.set(new Float32Array(raw.buffer, 0, count));
        return;
      case 'BF16': {
        // bf16 is the top half of a float32: widen the bits in place.
        const half = new Uint16Array(raw.buffer, 0, count);
        const bits = new Uint32Array(out.buffer, out.byteOffset, count);
        for (let i = 0; i < count; i++) bits[i] = (half[i] ?? 0) << 16;
        return;
      }
      case 'F16': {
        const half = new Uint16Array(raw.buffer, 0, count);
        for (let i = 0; i < count; i++) out[i] = decodeFp16(half[i] ?? 0);
        return;
      }
      case 'F8_E4M3':
        for (let i = 0; i < count; i++) out[i] = E4M3_TABLE[raw[i] ?? 0] ?? 0;
        return;
      case 'F8_E5M2':
        for (let i = 0; i < count; i++) out[i] = E5M2_TABLE[raw[i] ?? 0] ?? 0;
        return;
      default:
        throw invalidInput(t.file, `tensor "${t.name}": ${t.dtype} is not a floating-point weight dtype`);
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    this.file = '';
  }
}
