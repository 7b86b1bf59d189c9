import {
  cheapestGpuHour,
  findGpu,
  KV_DTYPES,
  predictPerf,
  resolvePrecision,
  type PerfInput,
  type PerfResult,
} from '@costwise/core';
import { useDeferredValue, useMemo, type ReactNode } from 'react';
import { ErrorNote, Num, NumberInput, Select } from '../controls.js';
import { EChart } from '../echart.js';
import { formatMs, formatPerSecond, formatUsd } from '../format.js';
import {
  chosenModel,
  DEFAULT_GPU,
  engineAndKv,
  ENGINE_IDS,
  GPU_IDS,
  GPU_OPTIONS,
  KV_DTYPE_IDS,
  MODEL_OPTIONS,
  PRECISION_IDS,
} from '../model-choice.js';
import { choiceParam, intParam, type Route } from '../url-state.js';

function inputs(params: Route['params']) {
  const { engine, kvDtype } = engineAndKv(params);
  return {
    model: chosenModel(params),
    engine,
    kvDtype,
    precision: choiceParam(params, 'precision', PRECISION_IDS, 'bf16'),
    gpu: choiceParam(params, 'gpu', GPU_IDS, DEFAULT_GPU),
    gpus: intParam(params, 'gpus', 1, 64),
    batch: intParam(params, 'batch', 1, 100_000),
    inputTokens: intParam(params, 'input', 512, 10_000_000),
    outputTokens: intParam(params, 'output', 256, 10_000_000),
  };
}

/** The batch sizes of the curves: powers of two up to the largest batch memory allows. */
function curveBatches(maxBatch: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= Math.min(maxBatch, 1024); b *= 2) out.push(b);
  if (maxBatch <= 1024 && out.at(-1) !== maxBatch && maxBatch > 0) out.push(maxBatch);
  return out;
}

/** `costwise perf` in the browser: predictPerf at the chosen batch, priced at the GPU's cheapest listed hour. */
export function computePerf(params: Route['params']) {
  const i = inputs(params);
  const gpu = findGpu(i.gpu);
  const precision = resolvePrecision(i.precision);
  if (gpu === undefined) throw new Error(`gpu: unknown "${i.gpu}"`);
  if (precision === undefined) throw new Error(`precision: unknown "${i.precision}"`);
  const price = cheapestGpuHour(gpu);
  const input: PerfInput = {
    arch: i.model.arch,
    precision,
    kvDtype: KV_DTYPES[i.kvDtype],
    gpu,
    tp: i.gpus,
    engine: i.engine,
    batch: i.batch,
    inputTokens: i.inputTokens,
    outputTokens: i.outputTokens,
    ...(price ? { gpuHourlyUsd: price.usd } : {}),
  };
  const r = predictPerf(input);
  if (!r.ok) throw new Error(r.message);
  return { inputs: i, input, result: r.result, price };
}

/** The throughput and latency curves: predictPerf at each batch of curveBatches. */
export function computeCurve(params: Route['params']): { batch: number; result: PerfResult }[] {
  const { input, result } = computePerf(params);
  const curve: { batch: number; result: PerfResult }[] = [];
  for (const batch of curveBatches(result.maxBatch)) {
    const p = batch === input.batch ? { ok: true as const, result } : predictPerf({ ...input, batch });
    if (p.ok) curve.push({ batch, result: p.result });
  }
  return curve;
}

