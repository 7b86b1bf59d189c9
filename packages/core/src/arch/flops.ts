import type { Architecture, MixerSpec } from './architecture.js';
import { countParams } from './params.js';

/**
 * Attention FLOPs per token per attended context token in one layer: QKᵀ (2·H·d_k) plus the weighted
 * sum of V (2·H·d_v). MLA is counted in its expanded form (heads × (d_nope + d_rope) for scores,
 * heads × d_v for values), as in prefill; absorbed decode kernels trade these for latent-space
 * products of similar size.
 */
export function attentionFlopsPerContextToken(m: MixerSpec): number {
  switch (m.kind) {
    case 'full':
    case 'sliding':
    case 'chunked':
      return 2 * m.heads * (m.headDim + m.valueHeadDim);
    case 'mla':
      return 2 * m.heads * (m.qkNopeHeadDim + m.qkRopeHeadDim + m.valueHeadDim);
    case 'mamba':
    case 'none':
      return 0;
  }
}

/**
 * Non-matmul FLOPs per token of a Mamba mixer: the depthwise causal conv (2·d_inner·k) and the
 * selective scan, 9·d_inner·N plus the D skip and the z gate (d_inner each), the count used by
 * mamba_ssm's `selective_scan_flop_jit`.
 * @see state-spaces/mamba mamba_ssm/ops/selective_scan_interface.py
 */
export function scanFlopsPerToken(m: MixerSpec): number {
  if (m.kind !== 'mamba') return 0;
  const d = m.innerSize;
  return 2 * d * m.convKernel + 9 * d * m.stateSize + 2 * d;
}

export interface FlopsPerToken {
  /** Forward FLOPs per token independent of context: 2 × matrix weights multiplied + SSM conv/scan. */
  readonly perToken: number;
  /** Of which, matmuls (2 per multiply-accumulate). */
  readonly matmul: number;
  readonly scan: number;
  /** Added FLOPs per token for each context token it attends to (Σ attention layers, windows ignored). */
  readonly attentionPerContextToken: number;
}

export function flopsPerToken(arch: Architecture): FlopsPerToken {
  const matmul = 2 * countParams(arch).activeMatmulPerToken;
  let scan = 0;
  let attention = 0;
  for (const l of arch.layers) {
    scan += scanFlopsPerToken(l.mixer);
    attention += attentionFlopsPerContextToken(l.mixer);
  }
  return { perToken: matmul + scan, matmul, scan, attentionPerContextToken: attention };
}

/** Tokens a layer attends to from position `contextTokens` (windows and chunks capped). */
function attended(m: MixerSpec, contextTokens: number): number {
  if ((m.kind === 'sliding' || m.kind === 'chunked') && m.windowTokens !== null) {
    return Math.min(contextTokens, m.windowTokens);
  }
  return contextTokens;
}

/** Forward FLOPs of one token that attends to `contextTokens` tokens (itself included). */
export function flopsPerTokenAt(arch: Architecture, contextTokens: number): number {
  const base = flopsPerToken(arch).perToken;
  let attention = 0;
  for (const l of arch.layers)
    attention += attentionFlopsPerContextToken(l.mixer) * attended(l.mixer, contextTokens);
  return base + attention;
}
