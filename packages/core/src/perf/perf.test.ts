import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../arch/index.js';
import { findCatalogModel, findGpu, resolvePrecision, type GpuSpec } from '../catalog/index.js';
import { KV_DTYPES } from '../memory/kv-dtypes.js';
import { DEFAULT_EFFICIENCY } from './efficiency.js';
import { erlangC, expectedTokensPerStep, predictPerf, type PerfInput, type PerfResult } from './perf.js';
import { computeRate, expertsTouched, isRooflineError, roofline } from './roofline.js';

function arch(id: string) {
  const entry = findCatalogModel(id);
  if (!entry) throw new Error(id);
  return architectureFromConfig(entry.config);
}
function gpu(id: string): GpuSpec {
  const g = findGpu(id);
  if (!g) throw new Error(id);
  return g;
}
function precision(id: string) {
  const p = resolvePrecision(id);
  if (!p) throw new Error(id);
  return p;
}

const llama8b: PerfInput = {
  arch: arch('llama-3.1-8b'),
  precision: precision('bf16'),
  kvDtype: KV_DTYPES.bf16,
  gpu: gpu('h100-sxm'),
  tp: 1,
  engine: 'vllm',
  batch: 1,
  inputTokens: 512,
  outputTokens: 256,
};

function ok(p: PerfInput): PerfResult {
  const r = predictPerf(p);
  if (!r.ok) throw new Error(r.message);
  return r.result;
}

describe('roofline closed forms', () => {
  it('a batch-1 decode step is the weight read at bandwidth × MBU, plus KV, plus the step overhead', () => {
    const r = roofline(llama8b);
    if (isRooflineError(r)) throw new Error(r.error);
    const step = r.decodeStep(1, 0);
    // 8,030,261,248 parameters × 2 bytes (safetensors header of meta-llama/Llama-3.1-8B) at 3.35 TB/s (gpus.json)
    const weightMs = ((8_030_261_248 * 2) / (3350e9 * DEFAULT_EFFICIENCY.weightMbu)) * 1e3;
    expect(step.memoryMs).toBeCloseTo(weightMs, 6);
    expect(step.ms).toBeCloseTo(weightMs + 1.0, 6); // vLLM step overhead 1 ms
    // 1,000 tokens of context add 128 KiB per token (32 layers × 8 KV heads × 128 × 2 × 2 B)
    const withKv = r.decodeStep(1, 1000);
    expect(withKv.kvBytesRead).toBe(1000 * 131_072);
  });

  it('decode is memory-bound below the ridge batch and compute-bound from it on', () => {
    // short sequences: at long contexts the KV read per sequence outgrows its FLOPs and there is no ridge
    const short = { ...llama8b, inputTokens: 64, outputTokens: 64 };
    const result = ok(short);
    expect(result.bound).toBe('memory');
    const ridge = result.ridgeBatch;
    expect(ridge).not.toBeNull();
    const r = roofline(short);
    if (isRooflineError(r) || ridge === null) throw new Error('no ridge');
    const avg = 64 + 32;
    expect(r.decodeStep(ridge - 1, avg).bound).toBe('memory');
    expect(r.decodeStep(ridge, avg).bound).toBe('compute');
    // below the ridge a bigger batch costs almost nothing per step; above it, step time grows ~linearly
    const s1 = r.decodeStep(1, 0).ms;
    const s8 = r.decodeStep(8, 0).ms;
    expect(s8 / s1).toBeLessThan(1.01);
  });

  it('tensor parallelism lowers TPOT, but less than linearly (all-reduce and per-step overhead)', () => {
    const a = ok({ ...llama8b, arch: arch('llama-3.1-70b'), tp: 2 });
    const b = ok({ ...llama8b, arch: arch('llama-3.1-70b'), tp: 4 });
    const c = ok({ ...llama8b, arch: arch('llama-3.1-70b'), tp: 8 });
    expect(b.tpotMs).toBeLessThan(a.tpotMs);
    expect(c.tpotMs).toBeLessThan(b.tpotMs);
    expect(b.tpotMs).toBeGreaterThan(a.tpotMs / 2);
    expect(c.tpotMs).toBeGreaterThan(b.tpotMs / 2);
  });

  it('MoE decode reads only the experts the batch touches: E·(1 − (1 − k/E)^B)', () => {
    expect(expertsTouched(8, 2, 1)).toBeCloseTo(2, 12);
    expect(expertsTouched(8, 2, 2)).toBeCloseTo(8 * (1 - 0.75 ** 2), 12);
    const mixtral = { ...llama8b, arch: arch('mixtral-8x7b'), tp: 2 };
    const r = roofline(mixtral);
    if (isRooflineError(r)) throw new Error(r.error);
    const one = r.decodeStep(1, 0).weightBytesRead;
    const many = r.decodeStep(256, 0).weightBytesRead;
    expect(one).toBeCloseTo(r.weightBytesPerGpu - r.expertBytesPerGpu * (6 / 8), 0);
    expect(many / r.weightBytesPerGpu).toBeGreaterThan(0.999);
  });

  it('FP8 KV halves the KV bytes each step reads', () => {
    const bf = roofline(llama8b);
    const f8 = roofline({ ...llama8b, kvDtype: KV_DTYPES.fp8 });
    if (isRooflineError(bf) || isRooflineError(f8)) throw new Error('roofline');
    expect(f8.decodeStep(16, 4096).kvBytesRead / bf.decodeStep(16, 4096).kvBytesRead).toBe(0.5);
  });

  it('weight-only int4 keeps 16-bit math; W8A8 FP8 uses the FP8 rate only where the GPU has one', () => {
    const h100 = gpu('h100-sxm');
    const rateOf = (g: GpuSpec, p: string): number => {
      const r = computeRate(g, precision(p));
      if ('error' in r) throw new Error(r.error);
      return r.tflops;
    };
    expect(rateOf(h100, 'int4')).toBe(rateOf(h100, 'bf16'));
    expect(rateOf(h100, 'fp8')).toBe(h100.denseTflops.fp8);
    const a100 = computeRate(gpu('a100-80gb'), precision('fp8'));
    expect('error' in a100 && a100.error).toMatch(/no FP8/);
  });
});