export function PerfPage(props: {
  readonly route: Route;
  readonly setParams: (p: Readonly<Record<string, string>>) => void;
}): ReactNode {
  const { route, setParams } = props;
  const i = useMemo(() => inputs(route.params), [route.params]);
  const out = useMemo(() => {
    try {
      return { ok: true as const, ...computePerf(route.params) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [route.params]);
  // The curves (a dozen predictions) render after the numbers, without blocking typing.
  const curveParams = useDeferredValue(route.params);
  const curve = useMemo(() => {
    try {
      return computeCurve(curveParams);
    } catch {
      return [];
    }
  }, [curveParams]);
  const set = (key: string) => (value: string) => {
    setParams({ [key]: value });
  };
  const chart = useMemo(() => {
    if (curve.length === 0) return null;
    const batches = curve.map((p) => String(p.batch));
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 56, containLabel: true },
      xAxis: {
        type: 'category',
        name: 'batch (sequences)',
        nameLocation: 'middle',
        nameGap: 28,
        data: batches,
      },
      yAxis: [
        { type: 'value', name: 'output tokens/s' },
        { type: 'value', name: 'ms' },
      ],
      series: [
        {
          name: 'throughput (tokens/s)',
          type: 'line',
          data: curve.map((p) => p.result.outputTokensPerSecond),
        },
        { name: 'TPOT (ms)', type: 'line', yAxisIndex: 1, data: curve.map((p) => p.result.tpotMs) },
        { name: 'TTFT (ms)', type: 'line', yAxisIndex: 1, data: curve.map((p) => p.result.ttftMs) },
      ],
    };
  }, [curve]);
  return (
    <section>
      <h1>Performance</h1>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Select
          label="Model"
          name="model"
          value={i.model.id}
          options={MODEL_OPTIONS}
          onChange={set('model')}
        />
        <Select label="GPU" name="gpu" value={i.gpu} options={GPU_OPTIONS} onChange={set('gpu')} />
        <NumberInput label="Tensor parallel" name="gpus" unit="GPUs" value={i.gpus} onChange={set('gpus')} />
        <Select
          label="Precision"
          name="precision"
          value={i.precision}
          options={PRECISION_IDS}
          onChange={set('precision')}
        />
        <Select label="KV dtype" name="kv" value={i.kvDtype} options={KV_DTYPE_IDS} onChange={set('kv')} />
        <Select label="Engine" name="engine" value={i.engine} options={ENGINE_IDS} onChange={set('engine')} />
        <NumberInput label="Batch" name="batch" unit="sequences" value={i.batch} onChange={set('batch')} />
        <NumberInput label="Input" name="input" unit="tokens" value={i.inputTokens} onChange={set('input')} />
        <NumberInput
          label="Output"
          name="output"
          unit="tokens"
          value={i.outputTokens}
          onChange={set('output')}
        />
      </form>
      {out.ok ? (
        <>
          <dl className="figures">
            <dt>TTFT</dt>
            <dd>
              <Num testId="perf-ttft-ms" value={out.result.ttftMs} text={formatMs(out.result.ttftMs)} />
            </dd>
            <dt>TPOT</dt>
            <dd>
              <Num testId="perf-tpot-ms" value={out.result.tpotMs} text={formatMs(out.result.tpotMs)} />
            </dd>
            <dt>Throughput</dt>
            <dd>
              <Num
                testId="perf-throughput"
                value={out.result.outputTokensPerSecond}
                text={formatPerSecond(out.result.outputTokensPerSecond, 'output tokens')}
              />
            </dd>
            <dt>Request latency</dt>
            <dd>{formatMs(out.result.requestLatencyMs)}</dd>
            <dt>Output $/1M tokens</dt>
            <dd>
              {out.result.usdPerMillionOutputTokens === null ? (
                '— (no GPU price listed)'
              ) : (
                <Num
                  testId="perf-usd-per-million-output"
                  value={out.result.usdPerMillionOutputTokens}
                  text={`${formatUsd(out.result.usdPerMillionOutputTokens)} per 1M output tokens`}
                />
              )}
            </dd>
            <dt>Input $/1M tokens</dt>
            <dd>
              {out.result.usdPerMillionInputTokens === null
                ? '—'
                : `${formatUsd(out.result.usdPerMillionInputTokens)} per 1M input tokens`}
            </dd>
            <dt>Bound</dt>
            <dd>
              {out.result.bound}-bound at batch {out.result.batch}; memory allows {out.result.maxBatch}{' '}
              sequences
            </dd>
          </dl>
          {out.price && (
            <p className="note">
              GPU price ${out.price.usd}/GPU-hour: the cheapest listed ({out.price.source}).
            </p>
          )}
          {chart && <EChart option={chart} label="Throughput and latency against batch size" />}
          <ul className="notes">
            {out.result.assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </>
      ) : (
        <ErrorNote error={out.error} />
      )}
    </section>
  );
}
