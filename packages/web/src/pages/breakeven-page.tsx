import { useMemo, type ReactNode } from 'react';
import { DecimalInput, ErrorNote, ModelRefInput, Num, Select } from '../controls.js';
import { EChart } from '../echart.js';
import { formatUsd } from '../format.js';
import {
  ENGINE_IDS,
  GPU_OPTIONS,
  KV_DTYPE_IDS,
  MODEL_OPTIONS,
  PRECISION_IDS,
  engineAndKv,
} from '../model-choice.js';
import type { PageProps } from '../url-state.js';
import {
  breakevenForm,
  computeBreakeven,
  crossing as crossingPoint,
  type BreakevenField,
} from './breakeven-inputs.js';
import { KNOWN_API_REFS } from './forecast-fields.js';

/** Monthly volumes in billions of tokens, as the CLI prints them. */
const billions = (tokens: number): string => `${(tokens / 1e9).toFixed(3)} B tokens`;
const perMTok = (usd: number): string => `$${usd.toFixed(4)} per 1M tokens`;
const signedPercent = (x: number | null): string =>
  x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

export function BreakevenPage(props: PageProps): ReactNode {
  const { route, setParams } = props;
  const form = useMemo(() => breakevenForm(route.params), [route.params]);
  const { engine, kvDtype } = engineAndKv(route.params);
  const out = useMemo(() => {
    try {
      return { ok: true as const, ...computeBreakeven(route.params) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [route.params]);
  const chart = useMemo(() => {
    if (!out.ok) return null;
    const r = out.result;
    const cross = crossingPoint(r);
    const crossing =
      cross === null
        ? []
        : [
            {
              name: 'break-even',
              type: 'line',
              symbolSize: 12,
              showSymbol: true,
              label: {
                show: true,
                position: 'top',
                formatter: `break-even ${billions(cross.tokensPerMonth)}`,
              },
              data: [[cross.tokensPerMonth / 1e9, cross.usdPerMonth]],
            },
          ];
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? `${formatUsd(v)}/month` : ''),
      },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 56, containLabel: true },
      xAxis: {
        type: 'value',
        name: 'tokens per month (billions)',
        nameLocation: 'middle',
        nameGap: 28,
      },
      yAxis: { type: 'value', name: 'USD per month', nameTextStyle: { align: 'left' } },
      series: [
        {
          name: 'API',
          type: 'line',
          showSymbol: false,
          data: r.curve.map((p) => [p.tokensPerMonth / 1e9, p.apiUsd]),
        },
        {
          name: 'self-hosted',
          type: 'line',
          showSymbol: false,
          data: r.curve.map((p) => [p.tokensPerMonth / 1e9, p.selfHostUsd]),
        },
        ...crossing,
      ],
    };
  }, [out]);
  const set = (key: BreakevenField | 'engine' | 'kv') => (value: string) => {
    setParams({ [key]: value });
  };
  return (
    <section className="costs">
      <h1>API or self-hosting: break-even</h1>
      <p className="note">
        <code>costwise breakeven</code> in the browser: the API costs its blended price per token;
        self-hosting a fixed monthly cost plus GPU time per token (the performance model at the largest batch
        memory allows), never less than its always-on replicas cost.
      </p>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <ModelRefInput
          label="API model (provider:model)"
          name="api"
          value={form.api}
          suggestions={KNOWN_API_REFS}
          onChange={set('api')}
        />
        <DecimalInput
          label="Output share for the API price"
          name="outputShare"
          unit="0–1, blank: from the request"
          value={form.outputShare}
          onChange={set('outputShare')}
        />
        <Select
          label="Self-hosted model"
          name="model"
          value={form.model}
          options={MODEL_OPTIONS}
          onChange={set('model')}
        />
        <Select label="GPU" name="gpu" value={form.gpu} options={GPU_OPTIONS} onChange={set('gpu')} />
        <DecimalInput
          label="Tensor parallel"
          name="gpus"
          unit="GPUs"
          value={form.gpus}
          onChange={set('gpus')}
        />
        <Select
          label="Precision"
          name="precision"
          value={form.precision}
          options={PRECISION_IDS}
          onChange={set('precision')}
        />
        <Select label="Engine" name="engine" value={engine} options={ENGINE_IDS} onChange={set('engine')} />
        <Select label="KV dtype" name="kv" value={kvDtype} options={KV_DTYPE_IDS} onChange={set('kv')} />
        <DecimalInput
          label="Input per request"
          name="input"
          unit="tokens"
          value={form.input}
          onChange={set('input')}
        />
        <DecimalInput
          label="Output per request"
          name="output"
          unit="tokens"
          value={form.output}
          onChange={set('output')}
        />
        <DecimalInput
          label="GPU price"
          name="gpuUsd"
          unit="USD/GPU-hour, blank: cheapest listed"
          value={form.gpuUsd}
          onChange={set('gpuUsd')}
        />
        <DecimalInput
          label="Utilization"
          name="utilization"
          unit="0–1"
          value={form.utilization}
          onChange={set('utilization')}
        />
        <DecimalInput
          label="Always-on replicas"
          name="minReplicas"
          unit="replicas, 0: GPUs scale to zero"
          value={form.minReplicas}
          onChange={set('minReplicas')}
        />
        <DecimalInput label="Operations" name="ops" unit="USD/month" value={form.ops} onChange={set('ops')} />
        <DecimalInput
          label="Hardware upfront"
          name="upfront"
          unit="USD"
          value={form.upfront}
          onChange={set('upfront')}
        />
        <DecimalInput
          label="Amortized over"
          name="amortize"
          unit="months"
          value={form.amortize}
          onChange={set('amortize')}
        />
      </form>
      {out.ok ? (
        <>
          <dl className="figures">
            <dt>Break-even</dt>
            <dd>
              {out.result.breakEvenTokensPerMonth === null ? (
                <Num
                  testId="breakeven-tokens"
                  value={Number.POSITIVE_INFINITY}
                  text="never: self-hosting's price per token is not below the API's"
                />
              ) : (
                <Num
                  testId="breakeven-tokens"
                  value={out.result.breakEvenTokensPerMonth}
                  text={`${billions(out.result.breakEvenTokensPerMonth)} per month`}
                />
              )}
            </dd>
            <dt>API</dt>
            <dd>
              <Num
                testId="breakeven-api-usd-per-mtok"
                value={out.result.apiUsdPerMTok}
                text={`${perMTok(out.result.apiUsdPerMTok)} (${(out.outputShare * 100).toFixed(0)} % output)`}
              />
            </dd>
            <dt>Self-hosted</dt>
            <dd>
              <Num
                testId="breakeven-self-usd-per-mtok"
                value={out.result.selfHostUsdPerMTok}
                text={perMTok(out.result.selfHostUsdPerMTok)}
              />
            </dd>
            <dt>Fixed</dt>
            <dd>
              <Num
                testId="breakeven-fixed-usd"
                value={out.result.selfHostFixedUsdPerMonth}
                text={`${formatUsd(out.result.selfHostFixedUsdPerMonth)} per month`}
              />
            </dd>
            <dt>GPU floor</dt>
            <dd>
              <Num
                testId="breakeven-gpu-floor-usd"
                value={out.result.selfHostMinimumUsdPerMonth}
                text={`${formatUsd(out.result.selfHostMinimumUsdPerMonth)} per month (always-on replicas)`}
              />
            </dd>
            <dt>Throughput</dt>
            <dd>
              {out.perf.totalTokensPerSecond.toLocaleString('en-US', { maximumFractionDigits: 0 })} tokens/s
              at batch {out.perf.batch} sequences (the largest memory allows)
            </dd>
          </dl>
          {chart && (
            <EChart option={chart} label="Monthly cost against monthly tokens, API and self-hosted" />
          )}
          <div className="scroll">
            <table data-testid="breakeven-curve">
              <thead>
                <tr>
                  <th>tokens/month (B)</th>
                  <th>API (USD/month)</th>
                  <th>self-hosted (USD/month)</th>
                </tr>
              </thead>
              <tbody>
                {out.result.curve
                  .filter((_, i) => i % 4 === 0)
                  .map((p) => (
                    <tr key={p.tokensPerMonth}>
                      <td>{(p.tokensPerMonth / 1e9).toFixed(2)} B</td>
                      <td>{formatUsd(p.apiUsd)}</td>
                      <td>{formatUsd(p.selfHostUsd)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <p className="note">
            Sensitivity of the break-even volume to +10 %: API price{' '}
            {signedPercent(out.result.sensitivity.apiUsdPerMTok)}, self-hosted price{' '}
            {signedPercent(out.result.sensitivity.selfHostUsdPerMTok)}, fixed cost{' '}
            {signedPercent(out.result.sensitivity.selfHostFixedUsdPerMonth)}.
          </p>
          <ul className="notes">
            <li>
              API price blended over {(out.outputShare * 100).toFixed(0)} % output tokens: $
              {out.apiPrice.record.inputMtok}/M in, ${out.apiPrice.record.outputMtok}/M out (
              {out.apiPrice.source}); no caching or batch.
            </li>
            <li>
              GPU price ${out.gpuHourlyUsd}/GPU-hour ({out.gpuPriceSource}) at{' '}
              {(out.perfInput.utilization ?? 1) * 100} % utilization; {out.perfInput.inputTokens} in /{' '}
              {out.perfInput.outputTokens} out per request.
            </li>
            <li>Operations default to the lecture&apos;s $10,000 a month (the CLI&apos;s default is 0).</li>
            {out.apiPrice.warnings.map((w) => (
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
