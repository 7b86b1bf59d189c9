import { kvCache as kvLayers, mambaStateElements, type Architecture, type KvLayer } from '../arch/index.js';
import type { EngineProfile } from './engines.js';
import type { KvDtype } from './kv-dtypes.js';

/** Bytes one cached token costs in one layer at a KV dtype (scales included; MLA: one latent, K only). */
export function kvLayerBytesPerToken(layer: KvLayer, dtype: KvDtype): number {
  if (layer.kind === 'none') return 0;
  const scaledTensors = layer.kind === 'mla' ? 1 : 2;
  return (
    layer.elementsPerToken * dtype.bytesPerElement +
    scaledTensors * layer.kvHeads * dtype.scaleBytesPerTokenHead
  );
}

/**
 * Tokens a layer holds for one sequence of `contextTokens`: the context for full attention (and MLA),
 * the engine's cap for sliding-window and chunked layers (window plus the engine's slack).
 */
export function heldTokensPerSequence(
  layer: KvLayer,
  contextTokens: number,
  engine: EngineProfile,
  maxBatchedTokens: number,
  modelType?: string,
): number {
  if (layer.kind === 'none') return 0;
  if (layer.windowTokens === null || !engineAppliesWindows(engine, modelType)) return contextTokens;
  return Math.min(
    contextTokens,
    engine.windowHeldTokens(layer.windowTokens, contextTokens, maxBatchedTokens),
  );
}

/** Whether `engine` caps the cache of windowed layers for this model type (llama.cpp does so for a few architectures only). */
export function engineAppliesWindows(engine: EngineProfile, modelType: string | undefined): boolean {
  return (
    engine.windowedModelTypes === 'all' ||
    (modelType !== undefined && engine.windowedModelTypes.includes(modelType))
  );
}

export interface KvCachePlan {
  /** Bytes for the whole batch as the engine allocates it (paged: rounded to blocks). */
  readonly bytes: number;
  /** Attention KV only (recurrent state excluded). */
  readonly attentionBytes: number;
  /** Recurrent state of SSM layers for the batch (Mamba, hybrid). */
  readonly stateBytes: number;
  /** KV bytes one token costs across all attention layers (windows not applied). */
  readonly bytesPerToken: number;
  /** Tokens cached per sequence in full-attention layers. */
  readonly tokens: number;
  /** What paged allocation (blocks of `blockTokens`) takes for sequences of `averageContextTokens`. */
  readonly pagedBytes: number;
  /** What contiguous pre-allocation of `contextTokens` per sequence takes. */
  readonly contiguousBytes: number;
  /** contiguous − paged: what PagedAttention saves when sequences are shorter than the maximum. */
  readonly pagedSavingBytes: number;
  readonly blockTokens: number;
  readonly perLayer: readonly {
    readonly layer: number;
    readonly kind: string;
    readonly heldTokens: number;
    readonly bytes: number;
  }[];
}

export interface KvCacheInput {
  readonly contextTokens: number;
  readonly batch: number;
  readonly dtype: KvDtype;
  readonly engine: EngineProfile;
  readonly maxBatchedTokens: number;
  /** Average actual sequence length (paged allocation follows it); defaults to contextTokens. */
  readonly averageContextTokens?: number;
  /** Bytes per element of the recurrent state (vLLM: model dtype, 2; llama.cpp: f32, 4). */
  readonly stateBytesPerElement?: number;
  /** Tensor-parallel degree: a rank caches max(1, Hkv / tp) of each layer's KV heads; an MLA latent is replicated. */
  readonly tp?: number;
  /** Only layers in [from, to) (a pipeline stage). */
  readonly layerRange?: readonly [number, number];
}

/** Share of a layer's KV one tensor-parallel rank holds: max(1, ⌊Hkv / tp⌋) / Hkv (vLLM get_num_kv_heads); 1 for MLA. */
export function kvShareOnRank(layer: KvLayer, tp: number): number {
  if (layer.kind === 'none' || layer.kind === 'mla' || tp <= 1) return 1;
  return Math.max(1, Math.floor(layer.kvHeads / tp)) / layer.kvHeads;
}

