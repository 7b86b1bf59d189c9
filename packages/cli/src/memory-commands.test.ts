import { describe, expect, it } from 'vitest';
import { runCli } from './_test-fixtures.js';

interface MemoryJson {
  model: string;
  mode: string;
  bytes: Record<
    'weights' | 'kvCache' | 'activations' | 'overhead' | 'gradients' | 'optimizer' | 'total',
    number
  >;
  kvCache: { bytesPerToken: number; tokens: number; stateBytes: number };
  perGpu: {
    gpus: number;
    bytes: number;
    gpu: string | null;
    fits: boolean | null;
    headroomBytes: number | null;
  };
  assumptions: string[];
}

async function memory(args: string[]): Promise<MemoryJson> {
  const r = await runCli(['memory', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as MemoryJson;
}

describe('costwise memory', () => {
  it('--json carries the contract fields with integer bytes', async () => {
    const j = await memory(['llama-3.1-8b', '--gpu', 'h100', '--context', '8192', '--batch', '4']);
    expect(j).toMatchObject({
      model: 'llama-3.1-8b',
      mode: 'inference',
      perGpu: { gpus: 1, gpu: 'h100-sxm', fits: true },
    });
    for (const v of Object.values(j.bytes)) expect(Number.isInteger(v)).toBe(true);
    expect(j.bytes.weights).toBe(16_060_522_496);
    expect(j.bytes.kvCache).toBe(4 * 8192 * 131_072);
    expect(j.kvCache).toMatchObject({ bytesPerToken: 131_072, tokens: 8192 });
    expect(j.bytes.total).toBe(j.bytes.weights + j.bytes.kvCache + j.bytes.activations + j.bytes.overhead);
    expect(j.assumptions.length).toBeGreaterThan(0);
  });

  it('without --gpu the fit fields are null', async () => {
    const j = await memory(['qwen2.5-7b']);
    expect(j.perGpu).toMatchObject({ gpu: null, fits: null, headroomBytes: null });
  });

  it('--params alone describes weights: 7B in NF4 is 7e9 × 4.127 bits', async () => {
    const j = await memory(['--params', '7e9', '--precision', 'nf4']);
    expect(j.bytes.weights).toBe(Math.ceil((7e9 * (4 + 8 / 64 + 32 / (64 * 256))) / 8));
    expect(j.bytes.kvCache).toBe(0);
  });

  it("the lecture's 175B hands-on: --params with --layers/--hidden/--heads gives the 77.3 GB KV cache", async () => {
    const j = await memory([
      '--params',
      '175e9',
      '--layers',
      '96',
      '--hidden',
      '12288',
      '--heads',
      '96',
      '--context',
      '4096',
      '--batch',
      '4',
      '--precision',
      'fp16',
      '--engine',
      'hf',
    ]);
    expect(j.bytes.weights).toBe(350e9);
    expect(j.bytes.kvCache).toBe(2 * 96 * 96 * 128 * 4096 * 4 * 2);
  });

  it('a recurrent state counts in kvCache, with stateBytes beside it (Mamba-2.8B: 12,451,840 B per sequence in vLLM)', async () => {
    const j = await memory(['mamba-2.8b', '--batch', '2']);
    expect(j.kvCache.stateBytes).toBe(2 * 12_451_840);
    expect(j.bytes.kvCache).toBe(2 * 12_451_840);
  });

  it('QLoRA: NF4 base, trainable adapters, optimizer states', async () => {
    const j = await memory([
      'llama-3.1-8b',
      '--mode',
      'qlora',
      '--lora-rank',
      '16',
      '--context',
      '2048',
      '--grad-checkpointing',
    ]);
    expect(j.mode).toBe('qlora');
    expect(j.bytes.optimizer).toBeGreaterThan(0);
    expect(j.bytes.gradients).toBeGreaterThan(0);
    expect(j.bytes.kvCache).toBe(0);
  });

  it('prints a readable plan with the paged vs contiguous comparison', async () => {
    const r = await runCli([
      'memory',
      'llama-3.1-8b',
      '--context',
      '8192',
      '--avg-context',
      '1000',
      '--batch',
      '8',
      '--gpu',
      'l40s',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PagedAttention saves/);
    expect(r.stdout).toMatch(/On l40s/);
  });

  it.each([
    [['llama-3.1-8b', '--tp', '0'], /--tp: "0" is not a positive integer/],
    [['llama-3.1-8b', '--precision', 'int3'], /--precision: unknown precision "int3"/],
    [['llama-3.1-8b', '--engine', 'turbo'], /--engine: "turbo" is not one of/],
    [['llama-3.1-8b', '--gpu', 'h900'], /--gpu: unknown GPU "h900"/],
    [['llama-3.1-8b', '--mode', 'pretrain'], /--mode: "pretrain" is not one of/],
    [['llama-3.1-8b', '--kv-dtype', 'int3'], /--kv-dtype: "int3" is not one of/],
    [
      ['llama-3.1-8b', '--mode', 'train-full', '--precision', 'int4'],
      /--precision: full fine-tuning trains 16- or 32-bit weights/,
    ],
    [['llama-3.1-8b', '--pp', '64'], /--pp: 64 stages for 32 layers/],
    [[], /<model>: give a model/],
  ])('bad input exits 2 naming the flag: %j', async (args, message) => {
    const r = await runCli(['memory', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('costwise fit', () => {
  it('--json lists options, cheapest first, with the contract fields', async () => {
    const r = await runCli([
      'fit',
      'llama-3.1-70b',
      '--precision',
      'bf16,int4',
      '--context',
      '8192',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      options: Record<string, unknown>[];
      cheapest: Record<string, unknown> | null;
    };
    expect(j.options.length).toBeGreaterThan(10);
    for (const key of [
      'gpu',
      'gpus',
      'tp',
      'pp',
      'precision',
      'fits',
      'maxBatchAtContext',
      'maxContextAtBatch',
      'perGpuBytes',
      'headroomBytes',
      'kvCapacityTokens',
      'hourlyUsd',
    ]) {
      expect(j.options[0]).toHaveProperty(key);
    }
    expect(j.cheapest?.['fits']).toBe(true);
    expect(j.options[0]).toEqual(j.cheapest);
  });

  it('one GPU: Llama-3.1-8B in bf16 fits one H100 with room for a large batch', async () => {
    const r = await runCli(['fit', 'llama-3.1-8b', '--gpu', 'h100', '--precision', 'bf16', '--json']);
    const j = JSON.parse(r.stdout) as {
      options: { gpus: number; fits: boolean; maxBatchAtContext: number }[];
    };
    expect(j.options).toHaveLength(1);
    expect(j.options[0]).toMatchObject({ gpus: 1, fits: true });
    expect(j.options[0]?.maxBatchAtContext).toBeGreaterThan(50);
  });

  it('prints a table with the cheapest option', async () => {
    const r = await runCli(['fit', 'mixtral-8x7b', '--precision', 'int4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cheapest that fits: /);
  });
});

describe('costwise lecture', () => {
  it("prints each worked example with the slide's figure and the true one", async () => {
    const r = await runCli(['lecture', '--json']);
    const rows = JSON.parse(r.stdout) as { id: string; slideValue: number; truth: number }[];
    const kv = rows.find((x) => x.id === 'kv-8b-2k');
    expect(kv).toMatchObject({ slideValue: 1e9, truth: 256 * 1024 ** 2 });
    const text = await runCli(['lecture']);
    expect(text.stdout).toMatch(/KV ≈ 96 GB\s+96\.00 GB\s+77\.31 GB\s+77\.31 GB/);
  });
});
