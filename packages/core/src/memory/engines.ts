/**
 * Inference engine profiles: how each engine allocates the KV cache, how much of the GPU it lets
 * itself use, what it keeps of the logits, and the runtime memory beyond weights, KV and
 * activations. Every constant names its source; the measured ones come from startup logs collected in
 * `calibration-data.ts` (vLLM 0.19 on H100, llama.cpp, transformers).
 */

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface RuntimeMemory {
  /** Inside the engine's memory budget (vLLM: non-torch memory that appears during the profiling forward). */
  readonly inBudgetBytes: number;
  /** Outside it: CUDA context, NCCL at init, CUDA-graph pools (vLLM allocates them from the 1 − utilization slack). */
  readonly outOfBudgetBytes: number;
  readonly formula: string;
}

export interface EngineProfile {
  readonly id: EngineId;
  readonly name: string;
  /** paged: blocks of `blockTokens` follow actual lengths; contiguous: `context` reserved per sequence. */
  readonly kvAllocation: 'paged' | 'contiguous';
  readonly blockTokens: number;
  /**
   * Model types whose sliding/chunked windows the engine applies to the cache ('all', or a list: llama.cpp
   * keeps a full-length cache for Mistral v0.1 and Phi-3 windows).
   */
  readonly windowedModelTypes: 'all' | readonly string[];
  /** Tokens a sliding-window (or chunked) layer holds per sequence at this context. */
  readonly windowHeldTokens: (
    windowTokens: number,
    contextTokens: number,
    maxBatchedTokens: number,
  ) => number;
  /** Rows of logits the engine materialises for a forward pass of `chunkTokens` over `sequences` sequences. */
  readonly logitsRows: (chunkTokens: number, sequences: number) => number;
  /** fp32 vocabulary-wide copies the sampler holds at its peak (logits, probabilities, sorting). */
  readonly samplerCopies: number;
  /** Bytes per activation element (ggml computes in f32; the PyTorch engines in bf16). */
  readonly activationBytes: number;
  /** Copies of the H × T × context score matrix without FlashAttention. */
  readonly scoresCopies: number;
  /** One KV buffer shared by all sequences that every query scans (llama.cpp's unified cache). */
  readonly attendsAcrossBatch: boolean;
  readonly runtime: (p: {
    readonly tp: number;
    readonly pp: number;
    readonly weightsBytes: number;
  }) => RuntimeMemory;
  /**
   * Bytes the engine lets weights, activations, in-budget runtime memory and KV use on a GPU of
   * `capacityBytes` (vLLM: total × gpu_memory_utilization; TensorRT-LLM: non-KV + 90% of what is
   * left; SGLang: total × mem_fraction_static); null: no cap below the GPU's memory.
   */
  readonly usableBytes:
    | ((
        capacityBytes: number,
        p: { readonly gpus: number; readonly nonKvBytes: number; readonly memoryFraction?: number },
      ) => number)
    | null;
  readonly budgetRule: string;
  /** Whether the budget must also hold the activation peak and in-budget runtime memory (SGLang's holds weights and KV only). */
  readonly budgetIncludesActivations: boolean;
  readonly defaultMaxBatchedTokens: number;
  readonly defaultMaxSequences: number;
  /** Bytes per element of a Mamba layer's recurrent state. */
  readonly stateBytesPerElement: number;
  readonly mambaConvention: 'mamba_ssm' | 'vllm';
  readonly sources: readonly string[];
}

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

/**
 * vLLM 0.19 on H100 (calibration-data.ts, llm-d-planner sweep): CUDA context 0.51 GiB at TP 1, 1.43–1.53
 * GiB per GPU once NCCL is initialised (TP or PP ≥ 2); non-torch memory appearing in the profiling
 * forward 0.24–0.27 GiB at TP 1, 2.07–2.13 GiB at TP ≥ 2 (custom all-reduce buffers), 0.07 GiB for PP
 * only; CUDA graph pools 0.51–1.85 GiB (0.91 for Llama-3.1-8B).
 */
function vllmRuntime(p: { tp: number; pp: number }): RuntimeMemory {
  const distributed = p.tp > 1 || p.pp > 1;
  const inBudget = p.tp > 1 ? 2.1 * GiB : p.pp > 1 ? 0.07 * GiB : 0.25 * GiB;
  const context = distributed ? 1.5 * GiB : 0.51 * GiB;
  const graphs = 0.91 * GiB;
  return {
    inBudgetBytes: Math.round(inBudget),
    outOfBudgetBytes: Math.round(context + graphs),
    formula: `${(inBudget / GiB).toFixed(2)} GiB non-torch in the budget; ${(context / GiB).toFixed(2)} GiB CUDA context${distributed ? ' + NCCL' : ''} and 0.91 GiB CUDA graphs outside it`,
  };
}

