import {
  allGpus,
  ENGINE_PROFILES,
  findGpu,
  fitModel,
  INFERENCE_PLAN_DEFAULTS,
  KV_DTYPES,
  planMemory,
  resolvePrecision,
  type FitResult,
  type MemoryMode,
} from '@costwise/core';
import { memo, startTransition, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { ErrorNote, Num, NumberInput, Select } from '../controls.js';
import { EChart } from '../echart.js';
import { formatBytes } from '../format.js';
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
  type FetchedModel,
} from '../model-choice.js';
import { choiceParam, intParam, type Route } from '../url-state.js';
import { afterNextPaint } from '../url-writer.js';
import { fetchHfConfig, parseHfId, type HfConfigResult } from './memory-hf.js';

const MODES = ['inference', 'train-full', 'lora', 'qlora'] as const satisfies readonly MemoryMode[];
const COMPONENTS = ['weights', 'kvCache', 'activations', 'overhead', 'gradients', 'optimizer'] as const;
const GB = 1e9;

/** Every input of the page, read from the URL with the CLI's defaults. */
function inputs(params: Route['params'], fetched?: FetchedModel) {
  const model = chosenModel(params, fetched);
  const { engine, kvDtype } = engineAndKv(params);
  return {
    model,
    engine,
    kvDtype,
    precision: choiceParam(params, 'precision', PRECISION_IDS, 'bf16'),
    mode: choiceParam(params, 'mode', MODES, 'inference'),
    gpu: choiceParam(params, 'gpu', GPU_IDS, DEFAULT_GPU),
    contextTokens: intParam(params, 'context', Math.min(4096, model.contextTokens ?? 4096), 10_000_000),
    batch: intParam(params, 'batch', 1, 100_000),
  };
}

function resolved(params: Route['params'], fetched?: FetchedModel) {
  const i = inputs(params, fetched);
  const precision = resolvePrecision(i.precision);
  if (precision === undefined) throw new Error(`precision: unknown "${i.precision}"`);
  return { i, precision, engine: ENGINE_PROFILES[i.engine], kvDtype: KV_DTYPES[i.kvDtype] };
}

/** The memory plan, from core's planMemory (as `costwise memory` calls it). */
export function computePlan(params: Route['params'], fetched?: FetchedModel) {
  const { i, precision, engine, kvDtype } = resolved(params, fetched);
  return planMemory({
    ...INFERENCE_PLAN_DEFAULTS,
    modelId: i.model.id,
    arch: i.model.arch,
    precision,
    mode: i.mode,
    contextTokens: i.contextTokens,
    batch: i.batch,
    kvDtype,
    engine,
    gpu: findGpu(i.gpu) ?? null,
  });
}

/** The fit table across every GPU, from core's fitModel (as `costwise fit` calls it), cheapest first. */
export function computeFit(params: Route['params'], fetched?: FetchedModel) {
  const { i, engine, kvDtype } = resolved(params, fetched);
  return fitModel(i.model.arch, {
    gpus: allGpus(),
    precisions: [i.precision],
    maxContextTokens: i.model.contextTokens,
    workload: {
      contextTokens: i.contextTokens,
      batch: i.batch,
      kvDtype,
      engine,
      maxBatchedTokens: Math.min(engine.defaultMaxBatchedTokens, 1 << 20),
      flashAttention: true,
    },
  });
}

/** The fit table's rows; memoised so that typing re-renders them only when the deferred result arrives. */
const FitRows = memo(function FitRows(props: { readonly fit: FitResult | null }): ReactNode {
  return (
    <tbody>
      {props.fit?.options.map((o) => (
        <tr key={`${o.gpu}-${String(o.gpus)}-${String(o.pp)}`} data-gpu={o.gpu} data-gpus={o.gpus}>
          <td>{o.fits ? '✓' : '✗'}</td>
          <td>{o.gpu}</td>
          <td>{o.gpus}</td>
          <td>{o.pp > 1 ? `TP${String(o.tp)}×PP${String(o.pp)}` : `TP${String(o.tp)}`}</td>
          <td data-value={o.perGpuBytes}>{formatBytes(o.perGpuBytes)}</td>
          <td data-value={o.headroomBytes}>
            {o.headroomBytes < 0 ? `−${formatBytes(-o.headroomBytes)}` : formatBytes(o.headroomBytes)}
          </td>
          <td>{o.maxBatchAtContext} seq</td>
          <td>{o.maxContextAtBatch.toLocaleString('en-US')}</td>
          <td data-value={o.hourlyUsd ?? ''}>
            {o.hourlyUsd === null ? '—' : `$${o.hourlyUsd.toFixed(2)}/h`}
          </td>
        </tr>
      ))}
    </tbody>
  );
});

