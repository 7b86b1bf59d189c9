import { Fragment, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { ErrorNote, Num } from '../controls.js';
import { EChart } from '../echart.js';
import { formatMs, formatUsd } from '../format.js';
import {
  budgetUsed,
  cacheRates,
  KeysSchema,
  parseAdmin,
  RecentRequestsSchema,
  requestShares,
  routeBreakdown,
  SavingsSchema,
  TOKEN_KIND_LABELS,
  TOKEN_KINDS,
  tokensByKind,
  UsageReportSchema,
  type KeysJson,
  type RecentRequestsJson,
  type SavingsJson,
  type UsageReportJson,
} from './dashboard-data.js';

const REFRESH_MS = 3_000;
const KEY_STORAGE = 'costwise.adminKey';

interface Snapshot {
  readonly byModel: UsageReportJson;
  readonly byDay: UsageReportJson;
  readonly byUpstream: UsageReportJson;
  readonly keys: KeysJson;
  readonly savings: SavingsJson;
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
  const [byModel, byDay, byUpstream, keys, savings, recent] = await Promise.all([
    getJson('/admin/usage?groupBy=model', adminKey, UsageReportSchema),
    getJson('/admin/usage?groupBy=day', adminKey, UsageReportSchema),
    getJson('/admin/usage?groupBy=upstream', adminKey, UsageReportSchema),
    getJson('/admin/keys', adminKey, KeysSchema),
    getJson('/admin/savings', adminKey, SavingsSchema),
    getJson('/admin/requests?limit=20', adminKey, RecentRequestsSchema),
  ]);
  return { byModel, byDay, byUpstream, keys, savings, recent };
}

const tokens = (n: number): string => `${n.toLocaleString('en-US')} tokens`;
const percent = (share: number | null): string => (share === null ? '—' : `${(100 * share).toFixed(1)} %`);

/** Tokens by kind per model, stacked: what each model was sent, served from cache, and wrote. */
function TokensChart(props: { readonly report: UsageReportJson }): ReactNode {
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: 'value', name: 'tokens', nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', data: props.report.rows.map((r) => r.group) },
      series: TOKEN_KINDS.map((kind) => ({
        name: TOKEN_KIND_LABELS[kind],
        type: 'bar',
        stack: 'tokens',
        data: props.report.rows.map((r) => tokensByKind(r)[kind]),
      })),
    }),
    [props.report],
  );
  return (
    <EChart
      option={option}
      label="Stacked bars of tokens by kind (input, cache read, cache write, output) per model"
    />
  );
}

function SavingsPanel(props: { readonly savings: SavingsJson }): ReactNode {
  const s = props.savings;
  const levers = [
    { id: 'routing', label: 'Routing', usd: s.byLever.routing },
    {
      id: 'response-cache',
      label: 'Response cache',
      usd: s.byLever.responseCache,
    },
    {
      id: 'prompt-cache',
      label: 'Prompt cache',
      usd: s.byLever.promptCache,
    },
  ] as const;
  return (
    <>
      <h2>Savings by lever</h2>
      <dl className="figures" data-testid="savings">
        <dt>Without any lever</dt>
        <dd>
          <Num
            testId="dashboard-savings-baseline-usd"
            value={s.baselineUsd}
            text={formatUsd(s.baselineUsd)}
          />
        </dd>
        <dt>Actual</dt>
        <dd>
          <Num testId="dashboard-savings-actual-usd" value={s.actualUsd} text={formatUsd(s.actualUsd)} />
        </dd>
        <dt>Saved</dt>
        <dd>
          <Num testId="dashboard-savings-saved-usd" value={s.savedUsd} text={formatUsd(s.savedUsd)} /> (
          {percent(s.baselineUsd === 0 ? null : s.savedUsd / s.baselineUsd)} of the cost without levers)
        </dd>
        {levers.map((l) => (
          <Fragment key={l.id}>
            <dt>{l.label}</dt>
            <dd>
              <Num testId={`dashboard-savings-${l.id}-usd`} value={l.usd} text={formatUsd(l.usd)} />
            </dd>
          </Fragment>
        ))}
      </dl>
      <p className="note">
        Over {s.requests} successful requests
        {s.unknownCostRequests > 0
          ? `; ${String(s.unknownCostRequests)} of unknown cost are in neither figure`
          : ''}
        . The baseline sends every request to its route’s strongest model, uncached, with the same tokens;
        routing saves the price difference to the model that answered, the response cache what its hits would
        have cost, the prompt cache what the provider’s cache reads saved (less what cache writes cost extra).
      </p>
    </>
  );
}

