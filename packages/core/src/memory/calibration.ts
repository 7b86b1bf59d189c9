import { architectureFromConfig, tensorGroups, type Architecture } from '../arch/index.js';
import { findCatalogModel, findGpu, resolvePrecision } from '../catalog/index.js';
import { ENGINE_PROFILES, type EngineId } from './engines.js';
import { kvCacheMemory } from './kv-cache.js';
import { KV_DTYPES, type KvDtypeId } from './kv-dtypes.js';
import { engineActivationPeak, INFERENCE_PLAN_DEFAULTS, planMemory, type MemoryPlan } from './plan.js';
import { weightsBytes } from './weights.js';

/**
 * Published memory measurements, each with what Costwise predicts for the same settings. Tests pin
 * the predictions to these within the stated tolerance; `npm run calibrate` prints the table. Sources
 * were collected from engine startup logs and benchmark tables; every row names its own.
 */
export interface MemoryMeasurement {
  readonly id: string;
  readonly what: string;
  readonly settings: string;
  readonly measured: number;
  readonly unit: 'GiB' | 'MiB' | 'tokens';
  /** Accepted relative error of the prediction. */
  readonly tolerance: number;
  readonly source: string;
  readonly predict: () => number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function catalogArch(id: string): Architecture {
  const m = findCatalogModel(id);
  if (!m) throw new Error(`catalog model ${id} missing`);
  return architectureFromConfig(m.config);
}

function precision(id: string) {
  const p = resolvePrecision(id);
  if (!p) throw new Error(`precision ${id} missing`);
  return p;
}

const LLM_D =
  'vLLM 0.19 startup log on H100 80GB, llm-d-planner accuracy sweep (jgchn/llm-d-planner accuracy/results/v0.19.0/logs, @6417620b)';

/** vLLM 0.19 V1 on one H100 node: --gpu-memory-utilization 0.95, max_model_len 8192, max_num_batched_tokens 8192. */
function vllmH100(
  model: string,
  opts: { tp?: number; pp?: number; precision?: string; kv?: KvDtypeId } = {},
): MemoryPlan {
  return planMemory({
    ...INFERENCE_PLAN_DEFAULTS,
    modelId: model,
    arch: catalogArch(model),
    precision: precision(opts.precision ?? 'bf16'),
    contextTokens: 8192,
    kvDtype: KV_DTYPES[opts.kv ?? 'bf16'],
    maxBatchedTokens: 8192,
    tp: opts.tp ?? 1,
    pp: opts.pp ?? 1,
    gpu: findGpu('h100-sxm') ?? null,
    memoryFraction: 0.95,
  });
}

/** vLLM's "Total non KV cache memory": weights + torch activation peak + non-torch memory in the budget (per GPU). */
function nonKvGiB(p: MemoryPlan): number {
  const b = p.perGpu.breakdown;
  const inBudget = ENGINE_PROFILES.vllm.runtime({
    tp: p.perGpu.tp,
    pp: p.perGpu.pp,
  }).inBudgetBytes;
  return (b.weights + b.activations + inBudget) / GiB;
}

function vllmRows(): MemoryMeasurement[] {
  const rows: [
    string,
    string,
    { tp?: number; pp?: number; precision?: string; kv?: KvDtypeId },
    number | null,
    number,
    string,
  ][] = [
    ['llama-3.1-8b', 'TP 1', {}, 17.12, 476_016, 'meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log'],
    [
      'llama-3.1-8b',
      'TP 1, fp8 KV',
      { kv: 'fp8' },
      null,
      952_032,
      'meta-llama---h100-80gb--tp1pp1dp1--8192-dtbf16-kvfp8.log',
    ],
    [
      'llama-3.1-8b',
      'TP 2',
      { tp: 2 },
      11.47,
      1_044_688,
      'meta-llama-llama-3-1-8b---h100-80gb--tp2pp1dp1--8192.log',
    ],
    [
      'llama-3.1-8b',
      'TP 4',
      { tp: 4 },
      7.79,
      2_209_792,
      'meta-llama-llama-3-1-8b---h100-80gb--tp4pp1dp1--8192.log',
    ],
    [
      'llama-3.1-8b',
      'PP 2',
      { pp: 2 },
      null,
      1_075_312,
      'meta-llama-llama-3-1-8b---h100-80gb--tp1pp2dp1--8192.log',
    ],
    ['qwen2.5-7b', 'TP 1', {}, 16.7, 1_096_000, 'qwen-qwen2-5-7b-instruct--h100-80gb--tp1pp1dp1--8192.log'],
    [
      'gemma-2-9b',
      'TP 1',
      {},
      21.11,
      168_880,
      'google-gemma-2-9b-it--h100-80gb--tp1pp1dp1--8192.log (llm-d-incubation @d3121e05)',
    ],
    [
      'gemma-2-27b',
      'TP 1',
      {},
      54.64,
      58_672,
      'google-gemma-2-27b-it--h100-80gb--tp1pp1dp1--8192.log (llm-d-incubation @d3121e05)',
    ],
    [
      'mixtral-8x7b',
      'TP 2',
      { tp: 2 },
      46.79,
      465_936,
      'mistralai-mixtral-8x7b-i--h100-80gb--tp2pp1dp1--8192.log',
    ],
    ['qwen3-30b-a3b', 'TP 1', {}, 59.82, 168_288, 'qwen-qwen3-30b-a3b--h100-80gb--tp1pp1dp1--8192.log'],
    [
      'deepseek-v2-lite',
      'TP 1 (MLA)',
      {},
      31.62,
      1_505_552,
      'deepseek-ai-deepseek-v2---h100-80gb--tp1pp1dp1--8192.log',
    ],
  ];
  const out: MemoryMeasurement[] = [];
  for (const [model, layout, opts, nonKv, tokens, log] of rows) {
    const settings = `vLLM 0.19, H100, ${layout}, bf16 weights, utilization 0.95, max_model_len 8192`;
    if (nonKv !== null) {
      out.push({
        id: `vllm-${model}-${layout}-non-kv`,
        what: `${model}: non-KV memory per GPU`,
        settings,
        measured: nonKv,
        unit: 'GiB',
        tolerance: 0.05,
        source: `${LLM_D}/${log}: "Total non KV cache memory"`,
        predict: () => nonKvGiB(vllmH100(model, opts)),
      });
    }
    out.push({
      id: `vllm-${model}-${layout}-kv-tokens`,
      what: `${model}: GPU KV cache size`,
      settings,
      measured: tokens,
      unit: 'tokens',
      tolerance: 0.05,
      source: `${LLM_D}/${log}: "GPU KV cache size: N tokens"`,
      predict: () => vllmH100(model, opts).perGpu.kvCapacityTokens ?? 0,
    });
  }
  out.push(
    {
      id: 'vllm-llama-3.1-8b-w4a16-weights',
      what: 'Llama-3.1-8B INT4 (group 128) weights',
      settings: 'vLLM 0.19, H100, RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16',
      measured: 5.38,
      unit: 'GiB',
      tolerance: 0.03,
      source: `${LLM_D}/w4a16-redhatai-lla--h100-80gb--tp1pp1dp1--8192-dtf16.log: "Model loading took 5.38 GiB"`,
      predict: () => weightsBytes(tensorGroups(catalogArch('llama-3.1-8b')), precision('int4')).bytes / GiB,
    },
    {
      id: 'vllm-llama-3.3-70b-w8a8-tp2-weights',
      what: 'Llama-3.3-70B INT8 (per-channel) weights per GPU at TP 2',
      settings: 'vLLM 0.19, 2 × H100, redhatai/Llama-3.3-70B-Instruct-quantized.w8a8',
      measured: 33.88,
      unit: 'GiB',
      tolerance: 0.03,
      source: `${LLM_D}/redhatai-llama-3-3-70b-i--h100-80gb--tp2pp1dp1--8192.log: "Model loading took 33.88 GiB"`,
      predict: () => vllmH100('llama-3.3-70b', { tp: 2, precision: 'int8' }).perGpu.breakdown.weights / GiB,
    },
  );
  return out;
}

/** llama.cpp's KV cache and compute buffer for a model at n_ctx = context × sequences. */
function llamacpp(
  arch: Architecture,
  o: { context: number; sequences?: number; ubatch?: number; flash: boolean; kv?: KvDtypeId },
): { kvMiB: number; computeMiB: number } {
  const engine = ENGINE_PROFILES.llamacpp;
  const batch = o.sequences ?? 1;
  const ubatch = o.ubatch ?? 512;
  const kv = kvCacheMemory(arch, {
    contextTokens: o.context,
    batch,
    dtype: KV_DTYPES[o.kv ?? 'fp16'],
    engine,
    maxBatchedTokens: ubatch,
  });
  const act = engineActivationPeak(arch, engine, {
    chunkTokens: ubatch,
    contextTokens: o.context,
    batch,
    flashAttention: o.flash,
    tp: 1,
  });
  return { kvMiB: kv.bytes / MiB, computeMiB: act.bytes / MiB };
}

/** google/gemma-3-270m text config (5:1 sliding window 512), as used in the unsloth#5225 measurement. */
const GEMMA3_270M = {
  model_type: 'gemma3_text',
  hidden_size: 640,
  intermediate_size: 2048,
  num_hidden_layers: 18,
  num_attention_heads: 4,
  num_key_value_heads: 1,
  head_dim: 256,
  vocab_size: 262144,
  sliding_window: 512,
};

function llamacppRows(): MemoryMeasurement[] {
  const kvRow = (
    id: string,
    what: string,
    settings: string,
    mib: number,
    source: string,
    fn: () => number,
  ): MemoryMeasurement => ({
    id,
    what,
    settings,
    measured: mib,
    unit: 'MiB',
    tolerance: 0.001,
    source,
    predict: fn,
  });
  const kvcalc = 'kvcalc README "Validation against llama.cpp" (llama-server log; code-index id 70947194673)';
  const gemma =
    'unslothai/unsloth#5225 (verify_parallel_matches_server.py output, llama-server, n_ubatch 512)';
  const g270 = architectureFromConfig(GEMMA3_270M);
  return [
    kvRow(
      'lcpp-llama3-8b-kv-f16',
      'Llama-3-8B KV at n_ctx 8192, f16',
      'llama.cpp, 1 sequence',
      1024,
      `${kvcalc}: "llama_kv_cache: size = 1024.00 MiB"`,
      () => llamacpp(catalogArch('llama-3-8b'), { context: 8192, flash: true }).kvMiB,
    ),
    kvRow(
      'lcpp-llama3-8b-kv-q8',
      'Llama-3-8B KV at n_ctx 8192, q8_0',
      'llama.cpp, -ctk q8_0 -ctv q8_0',
      544,
      `${kvcalc}: "size = 544.00 MiB"`,
      () => llamacpp(catalogArch('llama-3-8b'), { context: 8192, flash: true, kv: 'q8' }).kvMiB,
    ),
    kvRow(
      'lcpp-mistral-2k-kv',
      'Mistral-7B KV at n_ctx 2048',
      'llama.cpp, no flash attention',
      256,
      'fedora-copr/logdetective#106: "KV self size = 256.00 MiB"',
      () => llamacpp(catalogArch('mistral-7b-v0.3'), { context: 2048, flash: false }).kvMiB,
    ),
    kvRow(
      'lcpp-mistral-32k-kv',
      'Mistral-7B KV at n_ctx 32768',
      'llama.cpp, no flash attention',
      4096,
      'fedora-copr/logdetective#106: "KV self size = 4096.00 MiB"',
      () => llamacpp(catalogArch('mistral-7b-v0.3'), { context: 32768, flash: false }).kvMiB,
    ),
    kvRow(
      'lcpp-qwen25-coder-32k-kv',
      'Qwen2.5-Coder-7B KV at n_ctx 32768',
      'llama.cpp via Ollama',
      1792,
      'Ollama log for qwen2.5-coder:7b, num_ctx 32768 (code-index id 56696108702)',
      () => llamacpp(catalogArch('qwen2.5-coder-7b'), { context: 32768, flash: true }).kvMiB,
    ),
    kvRow(
      'lcpp-phi3-mini-4k-kv',
      'Phi-3-mini-4k KV at n_ctx 4096 (no window applied by llama.cpp)',
      'llama.cpp, n_ubatch 256',
      1536,
      'text-generation-webui llama-server log (code-index id 68635202314)',
      () => llamacpp(catalogArch('phi-3-mini-4k'), { context: 4096, ubatch: 256, flash: false }).kvMiB,
    ),
    kvRow(
      'lcpp-gemma3-270m-p1-4k',
      'Gemma-3-270m KV, 1 slot, n_ctx 4096 (iSWA)',
      'llama.cpp',
      27,
      gemma,
      () => llamacpp(g270, { context: 4096, flash: true }).kvMiB,
    ),
    kvRow(
      'lcpp-gemma3-270m-p2-4k',
      'Gemma-3-270m KV, 2 slots, n_ctx 4096',
      'llama.cpp',
      42,
      gemma,
      () => llamacpp(g270, { context: 2048, sequences: 2, flash: true }).kvMiB,
    ),
    kvRow(
      'lcpp-gemma3-270m-p4-4k',
      'Gemma-3-270m KV, 4 slots, n_ctx 4096',
      'llama.cpp',
      72,
      gemma,
      () => llamacpp(g270, { context: 1024, sequences: 4, flash: true }).kvMiB,
    ),
    kvRow(
      'lcpp-gemma3-270m-p1-8k',
      'Gemma-3-270m KV, 1 slot, n_ctx 8192',
      'llama.cpp',
      39,
      gemma,
      () => llamacpp(g270, { context: 8192, flash: true }).kvMiB,
    ),
    {
      id: 'lcpp-mistral-2k-compute',
      what: 'Mistral-7B compute buffer at n_ctx 2048 (f32 KQ scores)',
      settings: 'llama.cpp, n_ubatch 512, no flash attention',
      measured: 164,
      unit: 'MiB',
      tolerance: 0.05,
      source: 'fedora-copr/logdetective#106: "CUDA0 compute buffer size = 164.00 MiB"',
      predict: () => llamacpp(catalogArch('mistral-7b-v0.3'), { context: 2048, flash: false }).computeMiB,
    },
    {
      id: 'lcpp-mistral-32k-compute',
      what: 'Mistral-7B compute buffer at n_ctx 32768 (f32 KQ scores)',
      settings: 'llama.cpp, n_ubatch 512, no flash attention',
      measured: 2144,
      unit: 'MiB',
      tolerance: 0.05,
      source: 'fedora-copr/logdetective#106: "CUDA0 compute buffer size = 2144.00 MiB"',
      predict: () => llamacpp(catalogArch('mistral-7b-v0.3'), { context: 32768, flash: false }).computeMiB,
    },
    {
      id: 'lcpp-llama31-8b-4seq-compute',
      what: 'Llama-3.1-8B compute buffer, 4 slots × 2048 (unified 8192-cell cache)',
      settings: 'llama.cpp via Ollama, n_ubatch 512, no flash attention',
      measured: 560,
      unit: 'MiB',
      tolerance: 0.05,
      source: 'Ollama server log (code-index id 48629668660): "CUDA0 compute buffer size = 560.00 MiB"',
      predict: () =>
        llamacpp(catalogArch('llama-3.1-8b'), { context: 2048, sequences: 4, flash: false }).computeMiB,
    },
    {
      id: 'lcpp-phi3-mini-compute',
      what: 'Phi-3-mini compute buffer at n_ctx 4096',
      settings: 'llama.cpp, n_ubatch 256, no flash attention',
      measured: 150,
      unit: 'MiB',
      tolerance: 0.05,
      source:
        'text-generation-webui llama-server log (code-index id 68635202314): "CUDA0 compute buffer size = 150.00 MiB"',
      predict: () =>
        llamacpp(catalogArch('phi-3-mini-4k'), { context: 4096, ubatch: 256, flash: false }).computeMiB,
    },
    {
      id: 'lcpp-qwen25-coder-32k-compute',
      what: 'Qwen2.5-Coder-7B compute buffer at n_ctx 32768 with flash attention',
      settings: 'llama.cpp via Ollama, n_ubatch 512, flash attention',
      measured: 382.01,
      unit: 'MiB',
      tolerance: 0.7,
      source:
        'Ollama log for qwen2.5-coder:7b (code-index id 56696108702): "CUDA0 compute buffer size = 382.01 MiB"',
      predict: () => llamacpp(catalogArch('qwen2.5-coder-7b'), { context: 32768, flash: true }).computeMiB,
    },
  ];
}

function ggufRows(): MemoryMeasurement[] {
  const readme = 'ggml-org/llama.cpp examples/perplexity/README.md "LLaMA 3 8b Scoreboard" (model size, GiB)';
  const llama3 = tensorGroups(catalogArch('llama-3-8b'));
  return [
    {
      id: 'gguf-llama3-8b-f16',
      what: 'Llama-3-8B GGUF F16',
      settings: 'llama-quantize',
      measured: 14.97,
      unit: 'GiB',
      tolerance: 0.005,
      source: readme,
      predict: () => weightsBytes(llama3, precision('fp16')).bytes / GiB,
    },
    {
      id: 'gguf-llama3-8b-q8_0',
      what: 'Llama-3-8B GGUF Q8_0',
      settings: 'llama-quantize',
      measured: 7.96,
      unit: 'GiB',
      tolerance: 0.005,
      source: readme,
      predict: () => weightsBytes(llama3, precision('gguf:Q8_0')).bytes / GiB,
    },
  ];
}

/** transformers generate() with flash-attn, batch 1, 2,048 new tokens: torch max_memory_allocated. */
function hfRows(): MemoryMeasurement[] {
  const out: MemoryMeasurement[] = [];
  const qwen25 =
    'QwenLM/Qwen2.5 docs/source/benchmark/speed_benchmark.rst @a912d23 (A100 80GB, transformers 4.46, flash-attn 2.5.8; GB as printed, GiB by their scale)';
  const qwen3 =
    'QwenLM Qwen3 docs/source/getting_started/speed_benchmark.md @77fb0c1e (H20 96GB, transformers 4.51.3, flash-attn 2.7.4; MB as printed, MiB by their scale)';
  // The Qwen3 table grows by exactly the KV cache of the prompt and the 2,048 new tokens: it was taken
  // after generation, when the prefill activations are freed; the Qwen2.5 table is the peak.
  const table: [string, 'GiB' | 'MiB', string, Record<number, number>][] = [
    ['qwen2.5-0.5b', 'GiB', qwen25, { 1: 0.97, 6144: 1.23, 14336: 1.6, 30720: 2.34 }],
    ['qwen2.5-3b', 'GiB', qwen25, { 1: 5.95, 6144: 6.59, 14336: 7.47, 30720: 9.3 }],
    ['qwen2.5-7b', 'GiB', qwen25, { 1: 14.38, 6144: 15.38, 14336: 16.91, 30720: 19.97 }],
    ['qwen2.5-14b', 'GiB', qwen25, { 1: 28.08, 6144: 29.5, 14336: 31.95, 30720: 36.85 }],
    ['qwen2.5-32b', 'GiB', qwen25, { 1: 61.58, 6144: 63.72, 14336: 67.31, 30720: 74.47 }],
    ['qwen3-0.6b', 'MiB', qwen3, { 1: 1394, 6144: 2066, 14336: 2963, 30720: 4755 }],
    ['qwen3-8b', 'MiB', qwen3, { 1: 15947, 6144: 16811, 14336: 17963, 30720: 20267 }],
    ['qwen3-14b', 'MiB', qwen3, { 1: 28402, 6144: 29495, 14336: 30775, 30720: 33336 }],
    ['qwen3-32b', 'MiB', qwen3, { 1: 62751, 6144: 64583, 14336: 66632, 30720: 70728 }],
    ['qwen3-30b-a3b', 'MiB', qwen3, { 1: 58462, 6144: 59037, 14336: 59806, 30720: 61342 }],
  ];
  for (const [model, unit, source, points] of table) {
    for (const [input, value] of Object.entries(points)) {
      const inputTokens = Number(input);
      out.push({
        id: `hf-${model}-${input}`,
        what: `${model} BF16 ${source === qwen3 ? 'after generation' : 'peak'}, ${input}-token prompt`,
        settings: 'transformers generate, batch 1, +2,048 tokens, flash attention',
        measured: value,
        unit,
        tolerance: 0.05,
        source,
        predict: () => {
          const p = planMemory({
            ...INFERENCE_PLAN_DEFAULTS,
            modelId: model,
            arch: catalogArch(model),
            precision: precision('bf16'),
            contextTokens: inputTokens + 2048,
            engine: ENGINE_PROFILES.hf,
            maxBatchedTokens: inputTokens,
          });
          // max_memory_allocated excludes the CUDA context
          const b = p.perGpu.breakdown;
          const afterGeneration = source === qwen3;
          return (
            (b.weights + b.kvCache + (afterGeneration ? 0 : b.activations)) / (unit === 'GiB' ? GiB : MiB)
          );
        },
      });
    }
  }
  return out;
}

/** Every measurement Costwise's memory model is checked against. */
export function memoryMeasurements(): MemoryMeasurement[] {
  return [...vllmRows(), ...llamacppRows(), ...ggufRows(), ...hfRows()];
}

export interface CalibrationResult {
  readonly id: string;
  readonly what: string;
  readonly measured: number;
  readonly predicted: number;
  readonly unit: string;
  readonly relativeError: number;
  readonly withinTolerance: boolean;
}

export function calibrate(rows: readonly MemoryMeasurement[] = memoryMeasurements()): CalibrationResult[] {
  return rows.map((r) => {
    const predicted = r.predict();
    const relativeError = predicted / r.measured - 1;
    return {
      id: r.id,
      what: r.what,
      measured: r.measured,
      predicted,
      unit: r.unit,
      relativeError,
      withinTolerance: Math.abs(relativeError) <= r.tolerance,
    };
  });
}

export type { EngineId };
