import type { Architecture, MambaMixerSpec, MixerSpec } from './architecture.js';

export type KvLayerKind = 'full' | 'sliding' | 'chunked' | 'mla' | 'none';

/** What one layer keeps per cached token. */
export interface KvLayer {
  readonly layer: number;
  readonly kind: KvLayerKind;
  /** Cached heads (K/V heads; 1 latent for MLA; 0 for SSM layers). */
  readonly kvHeads: number;
  /** Elements of K (or of the MLA latent + RoPE key) per head. */
  readonly keyDim: number;
  /** Elements of V per head (0 for MLA: the latent serves both). */
  readonly valueDim: number;
  /** Tokens this layer holds at most (sliding window or attention chunk); null = the whole context. */
  readonly windowTokens: number | null;
  /** Cached elements per token in this layer. */
  readonly elementsPerToken: number;
  readonly bytesPerToken16Bit: number;
}

/**
 * KV-cache elements per token of one layer.
 * - standard attention: Hkv · (d_k + d_v) (K and V; GQA/MQA via num_key_value_heads, explicit head_dim);
 * - MLA: kv_lora_rank + qk_rope_head_dim — one latent, no ×2 (vLLM: num_kv_heads = 1; llama.cpp: K only);
 * - Mamba / none: 0 (a constant per-sequence state instead).
 * @see shared reference memory-notes.md "Ground rules"; DeepSeek-V2 report Table 1
 */
export function kvLayer(m: MixerSpec, layer: number): KvLayer {
  const none = { layer, kind: 'none', kvHeads: 0, keyDim: 0, valueDim: 0, windowTokens: null } as const;
  switch (m.kind) {
    case 'full':
    case 'sliding':
    case 'chunked': {
      const elements = m.kvHeads * (m.headDim + m.valueHeadDim);
      return {
        layer,
        kind: m.kind,
        kvHeads: m.kvHeads,
        keyDim: m.headDim,
        valueDim: m.valueHeadDim,
        windowTokens: m.windowTokens,
        elementsPerToken: elements,
        bytesPerToken16Bit: 2 * elements,
      };
    }
    case 'mla': {
      const elements = m.kvLoraRank + m.qkRopeHeadDim;
      return {
        layer,
        kind: 'mla',
        kvHeads: 1,
        keyDim: elements,
        valueDim: 0,
        windowTokens: null,
        elementsPerToken: elements,
        bytesPerToken16Bit: 2 * elements,
      };
    }
    case 'mamba':
    case 'none':
      return { ...none, elementsPerToken: 0, bytesPerToken16Bit: 0 };
  }
}

export interface KvCacheSummary {
  /** Σ over attention layers at full length (windows not applied; see `layers`). */
  readonly bytesPerToken16Bit: number;
  readonly elementsPerToken: number;
  readonly layers: readonly KvLayer[];
}

export function kvCache(arch: Architecture): KvCacheSummary {
  const layers = arch.layers.map((l, i) => kvLayer(l.mixer, i));
  const elementsPerToken = layers.reduce((s, l) => s + l.elementsPerToken, 0);
  return { bytesPerToken16Bit: 2 * elementsPerToken, elementsPerToken, layers };
}

/**
 * Tokens a layer actually holds for a sequence of `contextTokens`: min(context, window) for sliding
 * and chunked layers (no engine slack; the memory planner adds it), the context otherwise.
 */
export function heldTokens(layer: KvLayer, contextTokens: number): number {
  if (layer.kind === 'none') return 0;
  return layer.windowTokens === null ? contextTokens : Math.min(contextTokens, layer.windowTokens);
}

/** Exact KV bytes for `batch` sequences of `contextTokens` at `bytesPerElement`, windows applied. */
export function kvCacheBytes(
  arch: Architecture,
  p: { readonly contextTokens: number; readonly batch: number; readonly bytesPerElement: number },
): number {
  let elements = 0;
  for (const l of kvCache(arch).layers) elements += l.elementsPerToken * heldTokens(l, p.contextTokens);
  return elements * p.batch * p.bytesPerElement;
}

/** Recurrent state of one Mamba layer in elements: conv state (d_inner × k) + SSM state (d_inner × N). */
export function mambaStateElements(
  m: MambaMixerSpec,
  convention: 'mamba_ssm' | 'vllm' = 'mamba_ssm',
): number {
  // vLLM keeps only the last k−1 conv inputs; mamba_ssm's reference cache keeps k.
  const convColumns = convention === 'vllm' ? m.convKernel - 1 : m.convKernel;
  return m.innerSize * convColumns + m.innerSize * m.stateSize;
}

/** Recurrent-state bytes per sequence at 16 bits (many engines keep the SSM state in fp32: double it). */
export function stateBytesPerSequence16Bit(
  arch: Architecture,
  convention: 'mamba_ssm' | 'vllm' = 'mamba_ssm',
): number {
  let elements = 0;
  for (const l of arch.layers)
    if (l.mixer.kind === 'mamba') elements += mambaStateElements(l.mixer, convention);
  return 2 * elements;
}