describe('speculative decoding', () => {
  it('expected tokens per target step is (1 − α^(γ+1)) / (1 − α) (Leviathan et al. 2023, eq. 1)', () => {
    expect(expectedTokensPerStep(0.8, 4)).toBeCloseTo((1 - 0.8 ** 5) / 0.2, 12);
    expect(expectedTokensPerStep(0, 5)).toBe(1);
    expect(expectedTokensPerStep(1, 5)).toBe(6);
    expect(expectedTokensPerStep(0.6, 3)).toBeCloseTo(2.176, 12);
  });

  it('speeds up memory-bound decoding and slows it down once the batch is compute-bound', () => {
    const spec = { acceptance: 0.7, draftTokens: 4, draft: { kind: 'ngram' as const } };
    const shortRequests = { ...llama8b, inputTokens: 64, outputTokens: 64 };
    const small = ok({ ...shortRequests, speculation: spec });
    expect(small.speculative?.speedup).toBeGreaterThan(2);
    const from = small.speculative?.slowerFromBatch;
    expect(from).toBeGreaterThan(1);
    if (from === null || from === undefined) throw new Error('no break-even');
    expect(ok({ ...shortRequests, batch: from, speculation: spec }).speculative?.speedup).toBeLessThan(1);
    expect(
      ok({ ...shortRequests, batch: from - 1, speculation: spec }).speculative?.speedup,
    ).toBeGreaterThanOrEqual(1);
  });

  it('a draft model costs γ of its own decode steps per cycle', () => {
    const ngram = ok({
      ...llama8b,
      arch: arch('llama-3.1-70b'),
      tp: 4,
      speculation: { acceptance: 0.7, draftTokens: 4, draft: { kind: 'ngram' } },
    });
    const drafted = ok({
      ...llama8b,
      arch: arch('llama-3.1-70b'),
      tp: 4,
      speculation: {
        acceptance: 0.7,
        draftTokens: 4,
        draft: { kind: 'model', arch: arch('llama-3.2-1b'), precision: precision('bf16') },
      },
    });
    expect(drafted.tpotMs).toBeGreaterThan(ngram.tpotMs);
    // the draft's weights and KV share the memory: fewer sequences fit
    expect(drafted.maxBatch).toBeLessThan(ngram.maxBatch);
    expect(drafted.maxBatch).toBeGreaterThan(ngram.maxBatch * 0.8);
    expect(drafted.speculative?.speedup).toBeGreaterThan(1);
  });
});

