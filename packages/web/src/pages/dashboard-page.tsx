import { useEffect, useId, useState, type ReactNode } from 'react';
import { ErrorNote, Num } from '../controls.js';
import { formatMs, formatUsd } from '../format.js';
import {
  parseAdmin,
  RecentRequestsSchema,
  UsageReportSchema,
  type RecentRequestsJson,
  type UsageReportJson,
} from './dashboard-data.js';

const REFRESH_MS = 3_000;
const KEY_STORAGE = 'costwise.adminKey';

interface Snapshot {
  readonly byModel: UsageReportJson;
  readonly byDay: UsageReportJson;
  readonly recent: RecentRequestsJson;
}

async function getJson<T>(
  path: string,
  adminKey: string,
  schema: Parameters<typeof parseAdmin<T>>[1],
): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${adminKey}` } });
  const body: unknown = await res.json().catch(() => null);
  const r = parseAdmin(path.split('?')[0] ?? path, schema, res.status, body);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

async function load(adminKey: string): Promise<Snapshot> {
  const [byModel, byDay, recent] = await Promise.all([
    getJson('/admin/usage?groupBy=model', adminKey, UsageReportSchema),
    getJson('/admin/usage?groupBy=day', adminKey, UsageReportSchema),
    getJson('/admin/requests?limit=20', adminKey, RecentRequestsSchema),
  ]);
  return { byModel, byDay, recent };
}

const tokens = (n: number): string => `${n.toLocaleString('en-US')} tokens`;

function UsageTable(props: { readonly title: string; readonly report: UsageReportJson }): ReactNode {
  return (
    <>
      <h2>{props.title}</h2>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>group</th>
              <th>requests</th>
              <th>cost (USD)</th>
              <th>input</th>
              <th>cache reads</th>
              <th>cache writes</th>
              <th>output</th>
              <th>cache hit rate</th>
            </tr>
          </thead>
          <tbody>
            {props.report.rows.map((r) => (
              <tr key={r.group}>
                <td>{r.group}</td>
                <td>{r.requests}</td>
                <td data-value={r.costUsd}>{formatUsd(r.costUsd)}</td>
                <td>{tokens(r.inputTokens)}</td>
                <td>{tokens(r.cacheReadTokens)}</td>
                <td>{tokens(r.cacheWriteTokens)}</td>
                <td>{tokens(r.outputTokens)}</td>
                <td>{r.requests === 0 ? '—' : `${((100 * r.cacheHits) / r.requests).toFixed(1)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The gateway dashboard: what the ledger recorded, read from the admin API of the serving gateway. */
export function DashboardPage(): ReactNode {
  const [adminKey, setAdminKey] = useState(() => sessionStorage.getItem(KEY_STORAGE) ?? '');
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [error, setError] = useState<unknown>(null);
  const keyId = useId();
  useEffect(() => {
    if (adminKey === '') return;
    let live = true;
    const refresh = (): void => {
      load(adminKey).then(
        (s) => {
          if (!live) return;
          setSnapshot(s);
          setError(null);
        },
        (e: unknown) => {
          if (live) setError(e);
        },
      );
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [adminKey]);
  return (
    <section>
      <h1>Gateway dashboard</h1>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
          const key = new FormData(e.currentTarget).get('adminKey');
          if (typeof key !== 'string') return;
          sessionStorage.setItem(KEY_STORAGE, key);
          setAdminKey(key);
        }}
      >
        <div className="field">
          <label htmlFor={keyId}>Admin key (kept in this tab only, never in the URL)</label>
          <input id={keyId} name="adminKey" type="password" defaultValue={adminKey} autoComplete="off" />
        </div>
        <div className="field">
          <span>&nbsp;</span>
          <button type="submit">Show usage</button>
        </div>
      </form>
      {error !== null && <ErrorNote error={error} />}
      {adminKey === '' && <p>Give the adminKey of costwise.yaml to read the ledger.</p>}
      {snapshot && (
        <>
          <dl className="figures">
            <dt>Total cost</dt>
            <dd>
              <Num
                testId="dashboard-total-cost-usd"
                value={snapshot.byModel.totals.costUsd}
                text={formatUsd(snapshot.byModel.totals.costUsd)}
              />
            </dd>
            <dt>Requests</dt>
            <dd>{snapshot.byModel.totals.requests}</dd>
            <dt>Tokens</dt>
            <dd>
              {tokens(snapshot.byModel.totals.inputTokens)} in, {tokens(snapshot.byModel.totals.outputTokens)}{' '}
              out, {tokens(snapshot.byModel.totals.cacheReadTokens)} cache reads
            </dd>
            <dt>Cache hit rate</dt>
            <dd>
              {snapshot.byModel.totals.requests === 0
                ? '—'
                : `${((100 * snapshot.byModel.totals.cacheHits) / snapshot.byModel.totals.requests).toFixed(1)} %`}
            </dd>
          </dl>
          <UsageTable title="Cost by model" report={snapshot.byModel} />
          <UsageTable title="Cost by day (UTC)" report={snapshot.byDay} />
          <h2>Recent requests</h2>
          <div className="scroll">
            <table data-testid="recent-requests">
              <thead>
                <tr>
                  <th>time (UTC)</th>
                  <th>model</th>
                  <th>input</th>
                  <th>output</th>
                  <th>cost (USD)</th>
                  <th>latency</th>
                  <th>status</th>
                  <th>cache</th>
                </tr>
              </thead>
              <tbody>
                {snapshot.recent.rows.map((r) => (
                  <tr key={r.id} data-id={r.id}>
                    <td>{r.time}</td>
                    <td>{r.upstreamModel ?? r.requestedModel}</td>
                    <td>{tokens(r.inputTokens)}</td>
                    <td>{tokens(r.outputTokens)}</td>
                    <td data-value={r.costUsd ?? ''}>
                      {r.costUsd === null ? 'unknown' : formatUsd(r.costUsd)}
                    </td>
                    <td>{r.latencyMs === null ? '—' : formatMs(r.latencyMs)}</td>
                    <td>{r.status ?? '—'}</td>
                    <td>{r.cache}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="note">Refreshes every {REFRESH_MS / 1000} s.</p>
        </>
      )}
    </section>
  );
}
