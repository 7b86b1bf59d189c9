import { CACHE_POLICIES } from '@costwise/core';
import { useDeferredValue, useMemo, type ReactNode } from 'react';
import { DecimalInput, ErrorNote, ModelRefInput, Num, Select } from '../controls.js';
import { EChart } from '../echart.js';
import type { PageProps } from '../url-state.js';
import {
  ARRIVAL_KINDS,
  cachingForm,
  computeCaching,
  NO_TTL,
  rateSweep,
  simulateChosen,
  SIMULATED_REQUESTS,
  SIMULATION_SEED,
  SWEEP_RATES_PER_HOUR,
  type CachingField,
} from './caching-inputs.js';
import { KNOWN_API_REFS } from './forecast-fields.js';

const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;
/** Costs per request are fractions of a cent: six decimals. */
const usd = (x: number): string => `$${x.toFixed(6)}`;
// Suggest the models whose provider has a recorded cache policy.
const CACHE_REFS = KNOWN_API_REFS.filter((r) => CACHE_POLICIES[r.slice(0, r.indexOf(':'))] !== undefined);

export function CachingPage(props: PageProps): ReactNode {
  const { route, setParams } = props;
  const form = useMemo(() => cachingForm(route.params), [route.params]);
  const out = useMemo(() => {
    try {
      return { ok: true as const, ...computeCaching(route.params) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [route.params]);
  // The simulation (20,000 arrivals) and the sweep render after the figures, without blocking typing.
  const deferred = useDeferredValue(out);
  const simulated = useMemo(() => (deferred.ok ? simulateChosen(deferred.inputs) : null), [deferred]);
  const chart = useMemo(() => {
    if (!deferred.ok) return null;
    const sweep = rateSweep(deferred.inputs);
    const labels = SWEEP_RATES_PER_HOUR.map(String);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? usd(v) : '') },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 56, containLabel: true },
      xAxis: {
        type: 'category',
        name: 'arrival rate (requests/hour)',
        nameLocation: 'middle',
        nameGap: 28,
        data: labels,
      },
      yAxis: { type: 'value', name: 'USD per request', nameTextStyle: { align: 'left' } },
      series: [
        ...sweep.map((s) => ({ name: `TTL ${s.ttl}`, type: 'line', data: s.usdPerRequest })),
        {
          name: 'no caching',
          type: 'line',
          lineStyle: { type: 'dashed' },
          data: labels.map(() => deferred.uncachedUsdPerRequest),
        },
      ],
    };
  }, [deferred]);
  const set = (key: CachingField) => (value: string) => {
    setParams({ [key]: value });
  };
  const ttlOptions = out.ok ? [NO_TTL, ...Object.keys(out.inputs.policy.ttls)] : [NO_TTL, '5m', '1h'];
  return (
    <section className="costs">
      <h1>Prompt caching</h1>
      <p className="note">
        Requests sharing one static prefix: a request hits when the previous one came within the TTL (each use
        refreshes it). Misses write the prefix at the provider&apos;s write price.
      </p>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <ModelRefInput
          label="Model (provider:model)"
          name="model"
          value={form.model}
          suggestions={CACHE_REFS}
          onChange={set('model')}
        />
        <DecimalInput
          label="Static prefix"
          name="prefix"
          unit="tokens"
          value={form.prefix}
          onChange={set('prefix')}
        />
        <DecimalInput
          label="Dynamic input"
          name="dynamic"
          unit="tokens"
          value={form.dynamic}
          onChange={set('dynamic')}
        />
        <DecimalInput
          label="Output"
          name="output"
          unit="tokens"
          value={form.output}
          onChange={set('output')}
        />
        <Select
          label="Arrivals"
          name="arrival"
          value={form.arrival}
          options={ARRIVAL_KINDS}
          onChange={set('arrival')}
        />
        <DecimalInput
          label="Arrival rate"
          name="rate"
          unit="requests/hour"
          value={form.rate}
          onChange={set('rate')}
        />
        {form.arrival === 'periodic' && (
          <DecimalInput
            label="Jitter"
            name="jitter"
            unit="± seconds"
            value={form.jitter}
            onChange={set('jitter')}
          />
        )}
        <Select label="TTL" name="ttl" value={form.ttl} options={ttlOptions} onChange={set('ttl')} />
      </form>
      {out.ok ? (
        <>
          <dl className="figures">
            <dt>Hit rate</dt>
            <dd>
              <Num
                testId="caching-hit-rate"
                value={out.hitRate}
                text={`${percent(out.hitRate)} of requests`}
              />
              {out.chosen !== null && out.chosen.cachedTokens === 0 && (
                <>
                  {' '}
                  (the prefix is below the {out.inputs.policy.minTokens.toLocaleString('en-US')}-token
                  minimum)
                </>
              )}
            </dd>
            <dt>Simulated hit rate</dt>
            <dd>
              {simulated === null ? (
                '— (no caching)'
              ) : (
                <Num
                  testId="caching-simulated-hit-rate"
                  value={simulated.hitRate}
                  text={`${percent(simulated.hitRate)} (${simulated.hits.toLocaleString('en-US')} hits in ${simulated.requests.toLocaleString('en-US')} simulated requests, seed ${SIMULATION_SEED})`}
                />
              )}
            </dd>
            <dt>Cost with caching</dt>
            <dd>
              <Num
                testId="caching-cost-usd"
                value={out.usdPerRequest}
                text={`${usd(out.usdPerRequest)} per request`}
              />
            </dd>
            <dt>Cost without caching</dt>
            <dd>
              <Num
                testId="caching-uncached-usd"
                value={out.uncachedUsdPerRequest}
                text={`${usd(out.uncachedUsdPerRequest)} per request`}
              />
            </dd>
            <dt>Saving</dt>
            <dd>
              <Num
                testId="caching-saving-usd"
                value={out.uncachedUsdPerRequest - out.usdPerRequest}
                text={`${usd(out.uncachedUsdPerRequest - out.usdPerRequest)} per request (${percent(out.chosen?.savingShare ?? 0)})`}
              />
            </dd>
            <dt>Cached prefix</dt>
            <dd>{(out.chosen?.cachedTokens ?? 0).toLocaleString('en-US')} tokens</dd>
          </dl>
          <div className="scroll">
            <table data-testid="caching-ttls">
              <caption>Every TTL the provider offers, cheapest first</caption>
              <thead>
                <tr>
                  <th>TTL</th>
                  <th>TTL (seconds)</th>
                  <th>hit rate (%)</th>
                  <th>cost (USD/request)</th>
                  <th>saving (%)</th>
                </tr>
              </thead>
              <tbody>
                {out.comparison.map((c) => (
                  <tr key={c.ttl} data-ttl={c.ttl}>
                    <td>{c.ttl}</td>
                    <td>{c.ttlSeconds.toLocaleString('en-US')} s</td>
                    <td data-value={c.hitRate}>{percent(c.hitRate)}</td>
                    <td data-value={c.usdPerRequest}>{usd(c.usdPerRequest)}</td>
                    <td>{percent(c.savingShare)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {chart && <EChart option={chart} label="Cost per request against the arrival rate, for each TTL" />}
          <ul className="notes">
            <li>
              Simulated with {SIMULATED_REQUESTS.toLocaleString('en-US')} arrivals (seed {SIMULATION_SEED});
              the other figures are the analytic hit rate.
            </li>
            <li>Prices: {out.inputs.price.source}</li>
            <li>Cache policy: {out.inputs.policy.source}</li>
            {out.inputs.price.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      ) : (
        <ErrorNote error={out.error} />
      )}
    </section>
  );
}
