/** Test fixtures: a GGUF writer and a local server that answers the way the Hugging Face Hub does. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from './io.js';
import { run } from './program.js';

/** GGUF metadata value types. @see ggml-org/llama.cpp gguf-py/gguf/constants.py GGUFValueType */
const GGUF_TYPE = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10 } as const;

export type GgufValue = number | string | boolean | readonly string[];

/** Writes a GGUF v3 file: header, key/values, tensor infos, 32-byte alignment, zeroed tensor data. */
export function ggufBytes(
  metadata: Readonly<Record<string, GgufValue>>,
  tensors: readonly { name: string; shape: readonly number[]; ggmlType: number; bytes: number }[],
): Uint8Array {
  const parts: number[] = [];
  const u8 = (...b: number[]) => parts.push(...b);
  const u32 = (v: number) => u8(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  const u64 = (v: number) => {
    u32(v % 2 ** 32);
    u32(Math.floor(v / 2 ** 32));
  };
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    u64(b.length);
    u8(...b);
  };
  u8(0x47, 0x47, 0x55, 0x46); // "GGUF"
  u32(3);
  u64(tensors.length);
  u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    str(key);
    if (typeof value === 'string') {
      u32(GGUF_TYPE.STRING);
      str(value);
    } else if (typeof value === 'boolean') {
      u32(GGUF_TYPE.BOOL);
      u8(value ? 1 : 0);
    } else if (Array.isArray(value)) {
      u32(GGUF_TYPE.ARRAY);
      u32(GGUF_TYPE.STRING);
      u64(value.length);
      for (const s of value as readonly string[]) str(s);
    } else {
      u32(GGUF_TYPE.UINT32);
      u32(value as number);
    }
  }
  let offset = 0;
  for (const t of tensors) {
    str(t.name);
    u32(t.shape.length);
    for (const d of t.shape) u64(d);
    u32(t.ggmlType);
    u64(offset);
    offset += Math.ceil(t.bytes / 32) * 32;
  }
  while (parts.length % 32 !== 0) u8(0);
  const out = new Uint8Array(parts.length + offset);
  out.set(parts);
  return out;
}

export interface HubFile {
  readonly body: Uint8Array | string;
}

export interface HubFixture {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A local server with the Hub's file endpoints: HEAD/GET `/{repo}/raw|resolve/{revision}/{path}`,
 * Range requests answered 206 with Content-Range, 404 with `X-Error-Code: EntryNotFound` for a missing
 * file, 401 for a gated repository without `Authorization: Bearer <token>`.
 */
export async function startHubFixture(
  repos: Readonly<
    Record<string, { files: Readonly<Record<string, HubFile>>; revision?: string; token?: string }>
  >,
): Promise<HubFixture> {
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const m = /^\/([^/]+\/[^/]+)\/(raw|resolve)\/([^/]+)\/(.+?)(\?.*)?$/.exec(req.url ?? '');
    const repo = m?.[1] ? repos[m[1]] : undefined;
    if (!m || !repo) {
      res.writeHead(404, { 'X-Error-Code': 'RepoNotFound', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Repository not found' }));
      return;
    }
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      res.writeHead(401, { 'X-Error-Code': 'GatedRepo', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Access to this model is restricted' }));
      return;
    }
    if (decodeURIComponent(m[3] ?? '') !== (repo.revision ?? 'main')) {
      res.writeHead(404, { 'X-Error-Code': 'RevisionNotFound', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Revision not found' }));
      return;
    }
    const file = repo.files[m[4] ?? ''];
    if (!file) {
      res.writeHead(404, { 'X-Error-Code': 'EntryNotFound', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Entry not found' }));
      return;
    }
    const body = typeof file.body === 'string' ? new TextEncoder().encode(file.body) : file.body;
    const etag = `"${body.length.toString(16)}-${body.reduce((h, b) => (h * 31 + b) >>> 0, 7).toString(16)}"`;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes', ETag: etag });
      res.end();
    } else if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${body.length}`,
        'Content-Length': end - start + 1,
        'Accept-Ranges': 'bytes',
        ETag: etag,
      });
      res.end(Buffer.from(body.subarray(start, end + 1)));
    } else {
      res.writeHead(200, { 'Content-Length': body.length, ETag: etag });
      res.end(Buffer.from(body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => {
          if (e) reject(e);
          else resolve();
        });
      }),
  };
}

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(
  argv: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    fetch: globalThis.fetch,
    stdin: () => Promise.resolve(opts.stdin ?? ''),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