describe('cost and load', () => {
  it('prices tokens from throughput: GPU $/s ÷ tokens/s, split between prefill and decode time', () => {
    const r = ok({ ...llama8b, batch: 64, gpuHourlyUsd: 2.5, utilization: 0.5 });
    const paidPerRequestCycle = (2.5 / 3600 / 0.5) * (r.requestLatencyMs / 1e3);
    const billed =
      ((r.usdPerMillionInputTokens ?? 0) * 64 * 512 + (r.usdPerMillionOutputTokens ?? 0) * 64 * 256) / 1e6;
    expect(billed).toBeCloseTo(paidPerRequestCycle, 12);
    // per request: the batch shares the cycle's GPU time
    expect(r.usdPerRequest).toBeCloseTo(paidPerRequestCycle / 64, 12);
    // output tokens pay for decode time only: $/s ÷ (output tokens/s during decode)
    const decodeTokensPerS = (64 * 256) / ((r.requestLatencyMs - r.ttftMs) / 1e3);
    expect(r.usdPerMillionOutputTokens).toBeCloseTo(((2.5 / 3600 / 0.5) * 1e6) / decodeTokensPerS, 9);
    expect(r.usdPerMillionOutputTokens).toBeLessThan(((2.5 / 3600 / 0.5) * 1e6) / r.outputTokensPerSecond);
    expect(ok(llama8b).usdPerMillionInputTokens).toBeNull();
  });

  it('batch max runs at the largest batch memory allows', () => {
    const r = ok({ ...llama8b, batch: 'max' });
    expect(r.batch).toBe(r.maxBatch);
    const over = predictPerf({ ...llama8b, batch: r.maxBatch + 1 });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.code).toBe('DOES_NOT_FIT');
  });

  it('Erlang C matches the M/M/1 and M/M/2 closed forms', () => {
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    // M/M/2 at a = 1: P(wait) = a²/(2 + a)... = 1/3
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('under an arrival rate, latency grows with load and the rate beyond saturation is refused', () => {
    const low = ok({ ...llama8b, load: { kind: 'rate', requestsPerSecond: 1 } });
    const sat = low.load?.saturationRps ?? 0;
    expect(sat).toBeGreaterThan(1);
    const high = ok({ ...llama8b, load: { kind: 'rate', requestsPerSecond: sat * 0.9 } });
    expect(high.requestLatencyMs).toBeGreaterThan(low.requestLatencyMs);
    expect(high.load?.concurrency).toBeGreaterThan(low.load?.concurrency ?? Infinity);
    // Little's law: sequences in flight = rate × time in service
    expect(low.load?.concurrency).toBeCloseTo(
      (1 * (low.requestLatencyMs - (low.load?.queueWaitMs ?? 0))) / 1e3,
      6,
    );
    expect(low.outputTokensPerSecond).toBeCloseTo(256, 9);
    const over = predictPerf({ ...llama8b, load: { kind: 'rate', requestsPerSecond: sat * 1.2 } });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.code).toBe('OVERLOADED');
  });

  it('closed-loop concurrency settles where rate = N ÷ latency', () => {
    const r = ok({ ...llama8b, load: { kind: 'concurrency', concurrency: 32 } });
    expect(r.load?.arrivalRps).toBeCloseTo((32 * 1e3) / r.requestLatencyMs, 6);
  });
});

