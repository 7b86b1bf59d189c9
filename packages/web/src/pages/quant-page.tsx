import {
  ADVICE_SCENARIOS,
  adviseQuantization,
  findGpu,
  LECTURE_DECISION_GUIDE,
  QUANT_SCHEME_IDS,
  type AdviceScenario,
  type Calibration,
} from '@costwise/core';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ErrorNote, Num, NumberInput, Select } from '../controls.js';
import { EChart } from '../echart.js';
import { formatBytes, formatMs, formatUsd } from '../format.js';
import { chosenModel, DEFAULT_GPU, GPU_IDS, GPU_OPTIONS, MODEL_OPTIONS } from '../model-choice.js';
import { choiceParam, type PageProps, type Route } from '../url-state.js';
import {
  boundedInt,
  CALIBRATION_SAMPLES,
  computeQuantTensor,
  quantCalibration,
  SAMPLE_DISTRIBUTION_LABELS,
  SAMPLE_DISTRIBUTIONS,
  SAMPLE_ELEMENTS,
  SAMPLE_IN_FEATURES,
  schemeRow,
  shownNumber,
  type SchemeRow,
} from './quant-lab.js';

/** `costwise quant advise` in the browser: adviseQuantization for the scenario, model and GPU. */
export function computeAdvice(params: Route['params']) {
  const scenario = choiceParam<AdviceScenario>(params, 'scenario', ADVICE_SCENARIOS, 'cloud-serving');
  const model = chosenModel({ ...(params.model !== undefined ? { model: params.model } : {}) });
  const gpuId = choiceParam(params, 'gpu', GPU_IDS, DEFAULT_GPU);
  const gpu = findGpu(gpuId);
  if (gpu === undefined) throw new Error(`GPU: unknown "${gpuId}"`);
  const contextTokens = boundedInt(
    params,
    'context',
    'Context',
    Math.min(4096, model.contextTokens ?? 4096),
    1,
    10_000_000,
  );
  const batch = params.batch === undefined ? undefined : boundedInt(params, 'batch', 'Batch', 1, 1, 100_000);
  return adviseQuantization({
    scenario,
    modelId: model.id,
    arch: model.arch,
    gpu,
    gpus: boundedInt(params, 'gpus', 'GPUs', 1, 1, 64),
    contextTokens,
    ...(batch !== undefined ? { batch } : {}),
  });
}

type Step<T> = () => T;

/**
 * Runs the steps one macrotask each (a MessageChannel, so no timer clamping) and returns the results
 * so far: each step stays short, so typing is never blocked by the whole table.
 */
function useStepwise<T>(steps: readonly Step<T>[]): {
  readonly results: readonly T[];
  readonly done: boolean;
} {
  const [state, setState] = useState<{ readonly steps: readonly Step<T>[]; readonly results: T[] }>({
    steps,
    results: [],
  });
  useEffect(() => {
    let next = 0;
    const results: T[] = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const step = steps[next++];
      if (step === undefined) return;
      results.push(step());
      setState({ steps, results: [...results] });
      if (next < steps.length) channel.port2.postMessage(null);
    };
    channel.port2.postMessage(null);
    return () => {
      channel.port1.close();
    };
  }, [steps]);
  const results = state.steps === steps ? state.results : [];
  return { results, done: results.length === steps.length };
}

type RowResult =
  { readonly ok: true; readonly row: SchemeRow } | { readonly ok: false; readonly error: unknown };

