import { useId, useMemo, type ReactNode } from 'react';
import { stringify as toYaml } from 'yaml';
import { DecimalInput, ErrorNote, ModelRefInput, Num, Select, Toggle } from '../controls.js';
import { EChart } from '../echart.js';
import { formatUsd } from '../format.js';
import type { PageProps } from '../url-state.js';
import { KNOWN_API_REFS } from './forecast-fields.js';
import {
  ARRIVAL_CHOICES,
  CACHING_CHOICES,
  computeForecast,
  forecastForm,
  waterfallBars,
  waterfallRows,
  workloadFromForm,
  type ForecastField,
} from './forecast-inputs.js';

const percent = (x: number | null): string => (x === null ? '' : `${(x * 100).toFixed(1)} %`);
const monthly = (usd: number): string => `${formatUsd(usd)}/month`;

export function ForecastPage(props: PageProps): ReactNode {
  const { route, setParams } = props;
  const form = useMemo(() => forecastForm(route.params), [route.params]);
  const pasted = (route.params.workload ?? '').trim() !== '';
  const out = useMemo(() => {
    try {
      return { ok: true as const, ...computeForecast(route.params) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [route.params]);
  const options = out.ok ? out.forecast.options : [];
  const chosenIndex = Math.min(Math.max(0, Number(route.params.option ?? '0') || 0), options.length - 1);
  const chosen = options[chosenIndex];
  const chart = useMemo(() => {
    if (chosen === undefined) return null;
    const bars = waterfallBars(chosen);
    const money = (v: unknown): string => (typeof v === 'number' ? formatUsd(v) : '');
    return {
      tooltip: { trigger: 'axis', valueFormatter: money },
      legend: { bottom: 0, data: ['monthly total (USD)', 'saved (USD)', 'added (USD)'] },
      grid: { left: 8, right: 8, top: 32, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: bars.labels },
      yAxis: { type: 'value', name: 'USD per month', nameTextStyle: { align: 'left' } },
      series: [
        {
          name: 'base',
          type: 'bar',
          stack: 'waterfall',
          itemStyle: { color: 'transparent' },
          tooltip: { show: false },
          emphasis: { disabled: true },
          data: bars.base,
        },
        { name: 'monthly total (USD)', type: 'bar', stack: 'waterfall', data: bars.total, color: '#486581' },
        { name: 'saved (USD)', type: 'bar', stack: 'waterfall', data: bars.fall, color: '#3ebd93' },
        { name: 'added (USD)', type: 'bar', stack: 'waterfall', data: bars.rise, color: '#e12d39' },
      ],
    };
  }, [chosen]);
  const set = (key: ForecastField) => (value: string) => {
    setParams({ [key]: value });
  };
  const toggle = (key: ForecastField) => (on: boolean) => {
    setParams({ [key]: on ? '1' : '0' });
  };
  const pasteId = useId();
  return (
    <section className="costs">
      <h1>Monthly forecast</h1>
      <p className="note">
        <code>costwise forecast</code> in the browser: a month of traffic priced by the API&apos;s list
        prices, then each cost lever applied in turn (docs/workload.md).
      </p>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <fieldset className="wide" disabled={pasted}>
          <legend>Workload</legend>
          <div className="inputs">
            <ModelRefInput
              label="API model (provider:model)"
              name="api"
              value={form.api}
              suggestions={KNOWN_API_REFS}
              onChange={set('api')}
            />
            <DecimalInput
              label="Requests per day"
              name="perDay"
              unit="requests"
              value={form.perDay}
              onChange={set('perDay')}
            />
            <Select
              label="Arrival"
              name="arrival"
              value={form.arrival}
              options={ARRIVAL_CHOICES}
              onChange={set('arrival')}
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
            <DecimalInput
              label="Turns per conversation"
              name="turns"
              unit="turns"
              value={form.turns}
              onChange={set('turns')}
            />
            <DecimalInput
              label="Between turns"
              name="gap"
              unit="seconds"
              value={form.gap}
              onChange={set('gap')}
            />
            <DecimalInput
              label="History per turn"
              name="history"
              unit="tokens"
              value={form.history}
              onChange={set('history')}
            />
          </div>
        </fieldset>
        <fieldset className="wide" disabled={pasted}>
          <legend>Levers</legend>
          <div className="inputs">
            <Select
              label="Prompt caching TTL"
              name="caching"
              value={form.caching}
              options={CACHING_CHOICES}
              onChange={set('caching')}
            />
            <Toggle label="Batch API" name="batch" checked={form.batch === '1'} onChange={toggle('batch')} />
            <DecimalInput
              label="Batch share"
              name="batchShare"
              unit="0–1"
              value={form.batchShare}
              disabled={form.batch !== '1'}
              onChange={set('batchShare')}
            />
            <Toggle
              label="Routing"
              name="routing"
              checked={form.routing === '1'}
              onChange={toggle('routing')}
            />
            <ModelRefInput
              label="Route to (provider:model)"
              name="routeTo"
              value={form.routeTo}
              suggestions={KNOWN_API_REFS}
              disabled={form.routing !== '1'}
              onChange={set('routeTo')}
            />
            <DecimalInput
              label="Routed share"
              name="routeShare"
              unit="0–1"
              value={form.routeShare}
              disabled={form.routing !== '1'}
              onChange={set('routeShare')}
            />
            <Toggle label="Cap output" name="cap" checked={form.cap === '1'} onChange={toggle('cap')} />
            <DecimalInput
              label="max_tokens"
              name="maxTokens"
              unit="tokens"
              value={form.maxTokens}
              disabled={form.cap !== '1'}
              onChange={set('maxTokens')}
            />
            <Toggle
              label="Trim context"
              name="context"
              checked={form.context === '1'}
              onChange={toggle('context')}
            />
            <DecimalInput
              label="Context kept"
              name="contextKept"
              unit="0–1"
              value={form.contextKept}
              disabled={form.context !== '1'}
              onChange={set('contextKept')}
            />
          </div>
        </fieldset>
        <div className="field wide">
          <label htmlFor={pasteId}>Or paste a workload file (YAML or JSON; replaces the form)</label>
          <textarea
            id={pasteId}
            name="workload"
            rows={pasted ? 14 : 3}
            spellCheck={false}
            value={route.params.workload ?? ''}
            onChange={(e) => {
              setParams({ workload: e.target.value });
            }}
          />
        </div>
        <div className="field wide buttons">
          <button
            type="button"
            disabled={pasted}
            onClick={() => {
              setParams({ workload: toYaml(workloadFromForm(form)) });
            }}
          >
            Copy the form into the paste box
          </button>
          <button
            type="button"
            disabled={!pasted}
            onClick={() => {
              setParams({ workload: '' });
            }}
          >
            Clear the pasted workload
          </button>
        </div>
      </form>
      {out.ok && chosen !== undefined ? (
        <>
          {options.length > 1 && (
            <>
              <div className="scroll">
                <table data-testid="forecast-options">
                  <thead>
                    <tr>
                      <th>option</th>
                      <th>priced as</th>
                      <th>baseline (USD/month)</th>
                      <th>after levers (USD/month)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {options.map((o) => (
                      <tr key={o.option}>
                        <td>{o.option}</td>
                        <td>{o.api}</td>
                        <td data-value={o.baselineUsd}>{monthly(o.baselineUsd)}</td>
                        <td data-value={o.finalUsd}>{monthly(o.finalUsd)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <form
                className="inputs"
                onSubmit={(e) => {
                  e.preventDefault();
                }}
              >
                <Select
                  label="Waterfall of option"
                  name="option"
                  value={String(chosenIndex)}
                  options={options.map((o, i) => ({ value: String(i), label: o.option }))}
                  onChange={(v) => {
                    setParams({ option: v });
                  }}
                />
              </form>
            </>
          )}
          <dl className="figures">
            <dt>Option</dt>
            <dd>{chosen.option === chosen.api ? chosen.api : `${chosen.option} (${chosen.api})`}</dd>
            <dt>Requests</dt>
            <dd>
              {Math.round(out.forecast.period.requests).toLocaleString('en-US')} requests in{' '}
              {out.forecast.period.days} days
            </dd>
            <dt>Baseline</dt>
            <dd>
              <Num
                testId="forecast-baseline-usd"
                value={chosen.baselineUsd}
                text={monthly(chosen.baselineUsd)}
              />
            </dd>
            <dt>After levers</dt>
            <dd>
              <Num testId="forecast-final-usd" value={chosen.finalUsd} text={monthly(chosen.finalUsd)} />
            </dd>
            <dt>Saved</dt>
            <dd>
              <Num
                testId="forecast-saved-usd"
                value={chosen.baselineUsd - chosen.finalUsd}
                text={`${monthly(chosen.baselineUsd - chosen.finalUsd)} (${percent(
                  chosen.baselineUsd === 0 ? null : 1 - chosen.finalUsd / chosen.baselineUsd,
                )} of the baseline)`}
              />
            </dd>
          </dl>
          {chart && (
            <EChart option={chart} label="Waterfall: the baseline, each lever's saving, the final cost" />
          )}
          <div className="scroll">
            <table data-testid="forecast-steps">
              <thead>
                <tr>
                  <th>step</th>
                  <th>monthly (USD)</th>
                  <th>saved (USD)</th>
                  <th>of baseline (%)</th>
                  <th>share of saving (%)</th>
                  <th>assumption</th>
                </tr>
              </thead>
              <tbody>
                {waterfallRows(chosen).map((r) => (
                  <tr key={r.label} data-lever={r.label}>
                    <td>{r.label}</td>
                    <td data-value={r.usd}>{formatUsd(r.usd)}</td>
                    <td data-value={r.savedUsd}>{r.label === 'baseline' ? '' : formatUsd(r.savedUsd)}</td>
                    <td>{percent(r.shareOfBaseline)}</td>
                    <td>{percent(r.shareOfSaving)}</td>
                    <td className="wrap">{r.assumption}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="notes">
            {out.source === 'pasted' && <li>Priced from the pasted workload; the form is ignored.</li>}
            {out.forecast.assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </>
      ) : (
        !out.ok && <ErrorNote error={out.error} />
      )}
    </section>
  );
}
