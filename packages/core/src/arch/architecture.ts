/**
 * The architecture of a model as a list of per-layer specs: the one representation that every
 * calculation (parameters, KV cache, recurrent state, FLOPs) reads. Model-type adapters
 * (`model-types/`) build it from a Hugging Face `config.json`; the safetensors and GGUF readers
 * build or check it from real tensors.
 */

/** Standard multi-head attention with grouped KV heads (MHA when kvHeads = heads, MQA when 1). */
export interface StandardAttentionSpec {
  readonly kind: 'full' | 'sliding' | 'chunked';
  readonly heads: number;
  readonly kvHeads: number;
  /** Query/key head dimension (`config.head_dim`, else hidden_size / heads). */
  readonly headDim: number;
  /** Value head dimension; equals headDim except in a few exotic models. */
  readonly valueHeadDim: number;
  /** Sliding-window length (kind `sliding`) or chunk length (kind `chunked`) in tokens; null for full. */
  readonly windowTokens: number | null;
  readonly qkvBias: boolean;
  readonly outputBias: boolean;
  /** Per-head RMSNorm on q and k (Qwen3, Gemma 3): 2 × headDim weights. */
  readonly qkNorm: boolean;
  /** Learned per-head attention sinks (gpt-oss): `heads` extra parameters. */
  readonly sinks: boolean;
}

/** Multi-head latent attention (DeepSeek-V2/V3): a compressed KV latent plus a decoupled RoPE key. */
export interface MlaAttentionSpec {
  readonly kind: 'mla';
  readonly heads: number;
  /** Low-rank query compression; null means a direct q_proj (DeepSeek-V2-Lite). */
  readonly qLoraRank: number | null;
  readonly kvLoraRank: number;
  readonly qkNopeHeadDim: number;
  readonly qkRopeHeadDim: number;
  readonly valueHeadDim: number;
}

/** Mamba-1 selective state-space mixer. */
export interface MambaMixerSpec {
  readonly kind: 'mamba';
  readonly innerSize: number;
  readonly stateSize: number;
  readonly convKernel: number;
  readonly dtRank: number;
  readonly convBias: boolean;
  /** Bias on in_proj and out_proj. */
  readonly projBias: boolean;
  /** Jamba's RMSNorms on dt, B and C inside the mixer. */
  readonly innerNorms: boolean;
}

export type MixerSpec = StandardAttentionSpec | MlaAttentionSpec | MambaMixerSpec | { readonly kind: 'none' };

/** Feed-forward block: gated (SwiGLU/GeGLU: gate, up, down) or plain (up, down). */
export interface DenseMlpSpec {
  readonly kind: 'dense';
  readonly intermediateSize: number;
  readonly gated: boolean;
  readonly bias: boolean;
}

export interface MoeMlpSpec {
  readonly kind: 'moe';
  /** Routed experts. */
  readonly experts: number;
  readonly expertsPerToken: number;
  readonly expertIntermediateSize: number;
  readonly gated: boolean;
  readonly expertBias: boolean;
  /** Router bias or score-correction bias (gpt-oss, DeepSeek-V3 `noaux_tc`): `experts` extra parameters. */
  readonly routerBias: boolean;
  /** Always-active shared experts (DeepSeek: n_shared_experts; Qwen2-MoE, Llama 4: 1). */
  readonly sharedExperts: number;
  /** Total width of the shared experts, counted as one MLP of this width; 0 if none. */
  readonly sharedIntermediateSize: number;
  /** Qwen2-MoE's sigmoid gate on the shared expert (hidden_size weights). */
  readonly sharedExpertGate: boolean;
}

export type MlpSpec = DenseMlpSpec | MoeMlpSpec | { readonly kind: 'none' };

export interface LayerSpec {
  readonly mixer: MixerSpec;
  readonly mlp: MlpSpec;
  /** Parameters of the layer-level norms (input, post-attention, pre/post feed-forward). */
  readonly normParams: number;
}

/** DeepSeek-V3 style multi-token-prediction modules: reported beside the main model, never in its total. */
export interface MtpSpec {
  readonly modules: number;
  readonly layer: LayerSpec;
  /** Parameters outside the transformer block per module (enorm, hnorm, eh_proj, head norm, head, embedding copy). */
  readonly extraParamsPerModule: number;
}

/** A component the architecture maths counts by a formula of its own (a vision tower, a projector). */
export interface ExtraComponent {
  readonly name: string;
  readonly params: number;
  /** Whether a text token passes through it (a vision tower: no). */
  readonly activeForText: boolean;
  readonly formula: string;
}

export interface Architecture {
  readonly modelType: string;
  readonly hiddenSize: number;
  /** Rows of the embedding matrix as stored (padded vocabulary where the checkpoint pads it). */
  readonly vocabSize: number;
  /** Learned absolute position embeddings (GPT-2); 0 for RoPE/ALiBi/none. */
  readonly positionEmbeddings: number;
  readonly layers: readonly LayerSpec[];
  readonly finalNormParams: number;
  readonly tiedEmbeddings: boolean;
  readonly lmHeadBias: boolean;
  readonly maxPositionEmbeddings: number | null;
  readonly mtp: MtpSpec | null;
  readonly extraComponents: readonly ExtraComponent[];
  readonly warnings: readonly string[];
}
