import {
  architectureFromConfig,
  attentionScoreCount,
  countParams,
  kvCacheBytes,
  tensorGroups,
} from '../arch/index.js';
import { findCatalogModel, resolvePrecision, type ResolvedPrecision } from '../catalog/index.js';
import { inferenceActivationPeak } from '../memory/activations.js';
import { INFERENCE_PLAN_DEFAULTS, planMemory, type MemoryPlanInput } from '../memory/plan.js';
import { OPTIMIZERS } from '../memory/training.js';
import { weightsBytes } from '../memory/weights.js';
import { requestCost } from '../pricing/cost.js';
import { resolvePrice } from '../pricing/prices.js';
import { breakEven } from '../forecast/breakeven.js';

/**
 * The lecture's worked examples: what the slide says, what its own assumptions give, and what holds
 * for the real model (seed/NOTES.md). Every figure here is computed, not copied.
 */
export interface LectureExample {
  readonly id: string;
  readonly slide: string;
  readonly claim: string;
  /** The slide's figure as printed. */
  readonly slideValue: number;
  /** Recomputed under the slide's own assumptions. */
  readonly slideAssumptions: number;
  /** What holds for the real model or with the full rules. */
  readonly truth: number;
  readonly unit: 'bytes' | 'count' | 'fraction' | 'usd' | 'tokens';
  readonly note: string;
}

function precision(id: string): ResolvedPrecision {
  const p = resolvePrecision(id);
  if (!p) throw new Error(`precision ${id} missing from the catalog`);
  return p;
}

function catalogArch(id: string) {
  const m = findCatalogModel(id);
  if (!m) throw new Error(`catalog model ${id} missing`);
  return architectureFromConfig(m.config);
}

const GB = 1e9;

function servingPlan(id: string, extra: Partial<MemoryPlanInput> = {}) {
  return planMemory({
    ...INFERENCE_PLAN_DEFAULTS,
    modelId: id,
    arch: catalogArch(id),
    precision: precision('bf16'),
    ...extra,
  });
}