const FIT_HEAD = (
  <thead>
    <tr>
      <th>fits</th>
      <th>GPU</th>
      <th>GPUs</th>
      <th>layout</th>
      <th>per GPU</th>
      <th>headroom</th>
      <th>max batch</th>
      <th>max context (tokens)</th>
      <th>$/hour</th>
    </tr>
  </thead>
);

/** The fit table: marking it busy while its deferred result computes does not re-render its rows. */
function FitTable(props: { readonly fit: FitResult | null; readonly busy: boolean }): ReactNode {
  return (
    <div className="scroll">
      <table data-testid="fit-table" aria-busy={props.busy}>
        {FIT_HEAD}
        <FitRows fit={props.fit} />
      </table>
    </div>
  );
}

/**
 * The model of the `hf` parameter: nothing asked (undefined), its fetched architecture, an error, or
 * loading. A pasted config.json wins over it, as on the CLI a path wins over an id.
 */
function useHfModel(
  params: Route['params'],
):
  | { state: 'none' }
  | { state: 'loading'; id: string }
  | { state: 'error'; message: string }
  | (FetchedModel & { state: 'ok' }) {
  const asked = (params.config?.trim() ?? '') === '' ? (params.hf?.trim() ?? '') : '';
  const parsed = useMemo(() => (asked === '' ? null : parseHfId(asked)), [asked]);
  const id = parsed?.ok === true ? parsed.id : null;
  const [answer, setAnswer] = useState<HfConfigResult | null>(null);
  useEffect(() => {
    if (id === null) return;
    const abort = new AbortController();
    fetchHfConfig(id, abort.signal).then(setAnswer, () => {
      // Aborted: the id changed or the page closed.
    });
    return () => {
      abort.abort();
    };
  }, [id]);
  return useMemo(() => {
    if (parsed === null) return { state: 'none' as const };
    if (!parsed.ok) return { state: 'error' as const, message: parsed.message };
    if (answer?.id !== parsed.id) return { state: 'loading' as const, id: parsed.id };
    return answer.ok
      ? { state: 'ok' as const, id: answer.id, arch: answer.arch }
      : { state: 'error' as const, message: answer.message };
  }, [parsed, answer]);
}

