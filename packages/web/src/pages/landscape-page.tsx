import { landscape, MODEL_FAMILIES, type LandscapeRow } from '@costwise/core';
import { useMemo, type ReactNode } from 'react';
import { Select } from '../controls.js';
import { formatCount, formatTokens } from '../format.js';
import { choiceParam, type Route } from '../url-state.js';

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

/** The share of parameters an MoE (or hybrid) model leaves idle per token: 1 − active / total. */
function moeSaving(r: LandscapeRow): number | null {
  if ((r.family !== 'moe' && r.family !== 'hybrid') || r.paramsTotal === null || r.paramsActive === null)
    return null;
  return 1 - r.paramsActive / r.paramsTotal;
}

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
        return v === null ? '—' : `${(100 * v).toFixed(1)} %`;
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
export function LandscapePage(props: {
  readonly route: Route;
  readonly setParams: (p: Readonly<Record<string, string>>) => void;
}): ReactNode {
  const { route, setParams } = props;
  const family = choiceParam(route.params, 'family', ['all', ...MODEL_FAMILIES], 'all');
  const sort = choiceParam(route.params, 'sort', SORT_KEYS, 'paramsTotal');
  const dir = choiceParam(route.params, 'dir', ['asc', 'desc'], 'desc');
  const chosen = useMemo(() => compared(route.params.compare), [route.params.compare]);
  const toggle = (id: string, on: boolean): void => {
    const ids = chosen.map((r) => r.id).filter((x) => x !== id);
    setParams({ compare: (on ? [...ids, id] : ids).join(',') });
  };
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
      <p className="note">{rows.length} models.</p>
    </section>
  );
}
