import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CLOSED_MODELS,
  CostwiseError,
  findCatalogModel,
  findClosedModel,
  invalidInput,
  OPEN_MODELS,
  parseSafetensorsHeader,
  tensorsFromHeaderJson,
  type ModelInput,
  type TensorInfo,
} from '@costwise/core';
import { gguf } from '@huggingface/gguf';
import { downloadFile, parseSafetensorsMetadata } from '@huggingface/hub';
import type { CliIo } from './io.js';

/** A safetensors header is at most this long (the Hub's own limit is 25 MB; llama.cpp's 100 MB). */
const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/**
 * Resolves a model reference (PRODUCT.md "Model references"): a catalog id, a config.json file or a
 * folder holding one (plus safetensors headers when present), `hf:org/name[@revision]`, or a .gguf file.
 */
export async function loadModel(ref: string, io: CliIo): Promise<ModelInput> {
  const reference = ref.trim();
  if (reference === '')
    throw invalidInput('<model>', 'is empty; give a catalog id, a path, hf:org/name or a .gguf file');
  if (reference.startsWith('hf:')) return loadFromHub(reference, io);
  const entry = findCatalogModel(reference);
  if (entry) {
    return {
      source: 'catalog',
      id: entry.id,
      name: entry.name,
      family: entry.family,
      config: entry.config,
      contextTokens: entry.contextTokens,
    };
  }
  const closed = findClosedModel(reference);
  if (closed) {
    throw invalidInput(
      '<model>',
      `${closed.name} is a closed API model: ${closed.vendor} publishes no architecture to inspect ` +
        '(`costwise models --family closed` lists its context window and price record)',
    );
  }
  const path = resolve(io.cwd, reference);
  const info = await stat(path).catch(() => null);
  if (!info) throw unknownModel(reference);
  if (info.isDirectory()) return loadFolder(path);
  if (path.endsWith('.gguf')) return loadGguf(path);
  if (path.endsWith('.safetensors')) {
    const config = await readJsonFile(join(dirname(path), 'config.json'));
    return {
      source: 'safetensors',
      id: basename(dirname(path)),
      config,
      tensors: await readSafetensorsHeader(path),
    };
  }
  const json = await readJsonFile(path);
  if (json !== null && typeof json === 'object' && 'weight_map' in json) {
    return loadFolder(dirname(path));
  }
  return {
    source: 'config',
    id: basename(path) === 'config.json' ? basename(dirname(path)) : basename(path),
    config: json,
  };
}

function unknownModel(reference: string): CostwiseError {
  const all = [...OPEN_MODELS.map((m) => m.id), ...CLOSED_MODELS.map((m) => m.id)];
  const needle = reference.toLowerCase();
  const close = all
    .filter((id) => id.includes(needle) || needle.includes(id.split('-')[0] ?? id))
    .slice(0, 5);
  return new CostwiseError(
    'UNKNOWN_MODEL',
    `<model>: "${reference}" is not a catalog id, an existing path, hf:org/name or a .gguf file` +
      (close.length > 0 ? `; did you mean ${close.join(', ')}?` : '; `costwise models` lists the catalog'),
    '<model>',
  );
}