describe('pipeline parallelism (--pp)', () => {
  const llama70b: PerfInput = { ...llama8b, arch: arch('llama-3.1-70b') };

  it('pp = 1 is the plain layout', () => {
    expect(ok({ ...llama70b, tp: 2, pp: 1 })).toEqual(ok({ ...llama70b, tp: 2 }));
  });

  it('stages add memory, not speed: a 70B bf16 that does not fit one H100 fits two stages', () => {
    expect(predictPerf({ ...llama70b, tp: 1 })).toMatchObject({ ok: false, code: 'DOES_NOT_FIT' });
    const pp2 = ok({ ...llama70b, tp: 1, pp: 2 });
    const tp2 = ok({ ...llama70b, tp: 2 });
    // one sequence still walks every layer in turn: a stage reads half the weights, twice per token,
    // plus a hop and a step overhead per stage — slower than TP 2, which reads half the weights once
    expect(pp2.tpotMs).toBeGreaterThan(tp2.tpotMs);
    const r = roofline({ ...llama70b, tp: 1, pp: 2 });
    if (isRooflineError(r)) throw new Error(r.error);
    const full = roofline({ ...llama70b, gpu: gpu('h200'), tp: 1 });
    if (isRooflineError(full)) throw new Error(full.error);
    expect(r.weightBytesPerGpu).toBeCloseTo(full.weightBytesPerGpu / 2, 0);
    // batch 1: a cycle reads every stage's weights once → the whole model's weights per token, as one GPU would
    const step = r.decodeStep(1, 640);
    expect(step.weightBytesRead).toBeCloseTo(full.weightBytesPerGpu, 0);
  });

  it('two stages double the largest batch that fits at the same TP (KV space per GPU grows)', () => {
    const one = ok({ ...llama70b, tp: 4, batch: 'max' });
    const two = ok({ ...llama70b, tp: 4, pp: 2, batch: 'max' });
    expect(two.maxBatch).toBeGreaterThan(2 * one.maxBatch);
    // and a big batch runs as micro-batches: throughput grows with the capacity
    expect(two.outputTokensPerSecond).toBeGreaterThan(one.outputTokensPerSecond);
  });

  it('a single prompt prefills through every stage in turn: TTFT ≈ the TP-only prefill plus the hops', () => {
    const tp = ok({ ...llama70b, tp: 4 });
    const pp = ok({ ...llama70b, tp: 4, pp: 2 });
    expect(pp.ttftMs).toBeGreaterThan(tp.ttftMs);
    expect(pp.ttftMs).toBeLessThan(tp.ttftMs * 1.1);
  });

  it('prices all tp × pp GPUs', () => {
    const r = ok({ ...llama70b, tp: 4, pp: 2, batch: 8, gpuHourlyUsd: 2 });
    const gpuUsdPerS = (2 * 8) / 3600;
    const seconds = r.requestLatencyMs / 1e3;
    // static batch: the 8 GPUs are paid for the batch's whole cycle
    expect(r.usdPerRequest).toBeCloseTo((gpuUsdPerS * seconds) / 8, 9);
  });

  it('more stages than layers, or speculation with stages, say why', () => {
    expect(predictPerf({ ...llama8b, pp: 33 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(predictPerf({ ...llama8b, pp: 0 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(
      predictPerf({
        ...llama8b,
        pp: 2,
        speculation: { acceptance: 0.7, draftTokens: 4, draft: { kind: 'ngram' } },
      }),
    ).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
  });
});

describe('combinations that cannot run say why', () => {
  it('FP8 on a GPU without FP8 tensor cores', () => {
    const r = predictPerf({ ...llama8b, gpu: gpu('a100-80gb'), precision: precision('fp8') });
    expect(r).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
    if (!r.ok) expect(r.message).toMatch(/A100.*no FP8/);
  });

  it('a model that does not fit', () => {
    const r = predictPerf({ ...llama8b, arch: arch('llama-3.1-70b'), gpu: gpu('l4') });
    expect(r).toMatchObject({ ok: false, code: 'DOES_NOT_FIT' });
    if (!r.ok) expect(r.message).toMatch(/does not fit/);
  });

  it('impossible inputs', () => {
    expect(predictPerf({ ...llama8b, inputTokens: 0 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(
      predictPerf({ ...llama8b, speculation: { acceptance: 1.5, draftTokens: 4, draft: { kind: 'ngram' } } }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(predictPerf({ ...llama8b, utilization: 0 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});
