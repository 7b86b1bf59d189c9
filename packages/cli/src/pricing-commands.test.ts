import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './_test-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-cost-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface CostJson {
  totalUsd: number;
  inputUsd: number;
  outputUsd: number;
  cacheReadUsd: number;
  cacheWriteUsd: number;
  lines: { unit: string; tokens: number; usdPerMTok: number; usd: number }[];
  priceSource: string;
  warnings: string[];
}

describe('costwise cost', () => {
  it('--json carries the contract fields; inputUsd is the whole input side', async () => {
    const r = await runCli([
      'cost',
      'anthropic:claude-haiku-4-5',
      '--usage',
      '{"inputTokens":3000,"cacheReadTokens":1000,"cacheWrite5mTokens":1000,"outputTokens":200}',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as CostJson;
    // Haiku 4.5: $1 in, $0.10 read, $1.25 5m write, $5 out (provider-billing.md §4.1)
    expect(j.cacheReadUsd).toBeCloseTo(0.0001, 12);
    expect(j.cacheWriteUsd).toBeCloseTo(0.00125, 12);
    expect(j.inputUsd).toBeCloseTo(0.001 + 0.0001 + 0.00125, 12);
    expect(j.outputUsd).toBeCloseTo(0.001, 12);
    expect(j.totalUsd).toBeCloseTo(0.00335, 12);
    expect(j.lines.map((l) => l.unit)).toEqual(['input', 'cacheRead', 'cacheWrite5m', 'output']);
    expect(j.priceSource).toMatch(/genai-prices anthropic\/claude-haiku-4-5/);
  });

  it('--raw reads a recorded Anthropic stream (SSE data lines)', async () => {
    const path = join(dir, 'stream.sse');
    await writeFile(
      path,
      [
        'event: message_start',
        'data: {"type":"message_start","message":{"usage":{"input_tokens":25,"cache_read_input_tokens":1000,"cache_creation_input_tokens":0,"output_tokens":1}}}',
        'event: message_delta',
        'data: {"type":"message_delta","usage":{"output_tokens":15}}',
      ].join('\n'),
    );
    const j = JSON.parse(
      (await runCli(['cost', 'anthropic:claude-sonnet-4-5', '--raw', path, '--json'])).stdout,
    ) as CostJson;
    expect(j.totalUsd).toBeCloseTo((25 * 3 + 1000 * 0.3 + 15 * 15) / 1e6, 12);
  });

  it('--prices prices an unlisted self-hosted model; --batch applies the discount', async () => {
    const self = JSON.parse(
      (
        await runCli([
          'cost',
          'self:my-llama',
          '--usage',
          '{"inputTokens":1000000,"outputTokens":1000000}',
          '--prices',
          '{"inputMtok":0.1,"outputMtok":0.3}',
          '--json',
        ])
      ).stdout,
    ) as CostJson;
    expect(self.totalUsd).toBeCloseTo(0.4, 12);
    const batch = JSON.parse(
      (
        await runCli([
          'cost',
          'openai:gpt-4o',
          '--usage',
          '{"inputTokens":1000000,"outputTokens":1000000}',
          '--batch',
          '--json',
        ])
      ).stdout,
    ) as CostJson;
    expect(batch.totalUsd).toBeCloseTo((2.5 + 10) / 2, 12);
  });

  it.each([
    [['cost', 'gpt-4o', '--usage', '{"inputTokens":1}'], /<provider:model>: "gpt-4o" must be provider:model/],
    [['cost', 'openai:gpt-4o'], /--usage: give exactly one of/],
    [
      ['cost', 'openai:gpt-4o', '--usage', '{"inputTokens":10,"cacheReadTokens":20}'],
      /--usage\.inputTokens: 10 is less than the cache reads/,
    ],
    [['cost', 'openai:gpt-4o', '--usage', '{oops'], /--usage: is not valid JSON/],
    [
      ['cost', 'openai:gpt-4o', '--usage', '{"inputTokens":1}', '--at', 'yesterday'],
      /--at: "yesterday" is not a date/,
    ],
    [['cost', 'openai:gpt-4o', '--usage', '{"inputTokens":1}', '--prices', '{"inMtok":1}'], /--prices/],
    [
      ['cost', 'deepseek:deepseek-chat', '--usage', '{"inputTokens":1}', '--batch'],
      /--batch: deepseek has no batch discount/,
    ],
    [['cost', 'self:unknown', '--usage', '{"inputTokens":1}'], /no price for self:unknown/],
    [
      ['breakeven', '--api-usd-per-mtok', '3', '--self-host-usd-per-mtok', '1', '--amortize-months', '0'],
      /--amortize-months: must be a positive number of months/,
    ],
  ])('bad input exits 2: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('costwise breakeven', () => {
  it("the lecture's figures: 5B tokens a month", async () => {
    const r = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '3',
      '--self-host-usd-per-mtok',
      '1',
      '--ops-usd-per-month',
      '10000',
      '--json',
    ]);
    const j = JSON.parse(r.stdout) as {
      breakEvenTokensPerMonth: number;
      apiUsdPerMTok: number;
      selfHostFixedUsdPerMonth: number;
      curve: unknown[];
    };
    expect(j.breakEvenTokensPerMonth).toBe(5e9);
    expect(j.curve.length).toBeGreaterThan(2);
  });

  it('upfront hardware amortized over months moves the break-even up', async () => {
    const r = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '3',
      '--self-host-usd-per-mtok',
      '1',
      '--ops-usd-per-month',
      '10000',
      '--upfront-usd',
      '360000',
      '--amortize-months',
      '36',
      '--json',
    ]);
    expect((JSON.parse(r.stdout) as { breakEvenTokensPerMonth: number }).breakEvenTokensPerMonth).toBe(10e9);
  });

  it('a model price is blended over the output share', async () => {
    const r = await runCli([
      'breakeven',
      '--api',
      'openai:gpt-4o',
      '--output-share',
      '0.25',
      '--self-host-usd-per-mtok',
      '0.5',
      '--json',
    ]);
    expect((JSON.parse(r.stdout) as { apiUsdPerMTok: number }).apiUsdPerMTok).toBeCloseTo(
      2.5 * 0.75 + 10 * 0.25,
      12,
    );
  });

  it('derives the self-hosted cost from the performance model at the largest batch', async () => {
    const common = ['--gpu', 'h100-sxm', '--gpus', '2', '--gpu-hourly-usd', '3', '--utilization', '0.6'];
    const perf = await runCli([
      'perf',
      'llama-3.1-70b',
      ...common,
      '--batch',
      'max',
      '--input',
      '768',
      '--output',
      '256',
      '--json',
    ]);
    const p = JSON.parse(perf.stdout) as {
      usdPerMillionInputTokens: number;
      usdPerMillionOutputTokens: number;
    };
    const r = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '5',
      '--model',
      'llama-3.1-70b',
      ...common,
      '--ops-usd-per-month',
      '1000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      selfHostUsdPerMTok: number;
      breakEvenTokensPerMonth: number;
      assumptions: string[];
    };
    // blended over the request: 768 input and 256 output tokens
    expect(j.selfHostUsdPerMTok).toBeCloseTo(
      (p.usdPerMillionInputTokens * 768 + p.usdPerMillionOutputTokens * 256) / 1024,
      12,
    );
    // one replica (2 GPUs at $3/h) runs all month by default: the GPU bill is never below
    // 2 × 3 × 720 = $4,320, so the API must first reach F + M = $5,320 (at $5/M: 1.064B tokens)
    expect(j.breakEvenTokensPerMonth).toBeCloseTo(((1000 + 4320) / 5) * 1e6, 3);
    expect(j.assumptions.join(' ')).toMatch(/from costwise perf/);
    expect(j.assumptions.join(' ')).toMatch(/never below \$4320/);
    // --min-replicas 0: GPUs scale to zero (the lecture's model), T* = F / (p_api − p_self)
    const elastic = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '5',
      '--model',
      'llama-3.1-70b',
      ...common,
      '--ops-usd-per-month',
      '1000',
      '--min-replicas',
      '0',
      '--json',
    ]);
    const e = JSON.parse(elastic.stdout) as { breakEvenTokensPerMonth: number };
    expect(e.breakEvenTokensPerMonth).toBeCloseTo((1000 / (5 - j.selfHostUsdPerMTok)) * 1e6, 3);
    const fractional = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '5',
      '--model',
      'llama-3.1-70b',
      ...common,
      '--min-replicas',
      '1.5',
    ]);
    expect(fractional.code).toBe(2);
    expect(fractional.stderr).toMatch(/--min-replicas/);
    const both = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '5',
      '--model',
      'llama-3.1-70b',
      '--self-host-usd-per-mtok',
      '1',
    ]);
    expect(both.code).toBe(2);
    const tooBig = await runCli([
      'breakeven',
      '--api-usd-per-mtok',
      '5',
      '--model',
      'llama-3.1-70b',
      '--gpu',
      'l4',
    ]);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(/does not fit/);
  });

  it('missing the self-hosted cost exits 2 naming the flag', async () => {
    const r = await runCli(['breakeven', '--api-usd-per-mtok', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--self-host-usd-per-mtok/);
  });
});

