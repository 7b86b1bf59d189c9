import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBf16, dequantizeGgml, encodeBf16, quantizeTensor, tensorError } from '@costwise/core';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './_test-fixtures.js';
import { openSafetensors, ChunkReader } from './quant/safetensors-source.js';

/** Deterministic Gaussian values (mulberry32 + Box–Muller), rounded through bf16 as a checkpoint holds them. */
function weights(n: number, seed: number, sigma = 0.02): Float32Array {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length: n }, () => {
    const v = sigma * Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    return decodeBf16(encodeBf16(v));
  });
}

interface T {
  name: string;
  shape: number[];
  values: Float32Array;
  dtype?: 'BF16' | 'F32';
}

/** A safetensors file: 8-byte header length, JSON header, little-endian data. */
function safetensors(tensors: readonly T[], patch?: (h: Record<string, unknown>) => void): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'BF16';
    const bytes =
      dtype === 'F32'
        ? new Uint8Array(Float32Array.from(t.values).buffer)
        : new Uint8Array(Uint16Array.from(t.values, (v) => encodeBf16(v)).buffer);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  patch?.(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

let dir: string;
const A: T = { name: 'model.layers.0.mlp.up_proj.weight', shape: [64, 512], values: weights(64 * 512, 1) };
const B: T = {
  name: 'model.layers.0.self_attn.o_proj.weight',
  shape: [256, 256],
  values: weights(256 * 256, 2),
};
const NORM: T = { name: 'model.norm.weight', shape: [256], values: weights(256, 3, 1) };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-quant-'));
  await writeFile(join(dir, 'model.safetensors'), safetensors([A, B, NORM]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Report {
  scheme: string;
  bitsPerWeight: number;
  originalBytes: number;
  quantizedBytes: number;
  tensors: {
    name: string;
    shape: number[];
    dtype: string;
    snrDb: number | null;
    cosine: number;
    mse: number;
  }[];
  summary: { meanSnrDb: number; worstTensor: string };
}

async function quant(
  args: string[],
): Promise<{ code: number; report: Report; stderr: string; stdout: string }> {
  const r = await runCli(['quant', ...args, '--json']);
  return { code: r.code, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr, stdout: r.stdout };
}

describe('costwise quant: the contract fields', () => {
  it('nf4 on a bf16 file: 4.5 bits per weight of 2-D tensors, per-tensor error, summary', async () => {
    const { code, report } = await quant([
      join(dir, 'model.safetensors'),
      '--scheme',
      'nf4',
      '--tensors',
      'proj',
    ]);
    expect(code).toBe(0);
    expect(report.scheme).toBe('nf4');
    expect(report.tensors.map((t) => t.name)).toEqual([A.name, B.name]);
    expect(report.tensors[0]).toMatchObject({ shape: [64, 512], dtype: 'BF16' });
    expect(report.originalBytes).toBe(2 * (64 * 512 + 256 * 256));
    // NF4: n/2 bytes of codes + 4 bytes of absmax per 64 values.
    expect(report.quantizedBytes).toBe((64 * 512 + 256 * 256) / 2 + 4 * ((64 * 512 + 256 * 256) / 64));
    expect(report.bitsPerWeight).toBe(4.5);
    for (const t of report.tensors) {
      expect(t.snrDb).toBeGreaterThan(18);
      expect(t.cosine).toBeGreaterThan(0.99);
    }
    expect(report.summary.worstTensor).toMatch(/proj/);
  });
  it('matches the in-memory quantizer of @costwise/core exactly (streamed chunk by chunk)', async () => {
    const { report } = await quant([
      join(dir, 'model.safetensors'),
      '--scheme',
      'q4_k',
      '--tensors',
      'up_proj',
    ]);
    const expected = quantizeTensor('q4_k', A.values, A.shape).error;
    expect(report.tensors[0]?.mse).toBe(expected.mse);
  });
  it('bf16 of a bf16 file is exact (snrDb null) and fp8 has a per-tensor scale', async () => {
    const exact = await quant([join(dir, 'model.safetensors'), '--scheme', 'bf16']);
    expect(exact.report.tensors.every((t) => t.snrDb === null && t.mse === 0)).toBe(true);
    const fp8 = await quant([join(dir, 'model.safetensors'), '--scheme', 'fp8-e4m3', '--tensors', 'norm']);
    expect(fp8.report.quantizedBytes).toBe(256 + 4);
  });
  it('reads a sharded checkpoint through its index and through its folder', async () => {
    const shards = await mkdtemp(join(tmpdir(), 'costwise-shards-'));
    await writeFile(join(shards, 'model-00001-of-00002.safetensors'), safetensors([A]));
    await writeFile(join(shards, 'model-00002-of-00002.safetensors'), safetensors([B]));
    await writeFile(
      join(shards, 'model.safetensors.index.json'),
      JSON.stringify({
        weight_map: {
          [A.name]: 'model-00001-of-00002.safetensors',
          [B.name]: 'model-00002-of-00002.safetensors',
        },
      }),
    );
    const viaIndex = await quant([join(shards, 'model.safetensors.index.json'), '--scheme', 'int8-channel']);
    const viaFolder = await quant([shards, '--scheme', 'int8-channel']);
    expect(viaIndex.report.tensors.map((t) => t.name).sort()).toEqual([A.name, B.name].sort());
    expect(viaFolder.report).toEqual(viaIndex.report);
    await rm(shards, { recursive: true, force: true });
  });
});

describe('malformed safetensors exit 2 and write nothing', () => {
  const good = (): Uint8Array => safetensors([A]);
  it.each([
    [
      'bad header length',
      () => {
        const b = good();
        new DataView(b.buffer).setBigUint64(0, BigInt(b.length), true);
        return b;
      },
      /bad header length/,
    ],
    [
      'header not JSON',
      () => {
        const b = good();
        b[8] = 0x7a; // '{' → 'z'
        return b;
      },
      /not JSON/,
    ],
    [
      'overlapping offsets',
      () =>
        safetensors([A, B], (h) => {
          h[B.name] = { dtype: 'BF16', shape: B.shape, data_offsets: [1024, 1024 + 2 * 256 * 256] };
        }),
      /overlap/,
    ],
    [
      'unknown dtype',
      () =>
        safetensors([A], (h) => {
          h[A.name] = { dtype: 'F12', shape: A.shape, data_offsets: [0, 2 * 64 * 512] };
        }),
      /unknown dtype "F12"/,
    ],
    [
      'offsets that do not match shape × dtype',
      () =>
        safetensors([A], (h) => {
          h[A.name] = { dtype: 'BF16', shape: [64, 511], data_offsets: [0, 2 * 64 * 512] };
        }),
      /needs 65408/,
    ],
  ])('%s', async (_label, make, message) => {
    const bad = await mkdtemp(join(tmpdir(), 'costwise-bad-'));
    await writeFile(join(bad, 'bad.safetensors'), make());
    const out = join(bad, 'out.safetensors');
    const r = await runCli(['quant', join(bad, 'bad.safetensors'), '--scheme', 'nf4', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect((await readdir(bad)).sort()).toEqual(['bad.safetensors']);
    const j = await runCli(['quant', join(bad, 'bad.safetensors'), '--scheme', 'nf4', '--json']);
    expect(j.code).toBe(2);
    expect((JSON.parse(j.stdout) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    await rm(bad, { recursive: true, force: true });
  });
  it('an unknown scheme names the flag', async () => {
    const r = await runCli(['quant', join(dir, 'model.safetensors'), '--scheme', 'int3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--scheme: "int3" is not one of/);
  });
});

describe('--out', () => {
  it('safetensors: the stored parts, byte-identical to the in-memory quantizer', async () => {
    const out = join(dir, 'nf4-dq.safetensors');
    const r = await quant([
      join(dir, 'model.safetensors'),
      '--scheme',
      'nf4-dq',
      '--tensors',
      'up_proj',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const written = await openSafetensors(out);
    expect(written.tensors.map((t) => t.name)).toEqual([
      `${A.name}.qweight`,
      `${A.name}.absmax_codes`,
      `${A.name}.absmax_scales`,
    ]);
    const file = await readFile(out);
    const expected = quantizeTensor('nf4-dq', A.values, A.shape);
    written.tensors.forEach((t, i) => {
      expect(Array.from(file.subarray(t.fileOffset, t.fileOffset + t.end - t.begin))).toEqual(
        Array.from(expected.parts[i] ?? []),
      );
    });
    expect(r.report.quantizedBytes).toBe(file.length - (written.tensors[0]?.fileOffset ?? 0));
  });
  it.each([
    ['q8_0', 'Q8_0', 8],
    ['q4_0', 'Q4_0', 2],
    ['q4_k', 'Q4_K', 12],
  ] as const)(
    'GGUF %s: read back by @huggingface/gguf, decoded as ggml does',
    async (scheme, type, ggmlType) => {
      const out = join(dir, `${scheme}.gguf`);
      const r = await quant([
        join(dir, 'model.safetensors'),
        '--scheme',
        scheme,
        '--tensors',
        'proj',
        '--out',
        out,
      ]);
      expect(r.code).toBe(0);
      const parsed = await gguf(out, { allowLocalFile: true });
      expect(parsed.tensorInfos.map((t) => [t.name, t.shape.map(Number), t.dtype])).toEqual([
        [A.name, [512, 64], ggmlType],
        [B.name, [256, 256], ggmlType],
      ]);
      const file = new Uint8Array(await readFile(out));
      for (const [i, src] of [A, B].entries()) {
        const info = parsed.tensorInfos[i];
        const bytes = quantizeTensor(scheme, src.values, src.shape).parts[0];
        if (!info || !bytes) throw new Error(`tensor ${i} missing`);
        const start = Number(parsed.tensorDataOffset + info.offset);
        const onDisk = file.subarray(start, start + bytes.length);
        expect(Buffer.from(onDisk).equals(Buffer.from(bytes))).toBe(true);
        const decoded = dequantizeGgml(type, onDisk, src.values.length);
        expect(tensorError(src.values, decoded).snrDb).toBeGreaterThan(type === 'Q8_0' ? 35 : 17);
      }
    },
  );
  it('GGUF refuses schemes without a ggml type, and rows that are not whole blocks', async () => {
    const nf4 = await runCli([
      'quant',
      join(dir, 'model.safetensors'),
      '--scheme',
      'nf4',
      '--out',
      join(dir, 'x.gguf'),
    ]);
    expect(nf4.code).toBe(2);
    expect(nf4.stderr).toMatch(/--out: GGUF holds the ggml types/);
    const odd = await mkdtemp(join(tmpdir(), 'costwise-odd-'));
    await writeFile(
      join(odd, 'm.safetensors'),
      safetensors([{ name: 'w', shape: [4, 100], values: weights(400, 4) }]),
    );
    const r = await runCli([
      'quant',
      join(odd, 'm.safetensors'),
      '--scheme',
      'q4_k',
      '--out',
      join(odd, 'o.gguf'),
    ]);
    expect(r.code).toBe(2);
    expect(await readdir(odd)).toEqual(['m.safetensors']);
    await rm(odd, { recursive: true, force: true });
  });
});

describe('GPTQ and AWQ need calibration inputs', () => {
  it('exit 2 without --calibration, naming the flag', async () => {
    const r = await runCli(['quant', join(dir, 'model.safetensors'), '--scheme', 'gptq-4bit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--calibration: gptq-4bit needs calibration inputs/);
  });
  it.each(['gptq-4bit', 'awq-4bit'])('%s reports output error below round-to-nearest', async (scheme) => {
    // Inputs for o_proj with outlier channels: what makes activation-aware quantization pay.
    const samples = 256;
    const x = weights(samples * 256, 9, 1);
    for (let s = 0; s < samples; s++)
      for (const c of [5, 100, 200]) x[s * 256 + c] = (x[s * 256 + c] ?? 0) * 30;
    const cal = join(dir, 'calibration.safetensors');
    await writeFile(cal, safetensors([{ name: B.name, shape: [samples, 256], values: x, dtype: 'F32' }]));
    const r = await runCli([
      'quant',
      join(dir, 'model.safetensors'),
      '--scheme',
      scheme,
      '--tensors',
      'o_proj',
      '--calibration',
      cal,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const t = (JSON.parse(r.stdout) as { tensors: { outputRelError: number; rtnOutputRelError: number }[] })
      .tensors[0];
    expect(t?.outputRelError ?? Infinity).toBeLessThan(0.9 * (t?.rtnOutputRelError ?? 0));
  });
});

describe('GPTQ/AWQ --out', () => {
  it.each([
    ['gptq-4bit', ['--act-order'], ['qweight', 'scales', 'qzeros', 'g_idx']],
    ['awq-4bit', [], ['qweight', 'scales', 'qzeros', 'input_scales']],
  ])(
    '%s writes codes, scales, zeros and its extra part; the bytes are quantizedBytes',
    async (scheme, extra, parts) => {
      const samples = 64;
      const cal = join(dir, 'calibration-small.safetensors');
      await writeFile(
        cal,
        safetensors([{ name: B.name, shape: [samples, 256], values: weights(samples * 256, 5, 1) }]),
      );
      const out = join(dir, `${scheme}.safetensors`);
      const r = await quant([
        join(dir, 'model.safetensors'),
        '--scheme',
        scheme,
        '--tensors',
        'o_proj',
        '--calibration',
        cal,
        ...extra,
        '--out',
        out,
      ]);
      expect(r.code).toBe(0);
      const written = await openSafetensors(out);
      expect(written.tensors.map((t) => t.name)).toEqual(parts.map((p) => `${B.name}.${p}`));
      const dataBytes = written.tensors.reduce((a, t) => a + t.end - t.begin, 0);
      expect(dataBytes).toBe(r.report.quantizedBytes);
      // 256 × 256: 4-bit codes + fp16 scale and 4-bit zero per 128 + 4 bytes per input feature.
      expect(r.report.quantizedBytes).toBe(256 * 128 + 256 * 2 * 2 + 256 + 4 * 256);
    },
  );
});

describe('ChunkReader', () => {
  it('reads a byte range of F32 and BF16 tensors', async () => {
    const src = await openSafetensors(join(dir, 'model.safetensors'));
    const reader = new ChunkReader();
    const out = new Float32Array(3);
    const b = src.tensors[1];
    if (!b) throw new Error('fixture: second tensor');
    await reader.read(b, 10, 3, out);
    expect(Array.from(out)).toEqual(Array.from(B.values.subarray(10, 13)));
    await reader.close();
  });
});

describe('costwise quant advise', () => {
  it('fine-tuning a 70B model on one H100: QLoRA, with the planner’s numbers', async () => {
    const r = await runCli([
      'quant',
      'advise',
      '--scenario',
      'fine-tuning',
      '--model',
      'llama-3.1-70b',
      '--gpu',
      'h100',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as {
      recommended: { precision: string; mode: string; fits: boolean; perGpuBytes: number };
      lecture: { recommended: string };
      candidates: { precision: string; fits: boolean }[];
      why: string[];
    };
    expect(a.recommended).toMatchObject({ precision: 'nf4', mode: 'qlora', fits: true });
    expect(a.lecture.recommended).toBe('QLoRA (4-bit + LoRA)');
    expect(a.candidates.find((c) => c.precision === 'bf16')?.fits).toBe(false);
    expect(a.why.join(' ')).toMatch(/does not fit/);
  });
  it('a readable table without --json', async () => {
    const r = await runCli([
      'quant',
      'advise',
      '--scenario',
      'edge',
      '--model',
      'llama-3.1-8b',
      '--gpu',
      'l4',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recommended: int8 \(inference\)/);
  });
  it.each([
    [['--model', 'llama-3.1-8b', '--gpu', 'h100'], /--scenario: required/],
    [
      ['--scenario', 'mobile', '--model', 'llama-3.1-8b', '--gpu', 'h100'],
      /--scenario: "mobile" is not valid/,
    ],
    [['--scenario', 'edge', '--model', 'llama-3.1-8b', '--gpu', 'gtx-480'], /--gpu: unknown GPU/],
  ])('exit 2 on %j', async (args, message) => {
    const r = await runCli(['quant', 'advise', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
