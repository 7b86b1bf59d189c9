import type { Architecture, LayerSpec } from '../arch/index.js';

/** Bytes per activation element at 16-bit compute (bf16/fp16). */
export const ACTIVATION_BYTES = 2;
/** Logits and their softmax are taken in fp32 by every engine we model. */
export const LOGITS_BYTES = 4;

export interface InferenceActivationInput {
  /** Bytes per activation element (2 for bf16 engines, 4 for ggml's f32). */
  readonly activationBytes?: number;
  /** Copies of the score matrix without FlashAttention (scores and probabilities: 2; ggml in place: 1). */
  readonly scoresCopies?: number;
  /** fp32 vocabulary-wide copies at the sampler's peak (vLLM profiles 3.8). */
  readonly samplerCopies?: number;
  /** Attend over the whole context even in windowed layers (engines that do not apply the model's window). */
  readonly ignoreWindows?: boolean;
  /** Tokens in one forward pass: a prefill chunk (≤ max-batched-tokens) or the decode batch. */
  readonly chunkTokens: number;
  /** Tokens each query attends to (the context), for the s² term without FlashAttention. */
  readonly contextTokens: number;
  /** Rows of logits computed (engines keep only each sequence's last position; llama.cpp reserves a ubatch). */
  readonly logitsRows: number;
  readonly flashAttention: boolean;
  /** Tensor-parallel degree: heads and intermediate widths are split across ranks. */
  readonly tp: number;
}

export interface ActivationPeak {
  readonly bytes: number;
  /** Which phase sets the peak. */
  readonly phase: 'attention' | 'mlp' | 'ssm' | 'logits';
  readonly phases: Readonly<Record<string, number>>;
  readonly note: string;
}

function attentionPhase(l: LayerSpec, p: InferenceActivationInput): number {
  const T = p.chunkTokens;
  const m = l.mixer;
  const b = p.activationBytes ?? ACTIVATION_BYTES;
  const copies = p.scoresCopies ?? 2;
  switch (m.kind) {
    case 'full':
    case 'sliding':
    case 'chunked': {
      const heads = Math.ceil(m.heads / p.tp);
      const kvHeads = Math.max(1, Math.floor(m.kvHeads / p.tp));
      const projections =
        T * (heads * m.headDim + kvHeads * (m.headDim + m.valueHeadDim) + heads * m.valueHeadDim) * b;
      const attended =
        m.windowTokens === null || p.ignoreWindows === true
          ? p.contextTokens
          : Math.min(p.contextTokens, m.windowTokens + T);
      // Without FlashAttention the scores and the softmax probabilities are both materialised (H × T × c).
      const scores = p.flashAttention ? 0 : copies * heads * T * attended * b;
      return projections + scores;
    }
    case 'mla': {
      const heads = Math.ceil(m.heads / p.tp);
      const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
      const latent = T * (m.kvLoraRank + m.qkRopeHeadDim + (m.qLoraRank ?? 0)) * b;
      const expanded = T * heads * (2 * qk + 2 * m.valueHeadDim) * b;
      const scores = p.flashAttention ? 0 : copies * heads * T * p.contextTokens * b;
      return latent + expanded + scores;
    }
    case 'mamba': {
      const d = Math.ceil(m.innerSize / p.tp);
      // in_proj output (x and z), conv output, Δ, the scan output; B and C are small (2N per token).
      return T * (2 * d + d + d + d + m.dtRank + 2 * m.stateSize) * b;
    }
    case 'none':
      return 0;
  }
}

function mlpPhase(l: LayerSpec, p: InferenceActivationInput, hidden: number): number {
  const T = p.chunkTokens;
  const b = p.activationBytes ?? ACTIVATION_BYTES;
  const m = l.mlp;
  switch (m.kind) {
    case 'none':
      return 0;
    case 'dense':
      // gated: gate, up and act(gate)·up live together; plain: up and act(up)
      return T * Math.ceil(m.intermediateSize / p.tp) * (m.gated ? 3 : 2) * b;
    case 'moe': {
      const routed = T * m.expertsPerToken;
      const perExpert = Math.ceil(m.expertIntermediateSize / p.tp) * (m.gated ? 3 : 2);
      const shared =
        m.sharedIntermediateSize > 0
          ? T * Math.ceil(m.sharedIntermediateSize / p.tp) * (m.gated ? 3 : 2) * b
          : 0;
      // router logits in fp32, the permuted copy of the routed tokens, their expert intermediates
      return T * m.experts * LOGITS_BYTES + routed * hidden * b + routed * perExpert * b + shared;
    }
  }
}

/**
 * Peak activation memory of one forward pass at inference. Only one layer's activations are live at
 * a time (each layer's outputs replace its inputs), so the peak is the residual stream (input and
 * normalised copy, 2·T·h) plus the largest of: the attention phase (q, k, v, attention output; and the
 * H × T × c score and probability matrices unless FlashAttention computes them in tiles), the MLP
 * phase (gate, up and their product: 3·T·I for gated MLPs; MoE: router logits, routed copies and
 * top-k expert intermediates), the SSM phase, and the final logits (rows × vocabulary in fp32).
 * Not the lecture's batch·seq·hidden·layers·20 convention, which sums every layer as training does.
 * @see seed/NOTES.md (VRAM hands-on, activations); memory-notes.md §7 (worst-case logits n_vocab·n_ubatch·4 B)
 */