function roundUp(tokens: number, block: number): number {
  return Math.ceil(tokens / block) * block;
}

/**
 * KV-cache memory of a batch: Σ layers held-tokens × bytes per token at the KV dtype, for `batch`
 * sequences, plus SSM state per sequence. The engine decides the allocation: paged engines round each
 * sequence's tokens up to whole blocks (vLLM block 16) and follow actual lengths; contiguous ones
 * reserve `contextTokens` per sequence.
 * @see memory-notes.md §6 (vLLM page sizes, SlidingWindowSpec), §7 (llama.cpp KV, iSWA); Kwon et al.,
 *   "Efficient Memory Management for LLM Serving with PagedAttention" (SOSP 2023)
 */
export function kvCacheMemory(arch: Architecture, p: KvCacheInput): KvCachePlan {
  const [from, to] = p.layerRange ?? [0, arch.layers.length];
  const tp = p.tp ?? 1;
  const layers = kvLayers(arch).layers.filter((l) => l.layer >= from && l.layer < to);
  const block = p.engine.blockTokens;
  const average = Math.min(p.averageContextTokens ?? p.contextTokens, p.contextTokens);
  let paged = 0;
  let contiguous = 0;
  let perToken = 0;
  const perLayer = layers.map((l) => {
    const perTok = kvLayerBytesPerToken(l, p.dtype) * kvShareOnRank(l, tp);
    perToken += perTok;
    const heldMax = heldTokensPerSequence(l, p.contextTokens, p.engine, p.maxBatchedTokens, arch.modelType);
    const heldAvg = heldTokensPerSequence(l, average, p.engine, p.maxBatchedTokens, arch.modelType);
    const pagedLayer = perTok * roundUp(heldAvg, block) * p.batch;
    const contiguousLayer = perTok * heldMax * p.batch;
    paged += pagedLayer;
    contiguous += contiguousLayer;
    const bytes = p.engine.kvAllocation === 'paged' ? pagedLayer : contiguousLayer;
    return {
      layer: l.layer,
      kind: l.kind,
      heldTokens: p.engine.kvAllocation === 'paged' ? roundUp(heldAvg, block) : heldMax,
      bytes,
    };
  });
  let stateElements = 0;
  arch.layers.forEach((l, i) => {
    if (l.mixer.kind === 'mamba' && i >= from && i < to) {
      stateElements += mambaStateElements(l.mixer, p.engine.mambaConvention) / tp;
    }
  });
  const stateBytes = stateElements * (p.stateBytesPerElement ?? p.engine.stateBytesPerElement) * p.batch;
  const attentionBytes = p.engine.kvAllocation === 'paged' ? paged : contiguous;
  return {
    bytes: Math.ceil(attentionBytes + stateBytes),
    attentionBytes: Math.ceil(attentionBytes),
    stateBytes,
    bytesPerToken: perToken,
    tokens: p.engine.kvAllocation === 'paged' ? roundUp(average, block) : p.contextTokens,
    pagedBytes: Math.ceil(paged),
    contiguousBytes: Math.ceil(contiguous),
    pagedSavingBytes: Math.max(0, Math.ceil(contiguous - paged)),
    blockTokens: block,
    perLayer,
  };
}

/**
 * Tokens of KV capacity in `freeBytes` (vLLM's "GPU KV cache size: N tokens"): whole blocks of
 * `blockTokens` across all attention layers at full length (window layers count at their cap).
 */
export function kvCapacityTokens(
  arch: Architecture,
  freeBytes: number,
  dtype: KvDtype,
  blockTokens: number,
  tp = 1,
  layerRange: readonly [number, number] = [0, arch.layers.length],
): number {
  if (freeBytes <= 0) return 0;
  const perToken = kvLayers(arch)
    .layers.filter((l) => l.layer >= layerRange[0] && l.layer < layerRange[1])
    .reduce((s, l) => s + kvLayerBytesPerToken(l, dtype) * kvShareOnRank(l, tp), 0);
  if (perToken === 0) return Number.POSITIVE_INFINITY;
  return Math.floor(freeBytes / (perToken * blockTokens)) * blockTokens;
}