async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    throw invalidInput(path, code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? 'error'})`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInput(path, `is not valid JSON (${(error as Error).message})`);
  }
}

/** Reads only the header of a safetensors file (8-byte length + JSON), never the weights. */
export async function readSafetensorsHeader(path: string): Promise<TensorInfo[]> {
  const handle = await open(path, 'r').catch(() => {
    throw invalidInput(path, 'file not found or not readable');
  });
  try {
    const prefix = new Uint8Array(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    if (bytesRead < 8) return parseSafetensorsHeader(prefix.subarray(0, bytesRead), path);
    const length = Number(new DataView(prefix.buffer).getBigUint64(0, true));
    if (length > MAX_SAFETENSORS_HEADER_BYTES) {
      throw invalidInput(path, `header length ${length} is implausible; not a safetensors file`);
    }
    const bytes = new Uint8Array(8 + length);
    bytes.set(prefix);
    await handle.read(bytes, 8, length, 8);
    return parseSafetensorsHeader(bytes, path);
  } finally {
    await handle.close();
  }
}

async function loadFolder(folder: string): Promise<ModelInput> {
  const config = await readJsonFile(join(folder, 'config.json'));
  const files = await readdir(folder);
  const id = basename(folder);
  let shardFiles: string[] = [];
  if (files.includes('model.safetensors.index.json')) {
    const indexPath = join(folder, 'model.safetensors.index.json');
    const index = await readJsonFile(indexPath);
    const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
    if (weightMap === null || typeof weightMap !== 'object') {
      throw invalidInput(
        `${indexPath}.weight_map`,
        'missing; a sharded index must map tensor names to shard files',
      );
    }
    const files = new Set<string>();
    for (const [tensor, file] of Object.entries(weightMap as Record<string, unknown>)) {
      if (typeof file !== 'string' || !/^[\w.-]+\.safetensors$/.test(file)) {
        throw invalidInput(
          `${indexPath}.weight_map.${tensor}`,
          'must name a .safetensors file in the same folder',
        );
      }
      files.add(file);
    }
    shardFiles = [...files].sort();
  } else {
    shardFiles = files.filter((f) => f.endsWith('.safetensors')).sort();
  }
  if (shardFiles.length === 0) return { source: 'config', id, config };
  const tensors: TensorInfo[] = [];
  for (const file of shardFiles) tensors.push(...(await readSafetensorsHeader(join(folder, file))));
  return { source: 'safetensors', id, config, tensors };
}

async function loadGguf(path: string): Promise<ModelInput> {
  let parsed: Awaited<ReturnType<typeof gguf>>;
  try {
    parsed = await gguf(path, { allowLocalFile: true });
  } catch (error) {
    throw invalidInput(path, `is not a readable GGUF file (${(error as Error).message})`);
  }
  if (parsed.tensorInfos.length === 0 || typeof parsed.metadata['general.architecture'] !== 'string') {
    throw invalidInput(
      path,
      'is not a readable GGUF file (its header names no architecture or no tensors; truncated?)',
    );
  }
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed.metadata)) metadata[k] = typeof v === 'bigint' ? Number(v) : v;
  const { GGMLQuantizationType } = await import('@huggingface/gguf');
  const tensors: TensorInfo[] = parsed.tensorInfos.map((t) => ({
    name: t.name,
    dtype: (GGMLQuantizationType[t.dtype] as string | undefined) ?? `GGML_${String(t.dtype)}`,
    shape: t.shape.map(Number),
  }));
  return { source: 'gguf', id: basename(path), header: { metadata, tensors } };
}

/** `hf:org/name[@revision]` → repo and revision. */
export function parseHubReference(reference: string): { readonly repo: string; readonly revision: string } {
  const m = /^hf:([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?$/.exec(reference);
  if (!m?.[1]) throw invalidInput('<model>', `"${reference}" is not hf:org/name[@revision]`);
  return { repo: m[1], revision: m[2] ?? 'main' };
}

async function loadFromHub(reference: string, io: CliIo): Promise<ModelInput> {
  const { repo, revision } = parseHubReference(reference);
  const common = {
    repo: { type: 'model' as const, name: repo },
    revision,
    fetch: io.fetch,
    ...(io.env['HF_ENDPOINT'] ? { hubUrl: io.env['HF_ENDPOINT'].replace(/\/+$/, '') } : {}),
    ...(io.env['HF_TOKEN'] ? { accessToken: io.env['HF_TOKEN'] } : {}),
  };
  const blob = await downloadFile({ ...common, path: 'config.json', xet: false }).catch((error: unknown) => {
    throw hubError(reference, error);
  });
  if (!blob)
    throw invalidInput('<model>', `${reference}: the repository has no config.json at revision ${revision}`);
  let config: unknown;
  try {
    config = JSON.parse(await blob.text()) as unknown;
  } catch (error) {
    throw invalidInput(`${reference}:config.json`, `is not valid JSON (${(error as Error).message})`);
  }
  const weights = await parseSafetensorsMetadata(common).catch((error: unknown) => {
    if (/does not seem to contain safetensors/.test((error as Error).message)) return null;
    throw hubError(reference, error);
  });
  if (!weights) return { source: 'config', id: reference, config };
  const headers = weights.sharded
    ? Object.entries(weights.headers)
    : [['model.safetensors', weights.header] as const];
  const tensors = headers.flatMap(([file, header]) => tensorsFromHeaderJson(header, `${reference}:${file}`));
  return { source: 'safetensors', id: reference, config, tensors };
}

function hubError(reference: string, error: unknown): CostwiseError {
  const status = (error as { statusCode?: number }).statusCode;
  const message = (error as Error).message;
  if (status === 401 || status === 403) {
    return new CostwiseError(
      'INVALID_INPUT',
      `${reference}: access denied (${status}); set HF_TOKEN for gated or private repositories`,
      '<model>',
    );
  }
  if (status === 404) {
    return new CostwiseError(
      'INVALID_INPUT',
      `${reference}: repository or revision not found on the Hub`,
      '<model>',
    );
  }
  return new CostwiseError('INTERNAL', `${reference}: Hugging Face Hub request failed: ${message}`);
}
