import { describe, expect, it } from 'vitest';
import { computeBreakeven, crossing } from './breakeven-inputs.js';

describe('the break-even page', () => {
  it('blends the self-hosted $/M as the CLI does and solves T* = F / (p_api − p_self)', () => {
    // the lecture's model: $10,000 a month of operations, GPUs that scale to zero
    const r = computeBreakeven({ ops: '10000', minReplicas: '0' });
    const { usdPerMillionInputTokens: pin, usdPerMillionOutputTokens: pout } = r.perf;
    if (pin === null || pout === null) throw new Error('no GPU price');
    // costwise breakeven: (p_in · input + p_out · output) / (input + output)
    expect(r.selfHostUsdPerMTok).toBeCloseTo((pin * 768 + pout * 256) / 1024, 12);
    expect(r.outputShare).toBe(0.25);
    const api = r.apiPrice.record.inputMtok * 0.75 + r.apiPrice.record.outputMtok * 0.25;
    expect(r.result.apiUsdPerMTok).toBeCloseTo(api, 12);
    expect(r.fixedUsdPerMonth).toBe(10_000);
    expect(r.result.breakEvenTokensPerMonth).toBeCloseTo((10_000 * 1e6) / (api - r.selfHostUsdPerMTok), 3);
    expect(r.perf.batch).toBe(r.perf.maxBatch);
  });

  it('the chart marks the crossing on both lines', () => {
    const { result } = computeBreakeven({});
    const c = crossing(result);
    if (c === null) throw new Error('no crossing');
    const selfAt =
      result.selfHostFixedUsdPerMonth +
      Math.max(result.selfHostMinimumUsdPerMonth, (c.tokensPerMonth * result.selfHostUsdPerMTok) / 1e6);
    expect(c.usdPerMonth).toBeCloseTo(selfAt, 6);
    expect(crossing({ ...result, breakEvenTokensPerMonth: null })).toBeNull();
  });

  it('adds the amortized hardware to the fixed cost and takes a typed GPU price', () => {
    const r = computeBreakeven({
      ops: '2000',
      upfront: '36000',
      amortize: '12',
      gpuUsd: '2.5',
      utilization: '1',
    });
    expect(r.fixedUsdPerMonth).toBe(2000 + 36_000 / 12);
    expect(r.gpuHourlyUsd).toBe(2.5);
    expect(r.perfInput.utilization).toBe(1);
  });

  it('one always-on replica by default: the GPU bill never falls below tp × $/GPU-hour × 720 h', () => {
    const r = computeBreakeven({ gpuUsd: '2', gpus: '4' });
    expect(r.minimumUsdPerMonth).toBe(1 * 4 * 2 * 720);
    expect(r.result.curve[0]?.selfHostUsd).toBe(5760);
    const elastic = computeBreakeven({ gpuUsd: '2', gpus: '4', minReplicas: '0' });
    expect(elastic.minimumUsdPerMonth).toBe(0);
    // no fixed cost and GPUs that scale to zero: every volume is a break-even (the lecture's model)
    expect(elastic.result.breakEvenTokensPerMonth).toBe(0);
    expect(r.result.breakEvenTokensPerMonth).toBeGreaterThan(0);
  });

  it('halving the utilization doubles the self-hosted price per token', () => {
    const full = computeBreakeven({ utilization: '1' }).selfHostUsdPerMTok;
    expect(computeBreakeven({ utilization: '0.5' }).selfHostUsdPerMTok).toBeCloseTo(2 * full, 9);
  });

  it('never breaks even when self-hosting costs more per token than the API', () => {
    const r = computeBreakeven({ api: 'groq:gemma2-9b-it', gpuUsd: '900', utilization: '0.01' });
    expect(r.result.breakEvenTokensPerMonth).toBeNull();
  });

  it.each([
    [{ utilization: '0' }, /^utilization: "0" must be a number > 0 and ≤ 1/],
    [{ gpus: '0' }, /^gpus: "0" must be a whole number ≥ 1/],
    [{ api: 'gpt-4o' }, /^api: "gpt-4o" must be provider:model/],
    [{ outputShare: '2' }, /^outputShare: "2" must be a number ≥ 0 and ≤ 1/],
    [{ amortize: '0' }, /^amortize: "0" must be a number > 0/],
    [{ minReplicas: '1.5' }, /^minReplicas: "1.5" must be a whole number/],
    [{ model: 'llama-3.1-405b', gpus: '1', precision: 'bf16' }, /^model: /],
  ])('a bad input %j names its field', (params, message) => {
    expect(() => computeBreakeven(params)).toThrow(message);
  });
});
