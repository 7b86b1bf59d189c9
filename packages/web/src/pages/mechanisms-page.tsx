import { useDeferredValue, useMemo, type ReactNode } from 'react';
import { ErrorNote, Num, NumberInput, Select } from '../controls.js';
import { EChart } from '../echart.js';
import type { PageProps, Route } from '../url-state.js';
import {
  ATTENTION_MAX,
  attentionInputs,
  attentionKvBytes,
  computeAttention,
  computeMoe,
  computeSsm,
  KV_ELEMENT_BYTES,
  KV_ELEMENT_DTYPES,
  MOE_ALPHA,
  MOE_MAX,
  moeInputs,
  SSM_MAX,
  SSM_SIGNALS,
  ssmInputs,
} from './mechanisms-lab.js';
import { shownNumber } from './quant-lab.js';

const noSubmit = (e: { preventDefault(): void }): void => {
  e.preventDefault();
};

function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

const sci = (n: number): string => (n === 0 ? '0' : n.toExponential(2));
const elements = (n: number): string => `${n.toLocaleString('en-US')} elements`;

/**
 * Rows × columns of shares in [0, 1], as shaded cells (a 0 shows as a masked or unrouted cell). The
 * cells render as a deferred value: a thousand cells never hold up the numbers above them.
 */
