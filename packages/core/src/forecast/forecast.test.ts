import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { forecast } from './forecast.js';
import { selfHostedPrices } from './self-hosted.js';
import { parseWorkload, workloadJsonSchema, type Workload } from './workload.js';

const rag = parseWorkload(
  parse(readFileSync(new URL('../../../../examples/rag.yaml', import.meta.url), 'utf8')) as unknown,
);

function simple(levers: Workload['levers'], extra: Partial<Workload> = {}): Workload {
  return parseWorkload({
    traffic: { requestsPerMonth: 1_000_000 },
    prompt: { staticPrefixTokens: 0, dynamicTokens: { mean: 1000 } },
    output: { tokens: { mean: 100 } },
    options: [{ name: 'large', api: 'openai:gpt-4-turbo' }],
    levers,
    ...extra,
  });
}

describe('forecast', () => {
  it("the lecture's RAG story: the baseline is 216,000 requests × (16K input at $3/M + 571.4 output at $15/M)", () => {
    const r = forecast(rag);
    const meanOutput = (200 + 300 + 400 + 500 + 600 + 800 + 1200) / 7;
    expect(r.options[0]?.baselineUsd).toBeCloseTo(216_000 * ((16_000 * 3 + meanOutput * 15) / 1e6), 6);
    // every lever saves something, and together they take the $12.2K bill to about $1.6K
    for (const s of r.options[0]?.steps.slice(1) ?? []) expect(s.savedUsd).toBeGreaterThan(0);
    expect(r.options[0]?.finalUsd).toBeLessThan(2000);
  });

  it('the waterfall is additive: the savings sum to baseline − final, each step the running total', () => {
    const o = forecast(rag).options[0];
    if (!o) throw new Error('no option');
    const saved = o.steps.reduce((s, x) => s + x.savedUsd, 0);
    expect(saved).toBeCloseTo(o.baselineUsd - o.finalUsd, 6);
    expect(o.steps.at(-1)?.usd).toBe(o.finalUsd);
  });

  it('prices a self-hosted option through the performance model, beside the API', () => {
    const spec = {
      model: 'llama-3.1-8b',
      gpu: 'h100-sxm',
      gpus: 1,
      precision: 'bf16',
      engine: 'vllm' as const,
      gpuHourlyUsd: 2.5,
      utilization: 0.5,
      minimumReplicas: 0,
    };
    const w = simple(
      { caching: { ttl: 'auto' }, batchShare: 0.5 },
      {
        options: [
          { name: 'api', api: 'openai:gpt-4o-mini' },
          { name: 'own', selfHosted: spec },
        ],
      },
    );
    const r = forecast(w);
    const own = r.options[1];
    const p = selfHostedPrices(spec, 1000, 100, 'x');
    expect(own?.api).toBe('self:llama-3.1-8b');
    expect(own?.baselineUsd).toBeCloseTo(1_000_000 * ((1000 * p.inputMtok + 100 * p.outputMtok) / 1e6), 6);
    // one always-on replica: 1 GPU × $2.5 × 720 h a month is the floor of the bill
    const always = forecast(
      simple({}, { options: [{ name: 'own', selfHosted: { ...spec, minimumReplicas: 1 } }] }),
    );
    expect(always.options[0]?.baselineUsd).toBeCloseTo(Math.max(own?.baselineUsd ?? 0, 2.5 * 720), 6);
    expect(always.options[0]?.baselineUsd).toBe(1800);
    // no cache or batch discount is recorded for self-hosting
    for (const step of own?.steps.slice(1) ?? []) expect(step.savedUsd).toBe(0);
    expect(r.assumptions.join(' ')).toMatch(/own: llama-3.1-8b on 1 × .*costwise perf/);
    expect(() =>
      forecast(simple({}, { options: [{ name: 'x', selfHosted: { ...spec, gpu: 'nope' } }] })),
    ).toThrow(/options\.0\.selfHosted\.gpu/);
    expect(() =>
      forecast(
        simple({}, { options: [{ name: 'x', selfHosted: { ...spec, model: 'llama-3.1-405b', gpu: 'l4' } }] }),
      ),
    ).toThrow(/does not fit/);
  });

  it('is reproducible', () => {
    expect(forecast(rag)).toEqual(forecast(rag));
  });

  it("routing 95% of requests to a small model: the bill is 0.05 × large + 0.95 × small (the slide's 70% implies the small model costs 26% of the large one)", () => {
    const r = forecast(
      simple(
        { routing: { to: 'together:microsoft/phi-2', share: 0.95 } },
        {
          options: [{ name: 'large', api: 'openai:gpt-4-turbo' }],
        },
      ),
    );
    const o = r.options[0];
    const large = 1_000_000 * ((1000 * 10 + 100 * 30) / 1e6);
    expect(o?.baselineUsd).toBeCloseTo(large, 6);
    // together microsoft/phi-2 lists $0.10 / $0.10 per million tokens
    const small = 1_000_000 * ((1000 * 0.1 + 100 * 0.1) / 1e6);
    expect(o?.finalUsd).toBeCloseTo(0.05 * large + 0.95 * small, 6);
    expect(1 - (o?.finalUsd ?? 0) / large).toBeCloseTo(0.942, 3);
    // an unpriced self-hosted id cannot be routed to without prices
    expect(() => forecast(simple({ routing: { to: 'nowhere:model', share: 0.5 } }))).toThrow(
      /no price for nowhere:model/,
    );
  });

  it('max_tokens cuts an output sample value by value', () => {
    const w = simple({ maxTokens: 150 }, { output: { tokens: { values: [100, 200] } } });
    const o = forecast(w).options[0];
    // mean output 150 → capped mean (100 + 150) / 2 = 125: saves 25 output tokens × $30/M per request
    expect(o?.steps.at(-1)?.savedUsd).toBeCloseTo(1_000_000 * ((25 * 30) / 1e6), 6);
  });

  it('rejects a malformed workload naming the field', () => {
    expect(() =>
      parseWorkload(
        { traffic: {}, prompt: { dynamicTokens: { mean: 1 } }, output: { tokens: { mean: 1 } }, options: [] },
        'w.yaml',
      ),
    ).toThrow(/w\.yaml\.(traffic|options)/);
  });

  it('publishes a JSON Schema generated from the zod schema', () => {
    const schema = workloadJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['traffic', 'prompt', 'output', 'options', 'levers']),
    );
  });
});

describe('arrival patterns', () => {
  it('business hours concentrate the traffic, so a sparse prefix hits more often', () => {
    const w = (arrival: 'poisson' | 'business-hours') =>
      parseWorkload({
        traffic: { requestsPerMonth: 3000, arrival },
        prompt: { staticPrefixTokens: 5000, dynamicTokens: { mean: 100 } },
        output: { tokens: { mean: 100 } },
        options: [{ name: 'sonnet', api: 'anthropic:claude-3-5-sonnet' }],
        levers: { caching: { ttl: '5m' } },
      });
    const spread = forecast(w('poisson')).options[0]?.finalUsd ?? 0;
    const office = forecast(w('business-hours')).options[0]?.finalUsd ?? 0;
    expect(office).toBeLessThan(spread);
  });
});