const sci = (n: number): string => (n === 0 ? '0' : n.toExponential(2));
const db = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)} dB` : n > 0 ? '∞ dB' : '−∞ dB');

export function QuantPage(props: PageProps): ReactNode {
  const { route, setParams } = props;
  const p = route.params;
  const set = (key: string) => (value: string) => {
    setParams({ [key]: value });
  };

  const sample = useMemo(() => {
    try {
      return { ok: true as const, ...computeQuantTensor({ ...p }) };
    } catch (error) {
      return { ok: false as const, error };
    }
    // Only the sample's own parameters: the advice inputs do not re-quantize the table.
  }, [p.dist, p.size, p.seed]);
  const steps = useMemo<Step<RowResult>[]>(() => {
    if (!sample.ok) return [];
    // The calibration inputs only feed the table: made by its first step, not on the keystroke.
    let calibration: Calibration | undefined;
    return QUANT_SCHEME_IDS.map((id) => () => {
      try {
        calibration ??= quantCalibration(sample.inputs.seed);
        return { ok: true, row: schemeRow(id, sample.sample, calibration) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }, [sample]);
  const table = useStepwise(steps);
  const rows = table.results.flatMap((r) => (r.ok ? [r.row] : []));
  const failed = table.results.find((r): r is Extract<RowResult, { ok: false }> => !r.ok);

  const chart = useMemo(() => {
    if (!table.done || rows.length === 0) return null;
    const sorted = [...rows].sort(
      (a, b) => a.bitsPerWeight - b.bitsPerWeight || a.error.snrDb - b.error.snrDb,
    );
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: sorted.map((r) => `${r.id} (${r.bitsPerWeight.toFixed(2)} bits)`),
        axisLabel: { rotate: 60, fontSize: 10 },
      },
      yAxis: { type: 'value', name: 'SNR (dB)', nameTextStyle: { align: 'left' } },
      series: [{ name: 'SNR (dB)', type: 'bar', data: sorted.map((r) => r.error.snrDb) }],
    };
    // rows is derived from table.results.
  }, [table.results, table.done]);
  // The last finished chart stays on screen while a new table computes (no unmount, no redraw).
  const [shownChart, setShownChart] = useState(chart);
  useEffect(() => {
    if (chart) setShownChart(chart);
  }, [chart]);

  const advice = useMemo(() => {
    try {
      return { ok: true as const, advice: computeAdvice({ ...p }) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [p.scenario, p.model, p.gpu, p.gpus, p.context, p.batch]);
  const scenario = choiceParam<AdviceScenario>(p, 'scenario', ADVICE_SCENARIOS, 'cloud-serving');
  const rec = advice.ok ? advice.advice.recommended : null;

  // Memoized: changing the sample does not re-render the advice, and the other way round.
  const adviceResults = useMemo(
    () =>
      advice.ok ? (
        <>
          <div data-testid="quant-advice" data-precision={rec?.precision ?? ''}>
            <p>
              <strong>
                {rec
                  ? `Recommended: ${rec.precision} (${rec.mode}), ${rec.bitsPerWeight.toFixed(3)} bits per weight`
                  : 'Nothing fits'}
              </strong>
              {rec && (
                <>
                  {' '}
                  — needs{' '}
                  <Num
                    testId="quant-advice-per-gpu-bytes"
                    value={rec.perGpuBytes}
                    text={formatBytes(rec.perGpuBytes)}
                  />{' '}
                  per GPU
                </>
              )}
            </p>
            <ul>
              {advice.advice.why.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
          <div className="scroll">
            <table data-testid="quant-advice-table">
              <thead>
                <tr>
                  <th>precision</th>
                  <th>mode</th>
                  <th>bits/weight</th>
                  <th>per GPU / capacity</th>
                  <th>fits</th>
                  <th>time per output token</th>
                  <th>$ per 1M output tokens</th>
                  <th>note</th>
                </tr>
              </thead>
              <tbody>
                {advice.advice.candidates.map((c) => (
                  <tr key={`${c.precision}-${c.mode}`} data-precision={c.precision}>
                    <td>{c === rec ? <strong>▶ {c.precision}</strong> : c.precision}</td>
                    <td>{c.mode}</td>
                    <td>{c.bitsPerWeight.toFixed(3)} bits</td>
                    <td>
                      {formatBytes(c.perGpuBytes)} /{' '}
                      {c.capacityBytes === null ? '—' : formatBytes(c.capacityBytes)}
                    </td>
                    <td>{c.fits ? 'yes' : 'no'}</td>
                    <td>{c.tpotMs === null ? '—' : formatMs(c.tpotMs)}</td>
                    <td>
                      {c.usdPerMillionOutputTokens === null ? '—' : formatUsd(c.usdPerMillionOutputTokens)}
                    </td>
                    <td>{c.note ?? 'recommended'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <ErrorNote error={advice.error} />
      ),
    [advice, rec],
  );
  return (
    <section className="lab">
      <h1>Quantization</h1>
      <h2>Formats on a sample tensor</h2>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Select
          label="Distribution"
          name="dist"
          value={choiceParam(p, 'dist', SAMPLE_DISTRIBUTIONS, 'normal')}
          options={SAMPLE_DISTRIBUTIONS.map((d) => ({ value: d, label: SAMPLE_DISTRIBUTION_LABELS[d] }))}
          onChange={set('dist')}
        />
        <Select
          label="Tensor size"
          name="size"
          value={String(shownNumber(p, 'size', 16384))}
          options={SAMPLE_ELEMENTS.map((n) => ({
            value: String(n),
            label: `${n.toLocaleString('en-US')} weights (${String(n / SAMPLE_IN_FEATURES)} × ${String(SAMPLE_IN_FEATURES)})`,
          }))}
          onChange={set('size')}
        />
        <NumberInput
          label="Seed"
          name="seed"
          unit="integer"
          min={0}
          value={shownNumber(p, 'seed', 1)}
          onChange={set('seed')}
        />
      </form>
      {sample.ok ? (
        <>
          <p className="note">
            A seeded weight matrix of {sample.sample.values.length.toLocaleString('en-US')} values (
            {sample.sample.shape[0]} × {sample.sample.shape[1]}, standard deviation 0.02
            {sample.sample.outlierChannels.length > 0
              ? `, input channels ${sample.sample.outlierChannels.join(', ')} ×10`
              : ''}
            ): absmax{' '}
            <Num
              testId="quant-sample-absmax"
              value={sample.stats.absMax}
              text={sample.stats.absMax.toFixed(4)}
            />
            , mean |w| {sample.stats.absMean.toFixed(4)} (weight units). GPTQ and AWQ use{' '}
            {CALIBRATION_SAMPLES} seeded calibration inputs; “output error” is ‖XWᵀ − XŴᵀ‖ / ‖XWᵀ‖ on them.
          </p>
          <div className="scroll">
            <table data-testid="quant-table" aria-busy={!table.done}>
              <thead>
                <tr>
                  <th>scheme</th>
                  <th>bits/weight</th>
                  <th>MSE (weight units²)</th>
                  <th>SNR (dB)</th>
                  <th>max |error| (weight units)</th>
                  <th>cosine (−1…1)</th>
                  <th>output error (%)</th>
                </tr>
              </thead>
              <tbody>
                {QUANT_SCHEME_IDS.map((id) => {
                  const r = rows.find((row) => row.id === id);
                  if (r === undefined)
                    return (
                      <tr key={id} data-scheme={id}>
                        <td>{id}</td>
                        <td colSpan={6}>…</td>
                      </tr>
                    );
                  return (
                    <tr key={id} data-scheme={id}>
                      <td title={r.name}>{id}</td>
                      <td>
                        <Num
                          testId={`quant-bits-${id}`}
                          value={r.bitsPerWeight}
                          text={`${r.bitsPerWeight.toFixed(3)} bits`}
                        />
                      </td>
                      <td>
                        <Num testId={`quant-mse-${id}`} value={r.error.mse} text={sci(r.error.mse)} />
                      </td>
                      <td>
                        <Num testId={`quant-snr-${id}`} value={r.error.snrDb} text={db(r.error.snrDb)} />
                      </td>
                      <td>
                        <Num
                          testId={`quant-max-error-${id}`}
                          value={r.error.maxAbsError}
                          text={sci(r.error.maxAbsError)}
                        />
                      </td>
                      <td>
                        <Num
                          testId={`quant-cosine-${id}`}
                          value={r.error.cosine}
                          text={r.error.cosine.toFixed(6)}
                        />
                      </td>
                      <td>
                        <Num
                          testId={`quant-output-error-${id}`}
                          value={r.outputRelError}
                          text={`${(100 * r.outputRelError).toFixed(2)} %`}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {failed && <ErrorNote error={failed.error} />}
          {shownChart && (
            <EChart option={shownChart} label="SNR of each format against its stored bits per weight" />
          )}
        </>
      ) : (
        <ErrorNote error={sample.error} />
      )}

      <h2>Which precision? The decision guide</h2>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Select
          label="Scenario"
          name="scenario"
          value={scenario}
          options={ADVICE_SCENARIOS}
          onChange={set('scenario')}
        />
        <Select
          label="Model"
          name="model"
          value={chosenModel({ ...(p.model !== undefined ? { model: p.model } : {}) }).id}
          options={MODEL_OPTIONS}
          onChange={set('model')}
        />
        <Select
          label="GPU"
          name="gpu"
          value={choiceParam(p, 'gpu', GPU_IDS, DEFAULT_GPU)}
          options={GPU_OPTIONS}
          onChange={set('gpu')}
        />
        <NumberInput
          label="GPUs"
          name="gpus"
          unit="tensor parallel"
          value={shownNumber(p, 'gpus', 1)}
          onChange={set('gpus')}
        />
        <NumberInput
          label="Context"
          name="context"
          unit="tokens"
          value={
            advice.ok
              ? shownNumber(p, 'context', advice.advice.contextTokens)
              : shownNumber(p, 'context', 4096)
          }
          onChange={set('context')}
        />
        <NumberInput
          label="Batch"
          name="batch"
          unit="sequences"
          value={advice.ok ? shownNumber(p, 'batch', advice.advice.batch) : shownNumber(p, 'batch', 1)}
          onChange={set('batch')}
        />
      </form>
      <p className="note">
        The lecture says: {LECTURE_DECISION_GUIDE[scenario].recommended} (
        {LECTURE_DECISION_GUIDE[scenario].rationale}
        ). Each option is checked with the memory planner and the performance model.
      </p>
      {adviceResults}
    </section>
  );
}
