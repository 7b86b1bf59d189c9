// Benchmark: `costwise quant <1 GB bf16 file> --scheme nf4` streams tensor by tensor in bounded memory
// (issue 6: peak RSS under 2× the largest tensor). Run with `npm run bench:quant` (builds first).
// Writes a ~1 GB bf16 safetensors file of Gaussian-like weights to the OS temp folder, quantizes it
// in-process through the CLI entry point (the same path `costwise quant` takes), and reports wall time
// and peak RSS; the file is deleted afterwards.
import { Buffer } from 'node:buffer';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../packages/cli/dist/program.js';

const MiB = 1024 * 1024;
const scheme = process.argv[2] ?? 'nf4';
// Llama-3-8B-like shapes; the largest (embed / lm_head) is 128 MiB in bf16.
const tensors = [
  { name: 'model.embed_tokens.weight', shape: [16384, 4096] },
  ...Array.from({ length: 3 }, (_, i) => [
    { name: `model.layers.${i}.mlp.gate_proj.weight`, shape: [14336, 4096] },
    { name: `model.layers.${i}.mlp.up_proj.weight`, shape: [14336, 4096] },
  ]).flat(),
  { name: 'model.layers.0.self_attn.q_proj.weight', shape: [4096, 4096] },
  { name: 'model.layers.0.self_attn.o_proj.weight', shape: [4096, 4096] },
  { name: 'model.norm.weight', shape: [4096] },
  { name: 'lm_head.weight', shape: [16384, 4096] },
];

function vmHwmBytes() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to resourceUsage
  }
  return process.resourceUsage().maxRSS * 1024;
}
const rssNow = () => process.memoryUsage().rss;

const dir = mkdtempSync(join(tmpdir(), 'costwise-bench-quant-'));
const file = join(dir, 'bench.safetensors');
try {
  const header = {};
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const fd = openSync(file, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, len);
  writeSync(fd, json);
  // Values of a ~N(0, 0.02²) weight (sum of 4 uniforms), written 8 MiB at a time.
  const chunk = new Uint16Array(4 * MiB);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  let left = offset / 2;
  const t0 = performance.now();
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    for (let i = 0; i < n; i++) {
      f32[0] = (rand() + rand() + rand() + rand() - 2) * 0.035;
      chunk[i] = u32[0] >>> 16;
    }
    writeSync(fd, new Uint8Array(chunk.buffer, 0, n * 2));
    left -= n;
  }
  closeSync(fd);
  const fileBytes = 8 + json.length + offset;
  const largest = Math.max(...tensors.map((t) => t.shape.reduce((a, b) => a * b, 1) * 2));
  console.log(
    `wrote ${(fileBytes / MiB).toFixed(0)} MiB bf16 (${tensors.length} tensors, largest ${(largest / MiB).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const before = rssNow();
  let stdout = '';
  const io = {
    stdout: (s) => (stdout += s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    fetch: globalThis.fetch,
    stdin: () => Promise.resolve(''),
  };
  const t1 = performance.now();
  const code = await run(['quant', file, '--scheme', scheme, '--json', '--no-progress'], io);
  const wallS = (performance.now() - t1) / 1000;
  const peak = vmHwmBytes();
  if (code !== 0) throw new Error(`costwise quant exited ${code}: ${stdout}`);
  const report = JSON.parse(stdout);
  const rows = [
    ['scheme', report.scheme],
    ['file', `${(fileBytes / MiB).toFixed(0)} MiB bf16, ${report.tensors.length} tensors`],
    ['largest tensor', `${(largest / MiB).toFixed(0)} MiB`],
    [
      'quantized',
      `${(report.quantizedBytes / MiB).toFixed(1)} MiB (${report.bitsPerWeight.toFixed(4)} bits/weight)`,
    ],
    ['mean SNR', `${report.summary.meanSnrDb.toFixed(2)} dB (worst: ${report.summary.worstTensor})`],
    ['wall time', `${wallS.toFixed(1)} s (${(fileBytes / MiB / wallS).toFixed(0)} MiB/s)`],
    ['RSS before quant', `${(before / MiB).toFixed(0)} MiB`],
    ['peak RSS (VmHWM)', `${(peak / MiB).toFixed(0)} MiB`],
    ['peak RSS / largest tensor', `${(peak / largest).toFixed(2)}× (target < 2×)`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  if (peak >= 2 * largest) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
