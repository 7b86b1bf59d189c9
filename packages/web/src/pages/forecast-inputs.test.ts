import { readFileSync } from 'node:fs';
import { forecast, parseWorkload, type OptionForecast } from '@costwise/core';
import { describe, expect, it } from 'vitest';
import {
  computeForecast,
  FORECAST_DEFAULTS,
  forecastForm,
  waterfallBars,
  waterfallRows,
  workloadFromForm,
} from './forecast-inputs.js';

const RAG_YAML = readFileSync(new URL('../../../../examples/rag.yaml', import.meta.url), 'utf8');

describe('the forecast form', () => {
  it('describes the workload a file with the same fields would (examples/rag.yaml, mean output)', () => {
    const fromForm = parseWorkload(workloadFromForm(forecastForm({ output: '500' })));
    const fromFile = parseWorkload({
      traffic: { requestsPerDay: 7200, arrival: 'poisson' },
      prompt: { staticPrefixTokens: 8000, historyTokensPerTurn: 0, dynamicTokens: { mean: 8000 } },
      output: { tokens: { mean: 500 } },
      options: [{ name: 'anthropic:claude-3-5-sonnet', api: 'anthropic:claude-3-5-sonnet' }],
      levers: {
        caching: { ttl: 'auto' },
        routing: { to: 'groq:gemma2-9b-it', share: 0.6 },
        maxTokens: 600,
        contextKept: 0.25,
      },
    });
    expect(fromForm).toEqual(fromFile);
    expect(computeForecast({}).forecast).toEqual(forecast(fromFile));
  });

  it('switches levers off and adds conversations and the batch share', () => {
    const w = parseWorkload(
      workloadFromForm(
        forecastForm({
          caching: 'off',
          routing: '0',
          cap: '0',
          context: '0',
          batch: '1',
          turns: '3',
          gap: '20',
        }),
      ),
    );
    expect(w.levers).toEqual({ batchShare: Number(FORECAST_DEFAULTS.batchShare) });
    expect(w.traffic.conversations).toEqual({ turnsPerConversation: 3, secondsBetweenTurns: 20 });
  });

  it.each([
    [{ perDay: '-5' }, 'workload.traffic.requestsPerDay: Too small'],
    [{ perDay: 'lots' }, 'workload.traffic.requestsPerDay:'],
    [{ routeShare: '1.5' }, 'workload.levers.routing.share: Too big'],
    [{ api: 'gpt-4o' }, 'workload.options.0.api: provider:model'],
    [{ prefix: '2.5' }, 'workload.prompt.staticPrefixTokens:'],
  ])('a bad field %j is an error naming its schema path', (params, message) => {
    expect(() => computeForecast(params)).toThrow(message);
  });
});

describe('a pasted workload', () => {
  it('prices examples/rag.yaml as docs/workload.md says: $12,219 a month, $1,589 after the levers', () => {
    const r = computeForecast({ workload: RAG_YAML, perDay: 'ignored' });
    expect(r.source).toBe('pasted');
    const o = r.forecast.options[0];
    expect(Math.round(o?.baselineUsd ?? 0)).toBe(12_219);
    expect(Math.round(o?.finalUsd ?? 0)).toBe(1_589);
  });

  it('reads JSON too, and names the path of a schema error', () => {
    const raw = JSON.stringify({ traffic: { requestsPerDay: 1 }, prompt: {}, output: {}, options: [] });
    expect(() => computeForecast({ workload: raw })).toThrow('workload.prompt.dynamicTokens');
  });

  it('says when the text is not YAML', () => {
    expect(() => computeForecast({ workload: 'traffic: [1, 2' })).toThrow(
      /^workload: is not valid YAML or JSON/,
    );
  });
});

describe('the waterfall', () => {
  const option = (steps: [OptionForecast['steps'][number]['lever'], number][]): OptionForecast => {
    const withSaved = steps.map(([lever, usd], i) => ({
      lever,
      usd,
      savedUsd: i === 0 ? 0 : (steps[i - 1]?.[1] ?? 0) - usd,
      assumption: '',
    }));
    return {
      option: 'o',
      api: 'p:m',
      baselineUsd: steps[0]?.[1] ?? 0,
      steps: withSaved,
      finalUsd: steps.at(-1)?.[1] ?? 0,
    };
  };

  it('each saving falls from the running total to the next; the ends stand on zero', () => {
    const bars = waterfallBars(
      option([
        ['baseline', 1000],
        ['caching', 600],
        ['routing', 250],
      ]),
    );
    expect(bars.labels).toEqual(['baseline', 'caching', 'routing', 'final']);
    expect(bars.base).toEqual([0, 600, 250, 0]);
    expect(bars.total).toEqual([1000, '-', '-', 250]);
    expect(bars.fall).toEqual(['-', 400, 350, '-']);
    expect(bars.rise).toEqual(['-', '-', '-', '-']);
  });

  it('a lever that costs more rises from the previous total', () => {
    const bars = waterfallBars(
      option([
        ['baseline', 100],
        ['caching', 120],
      ]),
    );
    expect(bars.base).toEqual([0, 100, 0]);
    expect(bars.rise).toEqual(['-', 20, '-']);
  });

  it('the shares of the saving add up to 1, as in the CLI', () => {
    const o = computeForecast({}).forecast.options[0];
    if (o === undefined) throw new Error('no option');
    const rows = waterfallRows(o);
    expect(rows.reduce((s, r) => s + (r.shareOfSaving ?? 0), 0)).toBeCloseTo(1, 12);
    expect(rows.reduce((s, r) => s + (r.shareOfBaseline ?? 0), 0)).toBeCloseTo(
      1 - o.finalUsd / o.baselineUsd,
      12,
    );
  });
});