function Heatmap(props: {
  readonly testId: string;
  readonly label: string;
  readonly corner: string;
  /** The number of the first row and of the first column (0 or 1). */
  readonly rowBase: number;
  readonly colBase: number;
  readonly cells: readonly (readonly number[])[];
  readonly emptyTitle: string;
}): ReactNode {
  const { label, corner, rowBase, colBase, emptyTitle } = props;
  const cells = useDeferredValue(props.cells);
  const table = useMemo(
    () => (
      <table className="heatmap" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{corner}</th>
            {(cells[0] ?? []).map((_, j) => (
              <th key={j} scope="col">
                {j + colBase}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cells.map((row, i) => (
            <tr key={i}>
              <th scope="row">{i + rowBase}</th>
              {row.map((v, j) =>
                v === 0 ? (
                  <td key={j} className="empty" data-value="0" title={emptyTitle} />
                ) : (
                  <td
                    key={j}
                    data-value={String(v)}
                    title={`${(100 * v).toFixed(1)} %`}
                    style={{
                      background: `rgba(16, 42, 67, ${String(0.1 + 0.9 * v)})`,
                      color: v > 0.4 ? '#fff' : '#1b1f24',
                    }}
                  >
                    {(100 * v).toFixed(0)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    ),
    [cells, label, corner, rowBase, colBase, emptyTitle],
  );
  return (
    <div className="scroll" data-testid={props.testId} aria-busy={cells !== props.cells}>
      {table}
    </div>
  );
}

function AttentionSection(props: PageProps): ReactNode {
  const p = props.route.params;
  const set = (key: string) => (value: string) => {
    props.setParams({ [key]: value });
  };
  const inputs = useMemo(
    () => attempt(() => attentionInputs(p)),
    // Only this explainer's parameters: the others' inputs do not recompute it.
    [p.seed, p.tokens, p.dmodel, p.heads, p.kvheads, p.head, p.kvdtype],
  );
  // The KV cache size is immediate; running the layer (up to 32 decode steps) is a deferred render.
  const kvBytes = useMemo(() => (inputs.ok ? attentionKvBytes(inputs.value) : null), [inputs]);
  const deferred = useDeferredValue(inputs);
  const out = useMemo(
    () => (deferred.ok ? attempt(() => computeAttention(deferred.value)) : deferred),
    [deferred],
  );
  const chart = useMemo(() => {
    if (!out.ok) return null;
    const s = out.value.steps;
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 56, containLabel: true },
      xAxis: {
        type: 'category',
        name: 'decode step (tokens)',
        nameLocation: 'middle',
        nameGap: 28,
        data: s.map((x) => String(x.cachedTokens)),
      },
      yAxis: [
        { type: 'value', name: 'scores per step', nameTextStyle: { align: 'left' } },
        { type: 'value', name: 'KV cache (bytes)', nameTextStyle: { align: 'right' } },
      ],
      series: [
        { name: 'scores without cache (~n²)', type: 'line', data: s.map((x) => x.scoresWithoutCache) },
        { name: 'scores with cache (~n)', type: 'line', data: s.map((x) => x.scoresWithCache) },
        { name: 'KV cache (bytes)', type: 'line', yAxisIndex: 1, data: s.map((x) => x.kvCacheBytes) },
      ],
    };
  }, [out]);
  const kvFigure =
    inputs.ok && kvBytes !== null ? (
      <dl className="figures">
        <dt>KV cache after {inputs.value.tokens} tokens</dt>
        <dd>
          <Num testId="attn-kv-bytes" value={kvBytes} text={`${kvBytes.toLocaleString('en-US')} bytes`} /> = 2
          (K, V) × {inputs.value.tokens} tokens × {inputs.value.kvHeads} KV heads ×{' '}
          {inputs.value.dModel / inputs.value.heads} head dim × {KV_ELEMENT_BYTES[inputs.value.kvDtype]} bytes
        </dd>
      </dl>
    ) : null;
  // Memoized, so that typing in another explainer does not re-render this one.
  const results = useMemo(
    () =>
      out.ok ? (
        <>
          <dl className="figures">
            <dt>Cached decode vs full causal attention</dt>
            <dd>
              max |difference|{' '}
              <Num
                testId="attn-cache-max-diff"
                value={out.value.maxDifference}
                text={sci(out.value.maxDifference)}
              />{' '}
              (output units): decoding token by token with the cache gives the same output
            </dd>
            <dt>Query·key scores for all {out.value.inputs.tokens} steps, per head</dt>
            <dd>
              without cache{' '}
              <Num
                testId="attn-scores-without-cache"
                value={out.value.steps.reduce((a, s) => a + s.scoresWithoutCache, 0)}
                text={`${out.value.steps.reduce((a, s) => a + s.scoresWithoutCache, 0).toLocaleString('en-US')} scores`}
              />
              , with cache{' '}
              <Num
                testId="attn-scores-with-cache"
                value={out.value.steps.reduce((a, s) => a + s.scoresWithCache, 0)}
                text={`${out.value.steps.reduce((a, s) => a + s.scoresWithCache, 0).toLocaleString('en-US')} scores`}
              />{' '}
              (each step without a cache recomputes the whole prefix: ~n² per step instead of n)
            </dd>
          </dl>
          <p className="note">
            Attention weights of head {out.value.inputs.head} (query rows, key columns, in %): the hatched
            upper triangle is the causal mask, each row sums to 100 %.
          </p>
          <Heatmap
            testId="attn-heatmap"
            label={`Attention weights of head ${String(out.value.inputs.head)}`}
            corner="query \ key"
            rowBase={1}
            colBase={1}
            cells={out.value.heatmap}
            emptyTitle="masked (a query never sees later keys)"
          />
          {chart && (
            <EChart option={chart} label="Attention work per decode step with and without a KV cache" />
          )}
        </>
      ) : (
        <ErrorNote error={out.error} />
      ),
    [out, chart],
  );
  return (
    <section aria-labelledby="attention-h">
      <h2 id="attention-h">Attention with a KV cache</h2>
      <form className="inputs" onSubmit={noSubmit}>
        <NumberInput
          label="Sequence length"
          name="tokens"
          unit="tokens"
          value={shownNumber(p, 'tokens', 8)}
          onChange={set('tokens')}
        />
        <NumberInput
          label="d_model"
          name="dmodel"
          unit="features"
          value={shownNumber(p, 'dmodel', 16)}
          onChange={set('dmodel')}
        />
        <NumberInput
          label="Heads"
          name="heads"
          unit="query heads"
          value={shownNumber(p, 'heads', 4)}
          onChange={set('heads')}
        />
        <NumberInput
          label="KV heads"
          name="kvheads"
          unit="GQA groups"
          value={shownNumber(p, 'kvheads', Math.min(2, shownNumber(p, 'heads', 4)))}
          onChange={set('kvheads')}
        />
        <NumberInput
          label="Heatmap head"
          name="head"
          unit="head number"
          value={shownNumber(p, 'head', 1)}
          onChange={set('head')}
        />
        <Select
          label="KV cache dtype"
          name="kvdtype"
          value={p.kvdtype ?? 'bf16'}
          options={KV_ELEMENT_DTYPES.map((d) => ({
            value: d,
            label: `${d} (${String(KV_ELEMENT_BYTES[d])} bytes)`,
          }))}
          onChange={set('kvdtype')}
        />
      </form>
      {inputs.ok ? (
        <>
          {kvFigure}
          <div data-testid="attn-results" aria-busy={deferred !== inputs}>
            {results}
          </div>
        </>
      ) : (
        <ErrorNote error={inputs.error} />
      )}
    </section>
  );
}

function MoeSection(props: PageProps): ReactNode {
  const p = props.route.params;
  const set = (key: string) => (value: string) => {
    props.setParams({ [key]: value });
  };
  const out = useMemo(
    () =>
      attempt(() => {
        const inputs = moeInputs(p);
        return { ...computeMoe(inputs), unskewed: computeMoe({ ...inputs, skew: 0 }).auxLoss };
      }),
    // Only this explainer's parameters: the others' inputs do not recompute it.
    [p.seed, p.experts, p.topk, p.moetokens, p.skew],
  );
  const chart = useMemo(() => {
    if (!out.ok) return null;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 8, top: 32, bottom: 40, containLabel: true },
      xAxis: {
        type: 'category',
        name: 'expert',
        nameLocation: 'middle',
        nameGap: 24,
        data: out.value.tokensPerExpert.map((_, e) => String(e)),
      },
      yAxis: { type: 'value', name: 'tokens routed', nameTextStyle: { align: 'left' } },
      series: [{ name: 'tokens', type: 'bar', data: out.value.tokensPerExpert }],
    };
  }, [out]);
  const experts = out.ok ? out.value.inputs.experts : 0;
  // Memoized, so that typing in another explainer does not re-render this one.
  const results = useMemo(
    () =>
      out.ok ? (
        <>
          <dl className="figures">
            <dt>Load-balancing loss</dt>
            <dd>
              <Num testId="moe-aux-loss" value={out.value.auxLoss} text={out.value.auxLoss.toFixed(5)} /> (α ={' '}
              {MOE_ALPHA}: α × E × Σ fᵢ·Pᵢ, which is {MOE_ALPHA} when routing is perfectly uniform and grows
              as it concentrates; without skew: {out.value.unskewed.toFixed(5)})
            </dd>
            <dt>Busiest expert</dt>
            <dd>
              {Math.max(...out.value.tokensPerExpert)} of {out.value.inputs.tokens} tokens (an even share is{' '}
              {((out.value.inputs.tokens * out.value.inputs.topK) / experts).toFixed(1)} tokens)
            </dd>
          </dl>
          {chart && <EChart option={chart} label="Tokens routed to each expert" />}
          <p className="note">
            Gate weight (%) of each token (columns) at each expert (rows); blank: not routed.
          </p>
          <Heatmap
            testId="moe-routing"
            label="Gate weights of each token's chosen experts"
            corner="expert \ token"
            rowBase={0}
            colBase={1}
            cells={Array.from({ length: experts }, (_, e) =>
              out.value.routes.map((r) => {
                const k = r.experts.indexOf(e);
                return k === -1 ? 0 : (r.weights[k] ?? 0);
              }),
            )}
            emptyTitle="not routed to this expert"
          />
        </>
      ) : (
        <ErrorNote error={out.error} />
      ),
    [out, chart],
  );
  return (
    <section aria-labelledby="moe-h">
      <h2 id="moe-h">Top-k mixture-of-experts routing</h2>
      <form className="inputs" onSubmit={noSubmit}>
        <NumberInput
          label="Experts"
          name="experts"
          unit="E"
          value={shownNumber(p, 'experts', 8)}
          onChange={set('experts')}
        />
        <NumberInput
          label="Top-k"
          name="topk"
          unit="experts per token"
          value={shownNumber(p, 'topk', 2)}
          onChange={set('topk')}
        />
        <NumberInput
          label="Tokens"
          name="moetokens"
          unit="tokens"
          value={shownNumber(p, 'moetokens', 32)}
          onChange={set('moetokens')}
        />
        <NumberInput
          label="Router skew"
          name="skew"
          unit="0 = none, up to 10"
          min={0}
          value={shownNumber(p, 'skew', 0)}
          onChange={set('skew')}
        />
      </form>
      {results}
    </section>
  );
}

function SsmSection(props: PageProps): ReactNode {
  const p = props.route.params;
  const set = (key: string) => (value: string) => {
    props.setParams({ [key]: value });
  };
  const out = useMemo(
    () => attempt(() => computeSsm(ssmInputs(p))),
    // Only this explainer's parameters: the others' inputs do not recompute it.
    [p.seed, p.state, p.length, p.signal],
  );
  const charts = useMemo(() => {
    if (!out.ok) return null;
    const t = out.value.xs.map((_, i) => String(i + 1));
    const axis = { type: 'category', name: 'token', nameLocation: 'middle', nameGap: 28, data: t };
    const grid = { left: 8, right: 8, top: 32, bottom: 56, containLabel: true };
    return {
      output: {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid,
        xAxis: axis,
        yAxis: { type: 'value', name: 'value (x and y units)', nameTextStyle: { align: 'left' } },
        series: [
          { name: 'input x', type: 'line', data: out.value.xs.map((x) => x[0] ?? 0) },
          { name: 'y by the scan', type: 'line', data: out.value.scan.map((y) => y[0] ?? 0) },
          {
            name: 'y by the convolution',
            type: 'line',
            lineStyle: { type: 'dashed' },
            data: out.value.convolution.map((y) => y[0] ?? 0),
          },
        ],
      },
      memory: {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid,
        xAxis: axis,
        yAxis: { type: 'value', name: 'elements', nameTextStyle: { align: 'left' } },
        series: [
          { name: 'SSM state (elements)', type: 'line', data: out.value.growth.map((g) => g.stateElements) },
          {
            name: 'KV cache, same width (elements)',
            type: 'line',
            data: out.value.growth.map((g) => g.kvElements),
          },
        ],
      },
    };
  }, [out]);
  // Memoized, so that typing in another explainer does not re-render this one.
  const results = useMemo(
    () =>
      out.ok ? (
        <>
          <dl className="figures">
            <dt>Scan vs convolution</dt>
            <dd>
              max |difference|{' '}
              <Num
                testId="ssm-max-diff"
                value={out.value.maxDifference}
                text={sci(out.value.maxDifference)}
              />{' '}
              (output units): h_t = A h_(t−1) + B x_t, y_t = C h_t + D x_t equals y_t = Σ C Aᵏ B x_(t−k) + D
              x_t
            </dd>
            <dt>State after {out.value.inputs.length} tokens</dt>
            <dd>
              <Num
                testId="ssm-state-elements"
                value={out.value.stateElements}
                text={elements(out.value.stateElements)}
              />{' '}
              (constant), while a KV cache as wide grows to{' '}
              <Num
                testId="ssm-kv-elements"
                value={out.value.kvElements}
                text={elements(out.value.kvElements)}
              />
            </dd>
          </dl>
          {charts && (
            <>
              <EChart
                option={charts.output}
                label="SSM input and output, by the scan and by the convolution"
              />
              <EChart option={charts.memory} label="SSM state size against KV cache size as tokens grow" />
            </>
          )}
        </>
      ) : (
        <ErrorNote error={out.error} />
      ),
    [out, charts],
  );
  return (
    <section aria-labelledby="ssm-h">
      <h2 id="ssm-h">The SSM recurrence</h2>
      <form className="inputs" onSubmit={noSubmit}>
        <NumberInput
          label="State size"
          name="state"
          unit="N"
          value={shownNumber(p, 'state', 4)}
          onChange={set('state')}
        />
        <NumberInput
          label="SSM sequence length"
          name="length"
          unit="tokens"
          value={shownNumber(p, 'length', 32)}
          onChange={set('length')}
        />
        <Select
          label="Input signal"
          name="signal"
          value={p.signal ?? 'impulse'}
          options={SSM_SIGNALS}
          onChange={set('signal')}
        />
      </form>
      {results}
    </section>
  );
}

export function MechanismsPage(props: PageProps): ReactNode {
  const p: Route['params'] = props.route.params;
  return (
    <section className="lab">
      <h1>Mechanisms</h1>
      <p className="note">
        Three small models on seeded random weights, computed by core/mechanisms. Sizes are capped (attention:{' '}
        {ATTENTION_MAX.tokens} tokens, d_model {ATTENTION_MAX.dModel}, {ATTENTION_MAX.heads} heads; MoE:{' '}
        {MOE_MAX.experts} experts, {MOE_MAX.tokens} tokens; SSM: state {SSM_MAX.state}, {SSM_MAX.length}{' '}
        tokens) so that every change recomputes within a frame.
      </p>
      <form className="inputs" onSubmit={noSubmit}>
        <NumberInput
          label="Seed"
          name="seed"
          unit="integer"
          min={0}
          value={shownNumber(p, 'seed', 1)}
          onChange={(v) => {
            props.setParams({ seed: v });
          }}
        />
      </form>
      <AttentionSection {...props} />
      <MoeSection {...props} />
      <SsmSection {...props} />
    </section>
  );
}
