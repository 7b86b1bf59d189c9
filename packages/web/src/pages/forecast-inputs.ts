import {
  forecast,
  invalidInput,
  parseWorkload,
  type Forecast,
  type OptionForecast,
  type Workload,
} from '@costwise/core';
import { parse as parseYaml } from 'yaml';
import type { Route } from '../url-state.js';
import { parseDecimal } from './forecast-fields.js';

/** The form's fields (URL parameters) and their defaults: examples/rag.yaml, the lecture's RAG story. */
export const FORECAST_DEFAULTS = {
  api: 'anthropic:claude-3-5-sonnet',
  perDay: '7200',
  arrival: 'poisson',
  prefix: '8000',
  dynamic: '8000',
  output: '500',
  turns: '1',
  gap: '40',
  history: '0',
  caching: 'auto',
  batch: '0',
  batchShare: '0.3',
  routing: '1',
  routeTo: 'groq:gemma2-9b-it',
  routeShare: '0.6',
  cap: '1',
  maxTokens: '600',
  context: '1',
  contextKept: '0.25',
} as const;
export type ForecastField = keyof typeof FORECAST_DEFAULTS;

export const CACHING_CHOICES = ['off', 'auto', '5m', '1h'] as const;
export const ARRIVAL_CHOICES = ['poisson', 'business-hours'] as const;

/** The form's values as typed, defaults filled in. */
export function forecastForm(params: Route['params']): Record<ForecastField, string> {
  const out = { ...FORECAST_DEFAULTS } as Record<ForecastField, string>;
  for (const k of Object.keys(FORECAST_DEFAULTS) as ForecastField[]) {
    const v = params[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * The workload the form describes, as the raw object a workload file would hold: numbers parsed as
 * typed (a bad one is NaN), every check left to the schema so that errors name the schema's path.
 */
export function workloadFromForm(f: Readonly<Record<ForecastField, string>>): unknown {
  const turns = parseDecimal(f.turns);
  const levers: Record<string, unknown> = {};
  if (f.caching !== 'off') levers.caching = { ttl: f.caching };
  if (f.batch === '1') levers.batchShare = parseDecimal(f.batchShare);
  if (f.routing === '1') levers.routing = { to: f.routeTo.trim(), share: parseDecimal(f.routeShare) };
  if (f.cap === '1') levers.maxTokens = parseDecimal(f.maxTokens);
  if (f.context === '1') levers.contextKept = parseDecimal(f.contextKept);
  return {
    traffic: {
      requestsPerDay: parseDecimal(f.perDay),
      arrival: f.arrival,
      ...(turns === 1
        ? {}
        : {
            conversations: { turnsPerConversation: turns, secondsBetweenTurns: parseDecimal(f.gap) },
          }),
    },
    prompt: {
      staticPrefixTokens: parseDecimal(f.prefix),
      historyTokensPerTurn: parseDecimal(f.history),
      dynamicTokens: { mean: parseDecimal(f.dynamic) },
    },
    output: { tokens: { mean: parseDecimal(f.output) } },
    options: [{ name: f.api.trim(), api: f.api.trim() }],
    levers,
  };
}

/** A pasted workload file: YAML, which also reads JSON. */
export function workloadFromText(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    const first = (error as Error).message.split('\n')[0] ?? '';
    throw invalidInput('workload', `is not valid YAML or JSON (${first}); paste the whole workload file`);
  }
}

export interface ComputedForecast {
  readonly source: 'form' | 'pasted';
  readonly workload: Workload;
  readonly forecast: Forecast;
}

/** `costwise forecast <workload>` in the browser: parseWorkload (errors name the field path), then forecast. */
export function computeForecast(params: Route['params']): ComputedForecast {
  const pasted = params.workload?.trim() ?? '';
  const source = pasted === '' ? 'form' : 'pasted';
  const raw = source === 'form' ? workloadFromForm(forecastForm(params)) : workloadFromText(pasted);
  const workload = parseWorkload(raw, 'workload');
  return { source, workload, forecast: forecast(workload) };
}

export interface WaterfallRow {
  readonly label: string;
  /** Monthly USD after this step (the running total); for a lever, what it saved (negative: it cost more). */
  readonly usd: number;
  readonly savedUsd: number;
  /** Saving as a share of the baseline, and of the whole saving (baseline − final); null where undefined. */
  readonly shareOfBaseline: number | null;
  readonly shareOfSaving: number | null;
  readonly assumption: string;
}

/** The steps of one option as table rows, with the CLI's "share of saving" (renderForecast). */
export function waterfallRows(o: OptionForecast): WaterfallRow[] {
  const total = o.baselineUsd - o.finalUsd;
  return o.steps.map((s) => ({
    label: s.lever,
    usd: s.usd,
    savedUsd: s.savedUsd,
    shareOfBaseline: s.lever === 'baseline' || o.baselineUsd === 0 ? null : s.savedUsd / o.baselineUsd,
    shareOfSaving: s.lever === 'baseline' || total === 0 ? null : s.savedUsd / total,
    assumption: s.assumption,
  }));
}

export interface WaterfallBars {
  readonly labels: readonly string[];
  /** Invisible part under each bar. */
  readonly base: readonly number[];
  /** The start and final totals. */
  readonly total: readonly (number | '-')[];
  /** A lever's saving: a bar falling from the previous total to the new one. */
  readonly fall: readonly (number | '-')[];
  /** A lever that costs more (cache writes never read): a bar rising. */
  readonly rise: readonly (number | '-')[];
}

/** The waterfall as stacked bars: baseline, each lever's saving falling from the running total, final. */
export function waterfallBars(o: OptionForecast): WaterfallBars {
  const labels: string[] = [];
  const base: number[] = [];
  const total: (number | '-')[] = [];
  const fall: (number | '-')[] = [];
  const rise: (number | '-')[] = [];
  let prev = o.baselineUsd;
  for (const s of o.steps) {
    labels.push(s.lever);
    if (s.lever === 'baseline') {
      base.push(0);
      total.push(s.usd);
      fall.push('-');
      rise.push('-');
    } else {
      base.push(Math.min(prev, s.usd));
      total.push('-');
      fall.push(s.savedUsd >= 0 ? s.savedUsd : '-');
      rise.push(s.savedUsd < 0 ? -s.savedUsd : '-');
    }
    prev = s.usd;
  }
  labels.push('final');
  base.push(0);
  total.push(o.finalUsd);
  fall.push('-');
  rise.push('-');
  return { labels, base, total, fall, rise };
}