export function MemoryPage(props: {
  readonly route: Route;
  readonly setParams: (p: Readonly<Record<string, string>>) => void;
}): ReactNode {
  const { route, setParams } = props;
  const hf = useHfModel(route.params);
  const fetched = hf.state === 'ok' ? hf : undefined;
  const result = useMemo(() => {
    if (hf.state === 'error') return { ok: false as const, error: new Error(hf.message) };
    if (hf.state === 'loading') return { ok: 'loading' as const, id: hf.id };
    try {
      return { ok: true as const, plan: computePlan(route.params, fetched) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [route.params, hf, fetched]);
  // The fit table (every GPU and layout) renders after the plan's numbers, without blocking typing.
  // It starts after the frame that shows the plan, as a transition, so it delays neither.
  const [fitParams, setFitParams] = useState(route.params);
  useEffect(
    () =>
      afterNextPaint(window)(() => {
        startTransition(() => {
          setFitParams(route.params);
        });
      }),
    [route.params],
  );
  const fit = useMemo(() => {
    if (hf.state === 'error' || hf.state === 'loading') return null;
    try {
      return computeFit(fitParams, fetched);
    } catch {
      return null;
    }
  }, [fitParams, hf, fetched]);
  // The form shows the catalog choice; a pasted config.json (which may not parse yet) is its own field.
  const i = useMemo(() => inputs({ ...route.params, config: '' }), [route.params]);
  const configId = useId();
  const hfId = useId();
  const hfFormId = useId();
  const set = (key: string) => (value: string) => {
    setParams({ [key]: value });
  };
  const chart = useMemo(() => {
    if (result.ok !== true) return null;
    const b = result.plan.perGpu.breakdown;
    return {
      tooltip: { trigger: 'item', valueFormatter: (v: unknown) => `${Number(v).toFixed(2)} GB` },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: 'value', name: 'GB per GPU', nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', data: ['per GPU'] },
      series: COMPONENTS.filter((k) => b[k] > 0).map((k) => ({
        name: k,
        type: 'bar',
        stack: 'memory',
        data: [b[k] / GB],
      })),
    };
  }, [result]);
  return (
    <section>
      <h1>Memory planner</h1>
      <form
        id={hfFormId}
        hidden
        onSubmit={(e) => {
          e.preventDefault();
          const id = new FormData(e.currentTarget).get('hf');
          setParams({ hf: typeof id === 'string' ? id.trim() : '' });
        }}
      ></form>
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
        <div className="field wide">
          <label htmlFor={hfId}>
            …or a Hugging Face id (hf:org/name; its config.json is read from huggingface.co)
          </label>
          <span className="row">
            <input
              id={hfId}
              key={route.params.hf ?? ''}
              name="hf"
              form={hfFormId}
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="hf:Qwen/Qwen2.5-7B-Instruct"
              defaultValue={route.params.hf ?? ''}
            />
            <button type="submit" form={hfFormId}>
              Load config.json
            </button>
          </span>
        </div>
        <div className="field wide">
          <label htmlFor={configId}>…or paste a config.json (used instead of the model when given)</label>
          <textarea
            id={configId}
            name="config"
            rows={2}
            spellCheck={false}
            value={route.params.config ?? ''}
            onChange={(e) => {
              setParams({ config: e.target.value });
            }}
          />
        </div>
        <Select label="Mode" name="mode" value={i.mode} options={MODES} onChange={set('mode')} />
        <Select
          label="Precision"
          name="precision"
          value={i.precision}
          options={PRECISION_IDS}
          onChange={set('precision')}
        />
        <Select label="KV dtype" name="kv" value={i.kvDtype} options={KV_DTYPE_IDS} onChange={set('kv')} />
        <NumberInput
          label="Context"
          name="context"
          unit="tokens"
          value={i.contextTokens}
          onChange={set('context')}
        />
        <NumberInput label="Batch" name="batch" unit="sequences" value={i.batch} onChange={set('batch')} />
        <Select label="Engine" name="engine" value={i.engine} options={ENGINE_IDS} onChange={set('engine')} />
        <Select label="GPU" name="gpu" value={i.gpu} options={GPU_OPTIONS} onChange={set('gpu')} />
      </form>
      {result.ok === 'loading' && (
        <p role="status" aria-busy="true">
          Loading config.json of hf:{result.id} from huggingface.co…
        </p>
      )}
      {result.ok === true && (
        <>
          {fetched && (
            <p className="note" data-testid="memory-model">
              Model: hf:{fetched.id} (config.json from huggingface.co)
            </p>
          )}
          <dl className="figures">
            <dt>Total</dt>
            <dd>
              <Num
                testId="memory-total-bytes"
                value={result.plan.bytes.total}
                text={formatBytes(result.plan.bytes.total)}
              />
            </dd>
            <dt>Weights</dt>
            <dd>
              <Num
                testId="memory-weights-bytes"
                value={result.plan.bytes.weights}
                text={formatBytes(result.plan.bytes.weights)}
              />
            </dd>
            <dt>KV cache</dt>
            <dd>
              <Num
                testId="memory-kv-bytes"
                value={result.plan.bytes.kvCache}
                text={formatBytes(result.plan.bytes.kvCache)}
              />
            </dd>
            <dt>On {result.plan.perGpu.gpu ?? 'GPU'}</dt>
            <dd>
              {result.plan.perGpu.fits === true ? 'fits' : 'does not fit'}
              {result.plan.perGpu.headroomBytes !== null
                ? `, headroom ${formatBytes(result.plan.perGpu.headroomBytes)}`
                : ''}
            </dd>
          </dl>
          {chart && <EChart option={chart} label="Stacked bar of memory per GPU by component" />}
          <h2>Fit across GPUs (cheapest first)</h2>
          <FitTable fit={fit} busy={fitParams !== route.params} />
          <ul className="notes">
            {result.plan.assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </>
      )}
      {result.ok === false && <ErrorNote error={result.error} />}
    </section>
  );
}