function UsageTable(props: {
  readonly title: string;
  readonly report: UsageReportJson;
  readonly testId: string;
}): ReactNode {
  return (
    <>
      <h2>{props.title}</h2>
      <div className="scroll">
        <table data-testid={props.testId}>
          <thead>
            <tr>
              <th>group</th>
              <th>requests</th>
              <th>cost (USD)</th>
              {TOKEN_KINDS.map((k) => (
                <th key={k}>{TOKEN_KIND_LABELS[k]}</th>
              ))}
              <th>response-cache hit rate (of requests)</th>
              <th>prompt-cache reads (of input tokens)</th>
            </tr>
          </thead>
          <tbody>
            {props.report.rows.map((r) => {
              const kinds = tokensByKind(r);
              const rates = cacheRates(r);
              return (
                <tr key={r.group} data-group={r.group}>
                  <td>{r.group}</td>
                  <td data-value={r.requests}>{r.requests} requests</td>
                  <td data-value={r.costUsd}>{formatUsd(r.costUsd)}</td>
                  {TOKEN_KINDS.map((k) => (
                    <td key={k} data-kind={k} data-value={kinds[k]}>
                      {tokens(kinds[k])}
                    </td>
                  ))}
                  <td data-rate="response-cache" data-value={rates.responseHitRate ?? ''}>
                    {percent(rates.responseHitRate)}
                  </td>
                  <td data-rate="prompt-cache" data-value={rates.promptReadShare ?? ''}>
                    {percent(rates.promptReadShare)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Share of requests per upstream model, and per route: which model answered and how often the cache did. */
function RoutingPanel(props: {
  readonly byUpstream: UsageReportJson;
  readonly savings: SavingsJson;
}): ReactNode {
  const shares = requestShares(props.byUpstream.rows);
  const routes = routeBreakdown(props.savings);
  return (
    <>
      <h2>Routing shares</h2>
      <div className="scroll">
        <table data-testid="routing-shares">
          <thead>
            <tr>
              <th>upstream (provider:model)</th>
              <th>requests</th>
              <th>share of requests</th>
            </tr>
          </thead>
          <tbody>
            {shares.map((s) => (
              <tr key={s.group} data-group={s.group}>
                <td>{s.group}</td>
                <td data-value={s.requests}>{s.requests} requests</td>
                <td data-value={s.share}>
                  <meter min={0} max={1} value={s.share} aria-label={`share of requests to ${s.group}`} />{' '}
                  {percent(s.share)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>By route (successful requests)</h3>
      <div className="scroll">
        <table data-testid="route-shares">
          <thead>
            <tr>
              <th>route</th>
              <th>requests</th>
              <th>response-cache hit rate (of requests)</th>
              <th>answered by (share of the route’s requests)</th>
            </tr>
          </thead>
          <tbody>
            {routes.map((r) => (
              <tr key={r.route} data-route={r.route}>
                <td>{r.route}</td>
                <td data-value={r.requests}>{r.requests} requests</td>
                <td data-value={r.responseHitRate ?? ''}>{percent(r.responseHitRate)}</td>
                <td>{r.models.map((m) => `${m.group} ${percent(m.share)}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Every key's budget in its current window: spent, reserved by requests in flight, and what remains. */
function BudgetsPanel(props: { readonly keys: KeysJson }): ReactNode {
  return (
    <>
      <h2>Budgets per key</h2>
      <div className="scroll">
        <table data-testid="key-budgets">
          <thead>
            <tr>
              <th>key</th>
              <th>from</th>
              <th>window</th>
              <th>budget (USD)</th>
              <th>spent (USD)</th>
              <th>reserved (USD)</th>
              <th>remaining (USD)</th>
              <th>used (of the budget)</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.keys.map((k) => {
              const used = budgetUsed(k);
              return (
                <tr key={k.id} data-key={k.name}>
                  <td>{k.name}</td>
                  <td>{k.source === 'config' ? 'costwise.yaml' : 'admin API'}</td>
                  <td>{k.budgetWindow}</td>
                  <td data-field="budget" data-value={k.budgetUsd ?? ''}>
                    {k.budgetUsd === null ? 'unlimited' : formatUsd(k.budgetUsd)}
                  </td>
                  <td data-field="spent" data-value={k.spentUsd}>
                    {formatUsd(k.spentUsd)}
                  </td>
                  <td data-field="reserved" data-value={k.reservedUsd}>
                    {formatUsd(k.reservedUsd)}
                  </td>
                  <td data-field="remaining" data-value={k.remainingUsd ?? ''}>
                    {k.remainingUsd === null ? '—' : formatUsd(k.remainingUsd)}
                  </td>
                  <td data-field="used" data-value={used ?? ''}>
                    {used === null ? (
                      '—'
                    ) : (
                      <>
                        <meter
                          min={0}
                          max={1}
                          high={0.8}
                          value={Math.min(1, used)}
                          aria-label={`budget used by ${k.name}`}
                        />{' '}
                        {percent(used)}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
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
  const totalKinds = snapshot === null ? null : tokensByKind(snapshot.byModel.totals);
  const totalRates = snapshot === null ? null : cacheRates(snapshot.byModel.totals);
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
          // Another key may see another gateway's ledger, or none: never show the old key's figures.
          if (key !== adminKey) setSnapshot(null);
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
      {snapshot && totalKinds && (
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
              {TOKEN_KINDS.map((k, n) => (
                <Fragment key={k}>
                  {n > 0 && ', '}
                  <Num
                    testId={`dashboard-tokens-${k}`}
                    value={totalKinds[k]}
                    text={tokens(totalKinds[k])}
                  />{' '}
                  {TOKEN_KIND_LABELS[k]}
                </Fragment>
              ))}
            </dd>
            <dt>Response-cache hits</dt>
            <dd>{percent(totalRates?.responseHitRate ?? null)} of requests</dd>
            <dt>Prompt-cache reads</dt>
            <dd>
              <Num
                testId="dashboard-prompt-cache-read-share"
                value={totalRates?.promptReadShare ?? 0}
                text={percent(totalRates?.promptReadShare ?? null)}
              />{' '}
              of input tokens
            </dd>
          </dl>
          <h2>Tokens by kind</h2>
          <TokensChart report={snapshot.byModel} />
          <UsageTable
            title="Cost, tokens and cache by model"
            report={snapshot.byModel}
            testId="usage-by-model"
          />
          <RoutingPanel byUpstream={snapshot.byUpstream} savings={snapshot.savings} />
          <BudgetsPanel keys={snapshot.keys} />
          <SavingsPanel savings={snapshot.savings} />
          <UsageTable title="Cost by day (UTC)" report={snapshot.byDay} testId="usage-by-day" />
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