export const ENGINE_PROFILES = {
  vllm: {
    id: 'vllm',
    name: 'vLLM (V1)',
    kvAllocation: 'paged',
    blockTokens: 16,
    // SlidingWindowSpec: cdiv(min(window − 1 + max_num_batched_tokens, max_model_len), block) + 1 blocks
    windowedModelTypes: 'all',
    windowHeldTokens: (w, c, mbt) => roundUp(Math.min(w - 1 + mbt, c), 16) + 16,
    // The profiling run samples max_num_seqs dummy sequences (1,024 for the H100 API server), whatever the batch.
    logitsRows: (chunk) => Math.min(chunk, 1024),
    // Fitted: torch peak of the profile = 3.8 × rows × vocab × 4 B for Llama-3.1-8B (1.89 GiB), Qwen2.5-7B (2.21), Gemma-2-9B (3.65)
    samplerCopies: 3.8,
    activationBytes: 2,
    scoresCopies: 2,
    attendsAcrossBatch: false,
    runtime: vllmRuntime,
    usableBytes: (capacity, p) => Math.floor(capacity * (p.memoryFraction ?? 0.9)),
    budgetRule:
      'gpu_memory_utilization 0.9 × total memory holds weights, activation peak, non-torch memory and KV',
    budgetIncludesActivations: true,
    defaultMaxBatchedTokens: 8192,
    defaultMaxSequences: 1024,
    stateBytesPerElement: 2,
    mambaConvention: 'vllm',
    sources: [
      'memory-notes.md §6: vLLM v1 kv_cache_interface.py page sizes, SlidingWindowSpec; available_kv = total·gpu_memory_utilization − peak',
      'vLLM EngineArgs: gpu_memory_utilization 0.9, block_size 16; V1 server defaults on H100: max_num_batched_tokens 8192, max_num_seqs 1024 (startup log)',
      'vLLM 0.19 H100 startup logs (jgchn/llm-d-planner accuracy/results/v0.19.0/logs): CUDA context, non-torch and CUDA-graph sizes',
    ],
  },
  sglang: {
    id: 'sglang',
    name: 'SGLang',
    kvAllocation: 'paged',
    blockTokens: 1,
    windowedModelTypes: 'all',
    windowHeldTokens: (w, c, mbt) => Math.min(w + mbt, c),
    logitsRows: (chunk, seqs) => Math.min(chunk, Math.max(seqs, 160)),
    samplerCopies: 3.8,
    activationBytes: 2,
    scoresCopies: 2,
    attendsAcrossBatch: false,
    runtime: (p) => vllmRuntime(p),
    // mem_fraction_static = (gpu_mem − reserved) / gpu_mem, reserved by GPU size (server_args.py _handle_gpu_memory_settings)
    usableBytes: (capacity, p) => {
      if (p.memoryFraction !== undefined) return Math.floor(capacity * p.memoryFraction);
      const gib = capacity / GiB;
      const reserved =
        gib < 35 ? 2.8 + p.gpus / 10 : gib < 90 ? 9.5 + p.gpus / 2 : gib < 160 ? 12 + p.gpus / 2 : 32;
      return Math.floor(capacity - reserved * GiB);
    },
    budgetRule:
      'mem_fraction_static = (memory − reserved) / memory holds weights and the KV pool; reserved 2.8 + n/10 GiB (< 35 GiB), 9.5 + n/2 (< 90), 12 + n/2 (< 160), 32 GiB beyond',
    budgetIncludesActivations: false,
    defaultMaxBatchedTokens: 8192,
    defaultMaxSequences: 160,
    stateBytesPerElement: 2,
    mambaConvention: 'vllm',
    sources: [
      'sgl-project/sglang python/sglang/srt/server_args.py: page_size 1, chunked_prefill_size 8192, cuda_graph_max_bs 160, mem_fraction_static rule',
      'runtime memory: taken as vLLM 0.19 measured on H100 (both capture CUDA graphs and use NCCL)',
    ],
  },
  trtllm: {
    id: 'trtllm',
    name: 'TensorRT-LLM',
    kvAllocation: 'paged',
    blockTokens: 64,
    windowedModelTypes: 'all',
    windowHeldTokens: (w, c) => Math.min(w, c),
    logitsRows: (chunk, seqs) => Math.min(chunk, seqs),
    samplerCopies: 1,
    activationBytes: 2,
    scoresCopies: 2,
    attendsAcrossBatch: false,
    runtime: (p) => vllmRuntime(p),
    usableBytes: (capacity, p) =>
      Math.floor(p.nonKvBytes + (p.memoryFraction ?? 0.9) * (capacity - p.nonKvBytes)),
    budgetRule: 'KvCacheConfig.free_gpu_memory_fraction 0.9 of the memory left after weights and activations',
    budgetIncludesActivations: true,
    defaultMaxBatchedTokens: 8192,
    defaultMaxSequences: 256,
    stateBytesPerElement: 2,
    mambaConvention: 'vllm',
    sources: [
      'NVIDIA/TensorRT-LLM tensorrt_llm/llmapi/llm_args.py KvCacheConfig: free_gpu_memory_fraction 0.9 ("of the free pool after non-KV", aiconfigurator#1423); tokens_per_block 64',
      'runtime memory: taken as vLLM 0.19 measured on H100',
    ],
  },
  hf: {
    id: 'hf',
    name: 'Hugging Face transformers (generate, DynamicCache)',
    kvAllocation: 'paged',
    blockTokens: 1,
    windowedModelTypes: 'all',
    windowHeldTokens: (w, c) => Math.min(w, c),
    // generate() keeps only the last position's logits (logits_to_keep = 1, transformers ≥ 4.45)
    logitsRows: (_chunk, seqs) => seqs,
    samplerCopies: 1,
    activationBytes: 2,
    scoresCopies: 2,
    attendsAcrossBatch: false,
    runtime: () => ({
      inBudgetBytes: 0,
      outOfBudgetBytes: 274 * MiB,
      formula: '274 MiB CUDA context (lazy module loading), outside torch.cuda.max_memory_allocated',
    }),
    usableBytes: null,
    budgetRule: 'no cap: DynamicCache grows with the actual length until the GPU is full',
    budgetIncludesActivations: true,
    defaultMaxBatchedTokens: Number.POSITIVE_INFINITY,
    defaultMaxSequences: 1,
    stateBytesPerElement: 2,
    mambaConvention: 'mamba_ssm',
    sources: [
      'QwenLM/Qwen2.5 speed_benchmark.rst and Qwen3 benchmarks: torch max_memory_allocated (calibration-data.ts)',
      'pytorch/pytorch#86509: CUDA context 287,047,680 B with CUDA_MODULE_LOADING=LAZY (the default since PyTorch 1.13)',
    ],
  },
  llamacpp: {
    id: 'llamacpp',
    name: 'llama.cpp',
    kvAllocation: 'contiguous',
    blockTokens: 256,
    // iSWA: SWA layers hold pad256(min(n_ctx, n_swa + n_ubatch)) per sequence
    windowedModelTypes: ['gemma2', 'gemma3', 'gemma3_text', 'gpt_oss', 'llama4', 'llama4_text', 'cohere2'],
    windowHeldTokens: (w, c, mbt) => Math.min(roundUp(Math.min(c, w + mbt), 256), roundUp(c, 256)),
    // n_outputs: one row per sequence when generating (the output buffer is a few MiB)
    logitsRows: (_chunk, seqs) => seqs,
    samplerCopies: 1,
    activationBytes: 4,
    scoresCopies: 1,
    attendsAcrossBatch: true,
    runtime: () => ({
      inBudgetBytes: 0,
      outOfBudgetBytes: 300 * MiB,
      formula: '≈ 300 MiB CUDA context and cuBLAS workspace (the compute buffer is the activation term)',
    }),
    usableBytes: null,
    budgetRule: 'no cap: model, KV and compute buffers are allocated at start',
    budgetIncludesActivations: true,
    defaultMaxBatchedTokens: 512,
    defaultMaxSequences: 1,
    stateBytesPerElement: 4,
    mambaConvention: 'vllm',
    sources: [
      'memory-notes.md §7: KV per layer n_embd_k_gqa × kv_size; iSWA; recurrent state in f32 with d_conv − 1 columns',
      'ggml-org/llama.cpp common/common.h: n_ubatch 512, n_batch 2048; compute buffers in calibration-data.ts (KQ in f32 without flash attention)',
      'CUDA context: pytorch#86509 lazy-loading figure (274 MiB) rounded; llama.cpp does not log it',
    ],
  },
} as const satisfies Record<string, Omit<EngineProfile, 'id'> & { id: string }>;

export type EngineId = keyof typeof ENGINE_PROFILES;

export function isEngineId(id: string): id is EngineId {
  return Object.hasOwn(ENGINE_PROFILES, id);
}

export function engineProfile(id: EngineId): EngineProfile {
  return ENGINE_PROFILES[id];
}