export function inferenceActivationPeak(arch: Architecture, p: InferenceActivationInput): ActivationPeak {
  const h = arch.hiddenSize;
  const residual = 2 * p.chunkTokens * h * (p.activationBytes ?? ACTIVATION_BYTES);
  let attention = 0;
  let mlp = 0;
  let ssm = 0;
  for (const l of arch.layers) {
    const a = attentionPhase(l, p);
    if (l.mixer.kind === 'mamba') ssm = Math.max(ssm, a);
    else attention = Math.max(attention, a);
    mlp = Math.max(mlp, mlpPhase(l, p, h));
  }
  const logits = p.logitsRows * arch.vocabSize * LOGITS_BYTES * (p.samplerCopies ?? 1);
  const phases = { attention, mlp, ssm, logits };
  const [phase, top] = (Object.entries(phases) as [ActivationPeak['phase'], number][]).reduce((a, c) =>
    c[1] > a[1] ? c : a,
  );
  return {
    bytes: Math.ceil(residual + top),
    phase,
    phases: { residual, ...phases },
    note: `one layer live at a time over ${p.chunkTokens} tokens; ${p.flashAttention ? 'FlashAttention (no s² matrix)' : 'eager attention (H × T × context scores)'}; ${p.logitsRows} logit rows in fp32${(p.samplerCopies ?? 1) > 1 ? ` × ${String(p.samplerCopies)} sampler copies` : ''}`,
  };
}

export interface TrainingActivationInput {
  readonly microBatch: number;
  readonly sequenceTokens: number;
  readonly flashAttention: boolean;
  /** Full activation checkpointing per layer: keep only each layer's input, recompute one layer at a time. */
  readonly gradientCheckpointing: boolean;
  readonly tp: number;
}

/** Activations one layer stores for backward, for `tokens` tokens (bytes). */
function trainingLayerBytes(
  l: LayerSpec,
  hidden: number,
  tokens: number,
  p: TrainingActivationInput,
): number {
  const b = ACTIVATION_BYTES;
  const s = p.sequenceTokens;
  // two norm inputs and two norm outputs of the residual stream
  let bytes = 4 * tokens * hidden * b;
  const m = l.mixer;
  if (m.kind === 'full' || m.kind === 'sliding' || m.kind === 'chunked') {
    const heads = Math.ceil(m.heads / p.tp);
    const kvHeads = Math.max(1, Math.floor(m.kvHeads / p.tp));
    bytes +=
      tokens * (heads * m.headDim + kvHeads * (m.headDim + m.valueHeadDim) + heads * m.valueHeadDim) * b;
    const attended = m.windowTokens === null ? s : Math.min(s, m.windowTokens);
    // softmax output for backward (Korthikanti's 2·a·s²·b term) unless FlashAttention; FA keeps fp32 log-sum-exp per row
    bytes += p.flashAttention ? heads * tokens * 4 : heads * tokens * attended * b;
  } else if (m.kind === 'mla') {
    const heads = Math.ceil(m.heads / p.tp);
    bytes +=
      tokens *
      (m.kvLoraRank +
        m.qkRopeHeadDim +
        (m.qLoraRank ?? 0) +
        heads * (2 * (m.qkNopeHeadDim + m.qkRopeHeadDim) + 2 * m.valueHeadDim)) *
      b;
    bytes += p.flashAttention ? heads * tokens * 4 : heads * tokens * s * b;
  } else if (m.kind === 'mamba') {
    const d = Math.ceil(m.innerSize / p.tp);
    bytes += tokens * (5 * d + m.dtRank + 2 * m.stateSize) * b;
  }
  const f = l.mlp;
  if (f.kind === 'dense') bytes += tokens * Math.ceil(f.intermediateSize / p.tp) * (f.gated ? 3 : 2) * b;
  else if (f.kind === 'moe') {
    const routed = tokens * f.expertsPerToken;
    bytes += tokens * f.experts * LOGITS_BYTES + routed * hidden * b;
    bytes += routed * Math.ceil(f.expertIntermediateSize / p.tp) * (f.gated ? 3 : 2) * b;
    if (f.sharedIntermediateSize > 0) bytes += tokens * Math.ceil(f.sharedIntermediateSize / p.tp) * 3 * b;
  }
  return bytes;
}

/**
 * Activation memory of a training step: what every layer stores for the backward pass (the
 * Korthikanti et al. decomposition generalised to GQA, gated MLPs, MoE and SSM layers, without dropout
 * masks; the s² softmax term disappears under FlashAttention), or with full per-layer checkpointing,
 * each layer's input plus one layer recomputed; plus the logits (16-bit), their fp32 copy for the loss
 * and its gradient.
 * @see Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models" (arXiv:2205.05198) §4
 */
export function trainingActivationBytes(arch: Architecture, p: TrainingActivationInput): number {
  const tokens = p.microBatch * p.sequenceTokens;
  const h = arch.hiddenSize;
  const perLayer = arch.layers.map((l) => trainingLayerBytes(l, h, tokens, p));
  const stored = p.gradientCheckpointing
    ? arch.layers.length * tokens * h * ACTIVATION_BYTES + Math.max(0, ...perLayer)
    : perLayer.reduce((s, x) => s + x, 0);
  const logits = tokens * arch.vocabSize * (ACTIVATION_BYTES + 2 * LOGITS_BYTES);
  return Math.ceil(stored + logits);
}
