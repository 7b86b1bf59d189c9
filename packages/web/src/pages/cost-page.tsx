import { CLOSED_MODELS, requestCost, resolveClosedModel, resolvePrice, ZERO_USAGE } from '@costwise/core';
import { useId, useMemo, type ReactNode } from 'react';
import { ErrorNote, Num, NumberInput } from '../controls.js';
import { formatUsd } from '../format.js';
import { countParam, type Route } from '../url-state.js';

const DEFAULT_REF = 'anthropic:claude-sonnet-4-5';
const MAX_TOKENS = 1e9;
const KNOWN_REFS = CLOSED_MODELS.map((c) => {
  const r = resolveClosedModel(c);
  return `${r.prices.providerId}:${r.prices.modelId}`;
});

function inputs(params: Route['params']) {
  return {
    ref: (params.model ?? DEFAULT_REF).trim(),
    usage: {
      ...ZERO_USAGE,
      inputTokens: countParam(params, 'input', 10_000, MAX_TOKENS),
      cacheReadTokens: countParam(params, 'cacheRead', 0, MAX_TOKENS),
      cacheWrite5mTokens: countParam(params, 'cacheWrite', 0, MAX_TOKENS),
      outputTokens: countParam(params, 'output', 1_000, MAX_TOKENS),
    },
    batch: params.batch === '1',
  };
}

/** `costwise cost provider:model --usage …` in the browser: resolvePrice, then requestCost. */
export function computeCost(params: Route['params']) {
  const i = inputs(params);
  const colon = i.ref.indexOf(':');
  if (colon <= 0 || colon === i.ref.length - 1)
    throw new Error(`model: "${i.ref}" must be provider:model, e.g. ${DEFAULT_REF} or openai:gpt-4o`);
  const price = resolvePrice(i.ref.slice(0, colon).toLowerCase(), i.ref.slice(colon + 1));
  return { inputs: i, price, cost: requestCost(i.usage, price, { batch: i.batch }) };
}

export function CostPage(props: {
  readonly route: Route;
  readonly setParams: (p: Readonly<Record<string, string>>) => void;
}): ReactNode {
  const { route, setParams } = props;
  const i = useMemo(() => inputs(route.params), [route.params]);
  const out = useMemo(() => {
    try {
      return { ok: true as const, ...computeCost(route.params) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }, [route.params]);
  const set = (key: string) => (value: string) => {
    setParams({ [key]: value });
  };
  const modelId = useId();
  const listId = useId();
  const batchId = useId();
  return (
    <section>
      <h1>Request cost</h1>
      <form
        className="inputs"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <div className="field">
          <label htmlFor={modelId}>Model (provider:model)</label>
          <input
            id={modelId}
            name="model"
            list={listId}
            value={i.ref}
            onChange={(e) => {
              setParams({ model: e.target.value });
            }}
          />
          <datalist id={listId}>
            {KNOWN_REFS.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
        <NumberInput
          label="Input"
          name="input"
          unit="tokens"
          min={0}
          value={i.usage.inputTokens}
          onChange={set('input')}
        />
        <NumberInput
          label="Cache reads"
          name="cacheRead"
          unit="tokens"
          min={0}
          value={i.usage.cacheReadTokens}
          onChange={set('cacheRead')}
        />
        <NumberInput
          label="Cache writes, 5 min"
          name="cacheWrite"
          unit="tokens"
          min={0}
          value={i.usage.cacheWrite5mTokens}
          onChange={set('cacheWrite')}
        />
        <NumberInput
          label="Output"
          name="output"
          unit="tokens"
          min={0}
          value={i.usage.outputTokens}
          onChange={set('output')}
        />
        <div className="field">
          <label htmlFor={batchId}>Batch API</label>
          <input
            id={batchId}
            name="batch"
            type="checkbox"
            checked={i.batch}
            onChange={(e) => {
              setParams({ batch: e.target.checked ? '1' : '0' });
            }}
          />
        </div>
      </form>
      {out.ok ? (
        <>
          <dl className="figures">
            <dt>Total</dt>
            <dd>
              <Num testId="cost-total-usd" value={out.cost.totalUsd} text={formatUsd(out.cost.totalUsd)} />
            </dd>
            <dt>Input side</dt>
            <dd>{formatUsd(out.cost.inputUsd)}</dd>
            <dt>Output</dt>
            <dd>{formatUsd(out.cost.outputUsd)}</dd>
          </dl>
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th>tokens</th>
                  <th>count (tokens)</th>
                  <th>$/1M tokens</th>
                  <th>cost (USD)</th>
                </tr>
              </thead>
              <tbody>
                {out.cost.lines.map((l) => (
                  <tr key={l.unit}>
                    <td>{l.unit}</td>
                    <td>{l.tokens.toLocaleString('en-US')}</td>
                    <td>${l.usdPerMTok}</td>
                    <td>{formatUsd(l.usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="note">Prices: {out.cost.priceSource}</p>
          <ul className="notes">
            {[...out.price.warnings, ...out.cost.warnings].map((w) => (
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