describe('costwise forecast', () => {
  it('prices a self-hosted option: the larger of its GPU time and its always-on replicas', async () => {
    const r = await runCli(['forecast', 'examples/self-host.yaml', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { options: { api: string; baselineUsd: number }[] };
    expect(j.options[1]?.api).toBe('self:llama-3.1-70b');
    // one replica of 4 H100 at $3.78/GPU-hour for 720 hours
    expect(j.options[1]?.baselineUsd).toBeCloseTo(4 * 3.78 * 720, 6);
  });

  it('prices the example workload as a waterfall', async () => {
    const r = await runCli(['forecast', 'examples/rag.yaml', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      period: { requests: number };
      options: {
        baselineUsd: number;
        finalUsd: number;
        steps: { lever: string; usd: number; savedUsd: number; assumption: string }[];
      }[];
    };
    expect(j.period.requests).toBe(216_000);
    const o = j.options[0];
    expect(o?.steps.map((s) => s.lever)).toEqual(['baseline', 'caching', 'routing', 'maxTokens', 'context']);
    expect(o?.finalUsd).toBe(o?.steps.at(-1)?.usd);
  });

  it('the published JSON Schema is the one the zod schema generates', async () => {
    const { readFile } = await import('node:fs/promises');
    const r = await runCli(['forecast', '--schema']);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(await readFile('docs/workload.schema.json', 'utf8')));
  });

  it.each([
    [['forecast', join('nowhere.yaml')], /nowhere\.yaml: file not found/],
    [['forecast'], /<workload\.yaml>: give a workload file/],
  ])('bad input exits 2: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a malformed workload names the field', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(
      path,
      'traffic: { requestsPerDay: -5 }\nprompt: { dynamicTokens: { mean: 10 } }\noutput: { tokens: { mean: 5 } }\noptions: [{ name: x, api: openai:gpt-4o }]\n',
    );
    const r = await runCli(['forecast', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml\.traffic\.requestsPerDay/);
  });
});

describe('costwise tokens', () => {
  it('"tiktoken is great!" is 6 cl100k_base tokens (OpenAI cookbook, How to count tokens with tiktoken)', async () => {
    const r = await runCli(['tokens', '-', '--model', 'cl100k_base', '--json'], {
      stdin: 'tiktoken is great!',
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      tokens: 6,
      exact: true,
      method: 'gpt-tokenizer cl100k_base',
    });
  });

  it('maps OpenAI model ids to their encoding (gpt-4o: o200k_base)', async () => {
    const r = await runCli(['tokens', '-', '--model', 'openai:gpt-4o', '--json'], {
      stdin: 'tiktoken is great!',
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ exact: true, method: 'gpt-tokenizer o200k_base' });
  });

  it('counts exactly with a local tokenizer.json (a WordLevel tokenizer the test writes)', async () => {
    const path = join(dir, 'tokenizer.json');
    await writeFile(
      path,
      JSON.stringify({
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: { type: 'Whitespace' },
        post_processor: null,
        decoder: null,
        model: { type: 'WordLevel', vocab: { hello: 0, world: 1, '[UNK]': 2 }, unk_token: '[UNK]' },
      }),
    );
    const r = await runCli(['tokens', '-', '--tokenizer', path, '--json'], { stdin: 'hello world again' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ tokens: 3, exact: true });
  });

  it('any other model gets an estimate that says so', async () => {
    const r = await runCli(['tokens', '-', '--model', 'claude-sonnet-4-5', '--json'], { stdin: 'hello' });
    expect(JSON.parse(r.stdout)).toMatchObject({ exact: false });
    expect(r.stderr).toMatch(/estimate/);
  });

  it('a missing file exits 2', async () => {
    const r = await runCli(['tokens', 'nope.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<file>: nope\.txt: file not found/);
  });
});
