import { describe, expect, it } from 'vitest';
import { runCli } from './_test-fixtures.js';

const CONTRACT = [
  'ttftMs',
  'tpotMs',
  'requestLatencyMs',
  'outputTokensPerSecond',
  'totalTokensPerSecond',
  'maxBatch',
  'bound',
  'usdPerMillionInputTokens',
  'usdPerMillionOutputTokens',
  'efficiency',
  'assumptions',
];

describe('costwise perf', () => {
  it('--json carries the contract fields', async () => {
    const r = await runCli(['perf', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--gpu-hourly-usd', '2', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of CONTRACT) expect(out).toHaveProperty(k);
    expect(out.bound).toBe('memory');
    // $2/GPU-hour over the decode time of one request at batch 1
    const tpot = out.tpotMs as number;
    const decodeS = (tpot * 255) / 1e3;
    expect(out.usdPerMillionOutputTokens).toBeCloseTo(((2 / 3600) * decodeS * 1e6) / 256, 9);
  });

  it('--sweep returns one point per value, errors inline', async () => {
    const r = await runCli([
      'perf',
      'llama-3.1-8b',
      '--gpu',
      'h100-sxm',
      '--sweep',
      'batch=1,32,100000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { points: Record<string, unknown>[]; assumptions: string[] };
    expect(out.points.map((p) => p.batch)).toEqual([1, 32, 100000]);
    expect(out.points[1]?.outputTokensPerSecond as number).toBeGreaterThan(
      out.points[0]?.outputTokensPerSecond as number,
    );
    expect(out.points[2]).toMatchObject({ error: { code: 'DOES_NOT_FIT' } });
    expect(out.assumptions.length).toBeGreaterThan(0);
  });

  it('a bad combination exits 2 with { error: { code, message } }', async () => {
    const r = await runCli(['perf', 'llama-3.1-8b', '--gpu', 'a100-80gb', '--precision', 'fp8', '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(out.error.code).toBe('UNSUPPORTED');
    expect(out.error.message).toMatch(/no FP8/);
    const big = await runCli(['perf', 'llama-3.1-70b', '--gpu', 'l4']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/does not fit/);
  });

  it('validates flags and names the field', async () => {
    for (const [args, field] of [
      [['--gpu', 'h100-sxm', '--batch', '0'], '--batch'],
      [['--gpu', 'nope'], '--gpu'],
      [[], '--gpu'],
      [['--gpu', 'h100-sxm', '--spec-acceptance', '2'], '--spec-acceptance'],
      [['--gpu', 'h100-sxm', '--batch', '4', '--rate', '3'], '--batch'],
      [['--gpu', 'h100-sxm', '--sweep', 'gpus=1,2'], '--sweep'],
      [['--gpu', 'h100-sxm', '--utilization', '1.5'], '--utilization'],
      [['--gpu', 'h100-sxm', '--pp', '0'], '--pp'],
      [['--gpu', 'h100-sxm', '--pp', '64'], '--pp'],
    ] as const) {
      const r = await runCli(['perf', 'llama-3.1-8b', ...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      const out = JSON.parse(r.stdout) as { error: { message: string } };
      expect(out.error.message).toContain(field);
    }
  });

  it('--pp: pipeline stages of --gpus GPUs each; the model that does not fit one node fits two stages', async () => {
    const one = await runCli(['perf', 'llama-3.1-70b', '--gpu', 'l40s', '--gpus', '2', '--json']);
    expect(one.code).toBe(2);
    const r = await runCli([
      'perf',
      'llama-3.1-70b',
      '--gpu',
      'l40s',
      '--gpus',
      '2',
      '--pp',
      '2',
      '--gpu-hourly-usd',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { assumptions: string[]; tpotMs: number; usdPerRequest: number };
    expect(j.assumptions.join(' ')).toMatch(/pipeline parallel 2/);
    expect(j.assumptions[0]).toMatch(/on 4 × .* \(TP 2 × PP 2\)/);
    expect(j.tpotMs).toBeGreaterThan(0);
  });

  it('--rate reports the operating point and refuses a rate past saturation', async () => {
    const ok = await runCli(['perf', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--rate', '2', '--json']);
    expect(ok.code).toBe(0);
    const load = (JSON.parse(ok.stdout) as { load: { arrivalRps: number; saturationRps: number } }).load;
    expect(load.arrivalRps).toBe(2);
    const over = await runCli([
      'perf',
      'llama-3.1-8b',
      '--gpu',
      'h100-sxm',
      '--rate',
      String(Math.ceil(load.saturationRps * 2)),
    ]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/queue grows without bound/);
  });

  it('prints a readable report with speculation from a draft model', async () => {
    const r = await runCli([
      'perf',
      'llama-3.1-70b',
      '--gpu',
      'h100-sxm',
      '--gpus',
      '4',
      '--spec-draft',
      'llama-3.2-1b',
      '--spec-acceptance',
      '0.7',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TTFT/);
    expect(r.stdout).toMatch(/speculation .*tokens per target step/);
    expect(r.stdout).toMatch(/tensor parallel 4/);
  });
});
