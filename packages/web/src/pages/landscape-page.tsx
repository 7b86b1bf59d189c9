import {
  landscape,
  MODEL_FAMILIES,
  moeCostReduction,
  type ComplexityPoint,
  type LandscapeRow,
} from '@costwise/core';
import { memo, useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { ErrorNote, Num, NumberInput, Select } from '../controls.js';
import { EChart } from '../echart.js';
import { formatBytes, formatCount, formatTokens } from '../format.js';
import { MODEL_IDS, MODEL_OPTIONS } from '../model-choice.js';
import { choiceParam, intParam, type Route } from '../url-state.js';
import {
  crossoverTokens,
  MIN_SEQUENCE_TOKENS,
  modelComplexity,
  moeRows,
  sequenceLengths,
  type ModelComplexity,
} from './landscape-complexity.js';

const COLUMNS = [
  { key: 'id', label: 'model', unit: '' },
  { key: 'family', label: 'family', unit: '' },
  { key: 'paramsTotal', label: 'params', unit: 'parameters' },
  { key: 'paramsActive', label: 'active per token', unit: 'parameters' },
  { key: 'kvBytesPerToken16Bit', label: 'KV per token', unit: 'bytes, 16-bit' },
  { key: 'contextTokens', label: 'context', unit: 'tokens' },
  { key: 'license', label: 'license', unit: '' },
] as const satisfies readonly { key: keyof LandscapeRow; label: string; unit: string }[];
type SortKey = (typeof COLUMNS)[number]['key'];
const SORT_KEYS = COLUMNS.map((c) => c.key);
const ROWS = landscape();
const MAX_COMPARED = 4;

const MOE_ROWS = moeRows();
const DEFAULT_ATTENTION_MODEL = 'llama-3.1-8b';
const DEFAULT_SSM_MODEL = 'falcon-mamba-7b';
const DEFAULT_CONTEXT_TOKENS = 131_072;
const MAX_CONTEXT_TOKENS = 10_000_000;

/** The share of parameters an MoE (or hybrid) model leaves idle per token: core's 1 − active / total. */
function moeSaving(r: LandscapeRow): number | null {
  if ((r.family !== 'moe' && r.family !== 'hybrid') || r.paramsTotal === null || r.paramsActive === null)
    return null;
  return moeCostReduction(r.paramsActive, r.paramsTotal);
}

const percent = (share: number): string => `${(100 * share).toFixed(1)} %`;

/** FLOPs with an SI prefix (TFLOP = 10¹² floating-point operations). */
function formatFlops(flops: number): string {
  const units = [
    [1e18, 'EFLOP'],
    [1e15, 'PFLOP'],
    [1e12, 'TFLOP'],
    [1e9, 'GFLOP'],
  ] as const;
  for (const [scale, unit] of units)
    if (flops >= scale)
      return `${(flops / scale).toLocaleString('en-US', { maximumFractionDigits: 2 })} ${unit}`;
  return `${flops.toLocaleString('en-US')} FLOP`;
}

/** Attention (n² FLOPs, KV ∝ n) against state-space (FLOPs ∝ n, constant state) for two catalog models. */
function ComplexityView(props: {
  readonly params: Route['params'];
  readonly setParams: (p: Readonly<Record<string, string>>) => void;
}): ReactNode {
  const { params, setParams } = props;
  const a = choiceParam(params, 'a', MODEL_IDS, DEFAULT_ATTENTION_MODEL);
  const b = choiceParam(params, 'b', MODEL_IDS, DEFAULT_SSM_MODEL);
  const context = intParam(params, 'context', DEFAULT_CONTEXT_TOKENS, MAX_CONTEXT_TOKENS);
  // The figures at the chosen context come first; the curves (a dozen lengths per model) are deferred.
  const result = useMemo(() => {
    try {
      return {
        ok: true as const,
        a: modelComplexity(a, [context]),
        b: modelComplexity(b, [context]),
        crossover: crossoverTokens(a, b, context),
      };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [a, b, context]);
  const curveA = useDeferredValue(a);
  const curveB = useDeferredValue(b);
  const curveContext = useDeferredValue(context);
  const charts = useMemo(() => {
    let ca: ModelComplexity;
    let cb: ModelComplexity;
    try {
      const lengths = sequenceLengths(curveContext);
      ca = modelComplexity(curveA, lengths);
      cb = modelComplexity(curveB, lengths);
    } catch {
      return null;
    }
    // Powers of ten as 1e18, so that the axis labels stay narrow on a phone.
    const exponent = { formatter: (v: number) => v.toExponential(0).replace('e+', 'e') };
    const yAxis = (name: string) => ({
      type: 'log',
      name,
      nameTextStyle: { align: 'left' },
      axisLabel: exponent,
    });
    const base = {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 28, bottom: 56, containLabel: true },
      xAxis: {
        type: 'log',
        logBase: 2,
        min: Math.min(MIN_SEQUENCE_TOKENS, curveContext),
        name: 'sequence length (tokens)',
        nameLocation: 'middle',
        nameGap: 28,
      },
    };
    const series = (pick: (p: ComplexityPoint) => number) =>
      [ca, cb].map((m) => ({
        name: m.id,
        type: 'line',
        showSymbol: false,
        data: m.curve.map((p) => [p.sequenceTokens, pick(p)]),
      }));
    return {
      flops: {
        ...base,
        yAxis: yAxis('prefill FLOPs per sequence'),
        series: series((p) => p.flops),
      },
      cache: {
        ...base,
        yAxis: yAxis('KV cache + state per sequence (bytes, 16-bit)'),
        series: series((p) => p.cacheBytes16Bit),
      },
    };
  }, [curveA, curveB, curveContext]);
  const set = (key: string) => (value: string) => {
    setParams({ [key]: value });
  };
  return (
    <section aria-labelledby="complexity-title" data-testid="complexity-chart">
      <h2 id="complexity-title">How cost grows with sequence length: attention vs SSM</h2>
      <p className="note">
        Full attention scores every pair of tokens, so prefill FLOPs grow with n² and the KV cache with n; a
        state-space (Mamba) layer keeps a constant state and costs the same per token at any length.
      </p>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Select label="Attention model" name="a" value={a} options={MODEL_OPTIONS} onChange={set('a')} />
        <Select label="State-space model" name="b" value={b} options={MODEL_OPTIONS} onChange={set('b')} />
        <NumberInput label="Context" name="context" unit="tokens" value={context} onChange={set('context')} />
      </form>
      {result.ok ? (
        <>
          <dl className="figures">
            <dt>Prefill at {formatTokens(context)}</dt>
            <dd>
              {result.a.id}:{' '}
              <Num
                testId="complexity-a-flops"
                value={result.a.atContext.flops}
                text={formatFlops(result.a.atContext.flops)}
              />
              ; {result.b.id}:{' '}
              <Num
                testId="complexity-b-flops"
                value={result.b.atContext.flops}
                text={formatFlops(result.b.atContext.flops)}
              />
            </dd>
            <dt>Cache per sequence</dt>
            <dd>
              {result.a.id}:{' '}
              <Num
                testId="complexity-a-cache-bytes"
                value={result.a.atContext.cacheBytes16Bit}
                text={formatBytes(result.a.atContext.cacheBytes16Bit)}
              />
              ; {result.b.id}:{' '}
              <Num
                testId="complexity-b-cache-bytes"
                value={result.b.atContext.cacheBytes16Bit}
                text={formatBytes(result.b.atContext.cacheBytes16Bit)}
              />{' '}
              (16-bit; SSM state {formatBytes(result.b.stateBytes16Bit)} whatever the length)
            </dd>
            <dt>Attention scores per head</dt>
            <dd>
              <Num
                testId="complexity-attention-scores"
                value={result.a.atContext.attentionScores}
                text={`${formatCount(result.a.atContext.attentionScores)} scores (n²)`}
              />
            </dd>
            <dt>{result.a.id} costs more from</dt>
            <dd>
              {result.crossover === null ? (
                <output data-testid="complexity-crossover-tokens" data-value="">
                  never up to {formatTokens(context)}
                </output>
              ) : (
                <Num
                  testId="complexity-crossover-tokens"
                  value={result.crossover}
                  text={result.crossover === 1 ? 'the first token (1 token)' : formatTokens(result.crossover)}
                />
              )}
            </dd>
          </dl>
          {charts && (
            <>
              <EChart
                option={charts.flops}
                label={`Prefill FLOPs against sequence length, ${a} and ${b}, log axes`}
              />
              <EChart
                option={charts.cache}
                label={`KV cache and state bytes against sequence length, ${a} and ${b}, log axes`}
              />
            </>
          )}
        </>
      ) : (
        <ErrorNote error={result.error} />
      )}
    </section>
  );
}

/** Mixture-of-experts models: total against active parameters, and the compute they leave idle per token. */
const MoeView = memo(function MoeView(): ReactNode {
  return (
    <section aria-labelledby="moe-title">
      <h2 id="moe-title">Mixture of experts: compute saved per token</h2>
      <p className="note">
        Each token runs through its top-k experts only, so its compute follows the active parameters while the
        memory holds them all. Saving per token = 1 − active / total.
      </p>
      <div className="scroll">
        <table data-testid="moe-view">
          <thead>
            <tr>
              <th>model</th>
              <th>family</th>
              <th>params (parameters)</th>
              <th>active per token (parameters)</th>
              <th>saving per token (share of params idle)</th>
            </tr>
          </thead>
          <tbody>
            {MOE_ROWS.map((r) => (
              <tr key={r.id} data-id={r.id}>
                <td>{r.id}</td>
                <td>{r.family}</td>
                <td data-value={r.paramsTotal}>{formatCount(r.paramsTotal)}</td>
                <td data-value={r.paramsActive}>{formatCount(r.paramsActive)}</td>
                <td data-value={r.saving}>
                  <meter min={0} max={1} value={r.saving} aria-label={`saving per token of ${r.id}`} />{' '}
                  {percent(r.saving)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
});

/** The models of the `compare` parameter (comma-separated ids), known ones only, at most four. */
function compared(param: string | undefined): LandscapeRow[] {
  const ids = (param ?? '').split(',').filter((id) => id !== '');
  return ids
    .map((id) => ROWS.find((r) => r.id === id))
    .filter((r) => r !== undefined)
    .slice(0, MAX_COMPARED);
}

function CompareTable(props: { readonly rows: readonly LandscapeRow[] }): ReactNode {
  const lines: { label: string; value: (r: LandscapeRow) => string }[] = [
    { label: 'family', value: (r) => r.family },
    { label: 'params (parameters)', value: (r) => formatCount(r.paramsTotal) },
    { label: 'active per token (parameters)', value: (r) => formatCount(r.paramsActive) },
    {
      label: 'MoE saving per token (share of params idle)',
      value: (r) => {
        const v = moeSaving(r);
        return v === null ? '—' : percent(v);
      },
    },
    { label: 'KV per token (bytes, 16-bit)', value: (r) => cell(r, 'kvBytesPerToken16Bit') },
    { label: 'context', value: (r) => formatTokens(r.contextTokens) },
    { label: 'prices', value: (r) => r.pricesRecord ?? 'self-hosted: see Performance' },
    { label: 'license', value: (r) => r.license },
  ];
  return (
    <div className="scroll">
      <table data-testid="compare-table">
        <thead>
          <tr>
            <th>compared</th>
            {props.rows.map((r) => (
              <th key={r.id}>{r.id}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.label}>
              <th scope="row">{l.label}</th>
              {props.rows.map((r) => (
                <td key={r.id}>{l.value(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function compare(a: LandscapeRow, b: LandscapeRow, key: SortKey): number {
  const x = a[key];
  const y = b[key];
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
}

function cell(r: LandscapeRow, key: SortKey): string {
  switch (key) {
    case 'paramsTotal':
    case 'paramsActive':
      return formatCount(r[key]);
    case 'kvBytesPerToken16Bit':
      if (r.family === 'closed') return '—';
      return r.kvBytesPerToken16Bit === 0 ? 'state only' : `${formatCount(r.kvBytesPerToken16Bit)}B`;
    case 'contextTokens':
      return formatTokens(r.contextTokens);
    default:
      return r[key];
  }
}

/** The landing page: core's landscape catalog, sortable and filterable by family. */
type SetParams = (p: Readonly<Record<string, string>>) => void;

/** The catalog table; memoised so that changing another section's input does not re-render its rows. */
const CatalogTable = memo(function CatalogTable(props: {
  readonly rows: readonly LandscapeRow[];
  readonly sort: SortKey;
  readonly dir: 'asc' | 'desc';
  readonly chosen: readonly LandscapeRow[];
  readonly setParams: SetParams;
}): ReactNode {
  const { rows, sort, dir, chosen, setParams } = props;
  const toggle = (id: string, on: boolean): void => {
    const ids = chosen.map((r) => r.id).filter((x) => x !== id);
    setParams({ compare: (on ? [...ids, id] : ids).join(',') });
  };
  return (
    <div className="scroll">
      <table data-testid="landscape-table">
        <thead>
          <tr>
            <th>
              compare <small>(up to {MAX_COMPARED})</small>
            </th>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                aria-sort={sort === c.key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  onClick={() => {
                    setParams({ sort: c.key, dir: sort === c.key && dir === 'desc' ? 'asc' : 'desc' });
                  }}
                >
                  {c.label}
                  {c.unit !== '' && <small> ({c.unit})</small>}
                  {sort === c.key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-id={r.id} data-family={r.family}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`compare ${r.id}`}
                  checked={chosen.some((x) => x.id === r.id)}
                  disabled={chosen.length >= MAX_COMPARED && !chosen.some((x) => x.id === r.id)}
                  onChange={(e) => {
                    toggle(r.id, e.target.checked);
                  }}
                />
              </td>
              {COLUMNS.map((c) => (
                <td key={c.key} data-value={r[c.key] ?? ''}>
                  {c.key === 'id' && r.family !== 'closed' ? (
                    <a href={`#/memory?model=${encodeURIComponent(r.id)}`}>{r.id}</a>
                  ) : (
                    cell(r, c.key)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

/** A setter that keeps one identity across renders (so memoised sections skip unrelated changes). */
function useStableSetParams(setParams: SetParams): SetParams {
  const latest = useRef(setParams);
  useLayoutEffect(() => {
    latest.current = setParams;
  });
  return useCallback((p: Readonly<Record<string, string>>) => {
    latest.current(p);
  }, []);
}

/** The landing page: how cost scales (attention vs SSM, MoE), and core's landscape catalog, sortable. */
export function LandscapePage(props: { readonly route: Route; readonly setParams: SetParams }): ReactNode {
  const { route } = props;
  const setParams = useStableSetParams(props.setParams);
  const family = choiceParam(route.params, 'family', ['all', ...MODEL_FAMILIES], 'all');
  const sort = choiceParam(route.params, 'sort', SORT_KEYS, 'paramsTotal');
  const dir = choiceParam(route.params, 'dir', ['asc', 'desc'], 'desc');
  const chosen = useMemo(() => compared(route.params.compare), [route.params.compare]);
  const rows = useMemo(() => {
    const shown = family === 'all' ? [...ROWS] : ROWS.filter((r) => r.family === family);
    const sign = dir === 'asc' ? 1 : -1;
    return shown.sort((a, b) => {
      if (a[sort] === null || b[sort] === null) return compare(a, b, sort);
      return sign * compare(a, b, sort);
    });
  }, [family, sort, dir]);
  return (
    <section>
      <h1>Model landscape</h1>
      <p>
        Every model of the catalog with exact parameter counts from its config.json, computed in your browser
        by @costwise/core.
      </p>
      <ComplexityView params={route.params} setParams={setParams} />
      <MoeView />
      <h2>Catalog</h2>
      <form className="inputs">
        <Select
          label="Family"
          name="family"
          value={family}
          options={['all', ...MODEL_FAMILIES]}
          onChange={(v) => {
            setParams({ family: v });
          }}
        />
      </form>
      {chosen.length > 0 && <CompareTable rows={chosen} />}
      <CatalogTable rows={rows} sort={sort} dir={dir} chosen={chosen} setParams={setParams} />
      <p className="note">{rows.length} models.</p>
    </section>
  );
}