/** Every worked example of the lecture that Costwise computes, in slide order. */
export function lectureExamples(): LectureExample[] {
  const llama2 = catalogArch('llama-2-7b');
  const llama2Groups = tensorGroups(llama2);
  const nominal = (bits: number) => (7e9 * bits) / 8;
  const real = (id: string) => weightsBytes(llama2Groups, precision(id)).bytes;
  const weightRows: LectureExample[] = [
    ['fp32', 32, 28],
    ['fp16', 16, 14],
    ['bf16', 16, 14],
    ['int8', 8, 7],
    ['nf4', 4, 3.5],
  ].map(([id, bits, slideGb]) => ({
    id: `weights-7b-${String(id)}`,
    slide: 'Quantization: memory for a 7B model',
    claim: `7B at ${String(id)} ≈ ${String(slideGb)} GB`,
    slideValue: Number(slideGb) * GB,
    slideAssumptions: nominal(Number(bits)),
    truth: real(String(id)),
    unit: 'bytes',
    note:
      id === 'nf4'
        ? 'Llama-2-7B (6.74B) in NF4 with double quantization (4.127 bits) and 16-bit embeddings, head and norms'
        : id === 'int8'
          ? 'Llama-2-7B (6.74B) in INT8 with an fp32 scale per row, embeddings and head at 16 bits'
          : 'Llama-2-7B has 6,738,415,616 parameters, not 7e9',
  }));

  const serving = servingPlan('llama-2-7b');
  const mha8b = architectureFromConfig({
    model_type: 'llama',
    hidden_size: 4096,
    intermediate_size: 14336,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 32,
    vocab_size: 128256,
  });
  const gpt3 = architectureFromConfig({
    model_type: 'llama',
    hidden_size: 12288,
    intermediate_size: 4 * 12288,
    num_hidden_layers: 96,
    num_attention_heads: 96,
    vocab_size: 50257,
  });
  const gpt3Kv = kvCacheBytes(gpt3, { contextTokens: 4096, batch: 4, bytesPerElement: 2 });
  const gpt3Act = inferenceActivationPeak(gpt3, {
    chunkTokens: 4 * 4096,
    contextTokens: 4096,
    logitsRows: 4,
    flashAttention: true,
    tp: 1,
  }).bytes;
  const llama70 = catalogArch('llama-3.1-70b');
  const llama70Params = countParams(llama70).total;
  const mixtral = countParams(catalogArch('mixtral-8x7b'));
  // Prompt caching: 100 requests sharing a 10K-token prompt on Claude 3.5 Sonnet ($3/M input, Anthropic price record).
  const sonnet = resolvePrice('anthropic', 'claude-3-5-sonnet');
  const sonnetCost = (usage: Parameters<typeof requestCost>[0]) => requestCost(usage, sonnet).totalUsd;
  const base = {
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  };
  const noCache = 100 * sonnetCost({ ...base, inputTokens: 10_000 });
  const withCache =
    sonnetCost({ ...base, inputTokens: 10_000, cacheWrite5mTokens: 10_000 }) +
    99 * sonnetCost({ ...base, inputTokens: 10_000, cacheReadTokens: 10_000 });
  const slideCaching = (10_000 * 3 + 99 * 10_000 * 0.3) / 1e6;
  const slideBreakEven = breakEven({
    apiUsdPerMTok: 3,
    selfHostUsdPerMTok: 1,
    selfHostFixedUsdPerMonth: 10_000,
  });
  return [
    ...weightRows,
    {
      id: 'prompt-caching-no-cache',
      slide: 'Prompt caching example',
      claim: '100 requests × 10K tokens at $3/M without caching = $3.00',
      slideValue: 3,
      slideAssumptions: (100 * 10_000 * 3) / 1e6,
      truth: noCache,
      unit: 'usd',
      note: 'Claude 3.5 Sonnet input at $3/M (genai-prices anthropic/claude-3-5-sonnet)',
    },
    {
      id: 'prompt-caching',
      slide: 'Prompt caching example',
      claim: 'with caching ≈ $0.327 (90% saved)',
      slideValue: 0.327,
      slideAssumptions: slideCaching,
      truth: withCache,
      unit: 'usd',
      note: 'the first request writes the cache at 1.25× input ($3.75/M, 5-minute TTL): $0.0375 + 99 reads at $0.30/M ($0.297) = $0.3345',
    },
    {
      id: 'break-even',
      slide: 'Self-host vs API break-even',
      claim: 'self-hosting makes sense above 10B tokens/month',
      slideValue: 10e9,
      slideAssumptions: slideBreakEven.breakEvenTokensPerMonth ?? 0,
      truth: slideBreakEven.breakEvenTokensPerMonth ?? 0,
      unit: 'tokens',
      note: "with the slide's own figures ($3/M by API; $1,000 per 1B tokens + $10K/month to self-host): 10,000 / (3 − 1) M = 5B tokens/month; hardware bought upfront moves it up",
    },
    {
      id: 'serving-7b-bf16',
      slide: 'VRAM rule of thumb',
      claim: '7B in bf16 ≈ 17 GB to serve (weights × 1.2)',
      slideValue: 17 * GB,
      slideAssumptions: 1.2 * 14 * GB,
      truth: serving.bytes.total,
      unit: 'bytes',
      note: 'Llama-2-7B on vLLM at 4,096 tokens × 1 sequence: weights + KV + activation peak + CUDA context, workspaces and graphs',
    },
    {
      id: 'kv-8b-2k',
      slide: 'KV cache, "Llama 3.3 8B", 2K context',
      claim: '2 × 32 × 32 × 128 × 2048 × 2 B ≈ 1 GB',
      slideValue: 1 * GB,
      slideAssumptions: kvCacheBytes(mha8b, { contextTokens: 2048, batch: 1, bytesPerElement: 2 }),
      truth: kvCacheBytes(catalogArch('llama-3.1-8b'), { contextTokens: 2048, batch: 1, bytesPerElement: 2 }),
      unit: 'bytes',
      note: 'Llama 3/3.1 8B uses GQA with 8 KV heads: 256 MiB; there is no Llama 3.3 8B',
    },
    {
      id: 'vram-175b-weights',
      slide: 'VRAM hands-on: 175B in fp16',
      claim: '175B × 2 B = 350 GB of weights',
      slideValue: 350 * GB,
      slideAssumptions: 175e9 * 2,
      truth: 175e9 * 2,
      unit: 'bytes',
      note: 'arithmetic holds',
    },
    {
      id: 'vram-175b-kv',
      slide: 'VRAM hands-on: KV cache (96 layers, 96 heads, d_head 128, seq 4096, batch 4)',
      claim: 'KV ≈ 96 GB',
      slideValue: 96 * GB,
      slideAssumptions: gpt3Kv,
      truth: gpt3Kv,
      unit: 'bytes',
      note: "the slide's own formula 2 × 96 × 96 × 128 × 4096 × 4 × 2 B gives 77.3 GB (72 GiB)",
    },
    {
      id: 'vram-175b-activations',
      slide: 'VRAM hands-on: activations',
      claim: 'batch × seq × hidden × layers × 20 ≈ 38 GB',
      slideValue: 38 * GB,
      slideAssumptions: 4 * 4096 * 12288 * 96 * 20,
      truth: gpt3Act,
      unit: 'bytes',
      note: "the slide's product is 386.5 G (elements or bytes); at inference one layer is live at a time: the peak over 16,384 prefill tokens with FlashAttention",
    },
    {
      id: 'vram-175b-total',
      slide: 'VRAM hands-on: total',
      claim: '≈ 484 GB',
      slideValue: 484 * GB,
      slideAssumptions: 175e9 * 2 + gpt3Kv + 38 * GB,
      truth: 175e9 * 2 + gpt3Kv + gpt3Act,
      unit: 'bytes',
      note: "slide's assumptions: its 350 GB + 38 GB with the KV its formula gives; truth: weights + KV + the one-live-layer activation peak (engine overhead not included)",
    },
    {
      id: 'mixtral-cost-reduction',
      slide: 'Mixture of Experts: Mixtral 8x7B',
      claim: '1 − 13B / 47B ≈ 72%',
      slideValue: 0.72,
      slideAssumptions: 1 - 13 / 47,
      truth: 1 - mixtral.activePerToken / mixtral.total,
      unit: 'fraction',
      note: 'experts share attention and embeddings: 46.70B total, 12.88B active',
    },
    ...[512, 2048, 8192].map((n, i) => ({
      id: `attention-scores-${n}`,
      slide: "Transformer's quadratic complexity",
      claim: `${n} tokens → ${['262K', '4.2M', '67M'][i] ?? ''} attention scores`,
      slideValue: [262e3, 4.2e6, 67e6][i] ?? 0,
      slideAssumptions: attentionScoreCount(n),
      truth: attentionScoreCount(n),
      unit: 'count' as const,
      note: 'n² per head per layer; the slide rounds',
    })),
    {
      id: 'qlora-70b',
      slide: 'QLoRA: 70B fine-tuning',
      claim: '70B × 0.5 B + 1 GB ≈ 36 GB',
      slideValue: 36 * GB,
      slideAssumptions: 70e9 * 0.5 + 1 * GB,
      truth: weightsBytes(tensorGroups(llama70), precision('nf4')).bytes,
      unit: 'bytes',
      note: 'Llama-3.1-70B base in NF4 with double quantization, embeddings and head at 16 bits; LoRA state and activations come on top (costwise memory --mode qlora)',
    },
    {
      id: 'full-ft-70b',
      slide: 'Full fine-tuning: 70B',
      claim: '70B × 4 B × 4 ≈ 1,120 GB',
      slideValue: 1120 * GB,
      slideAssumptions: 70e9 * 4 * 4,
      truth: llama70Params * (2 + 2 + OPTIMIZERS.adamw.bytesPerParam),
      unit: 'bytes',
      note: 'mixed-precision AdamW: 2 (bf16 weights) + 2 (gradients) + 12 (fp32 master, m, v) = 16 B/param for Llama-3.1-70B (70.55B), before activations',
    },
  ];
}
