import type {
  Architecture,
  LayerSpec,
  MambaMixerSpec,
  MixerSpec,
  MlaAttentionSpec,
  MlpSpec,
  StandardAttentionSpec,
} from './architecture.js';

/** Named parameter groups; every stored tensor belongs to exactly one. */
export const COMPONENTS = [
  'embeddings',
  'attention',
  'ssm',
  'mlp',
  'experts',
  'sharedExperts',
  'router',
  'norms',
  'lmHead',
] as const;
export type Component = (typeof COMPONENTS)[number];

export type ComponentCounts = Record<Component, number>;

export function zeroCounts(): ComponentCounts {
  return {
    embeddings: 0,
    attention: 0,
    ssm: 0,
    mlp: 0,
    experts: 0,
    sharedExperts: 0,
    router: 0,
    norms: 0,
    lmHead: 0,
  };
}

/** Parameters of one block, and how many of them are matrix weights a token multiplies (2 FLOPs each). */
export interface BlockCount {
  readonly params: number;
  readonly matmul: number;
}

/**
 * Standard attention: q (h → H·d), k and v (h → Hkv·d), o (H·dv → h), optional biases, q/k norms
 * (d each) and sinks (H).
 */
export function standardAttentionParams(a: StandardAttentionSpec, hidden: number): BlockCount {
  const qOut = a.heads * a.headDim;
  const kOut = a.kvHeads * a.headDim;
  const vOut = a.kvHeads * a.valueHeadDim;
  const oIn = a.heads * a.valueHeadDim;
  const matmul = hidden * (qOut + kOut + vOut) + oIn * hidden;
  const bias = (a.qkvBias ? qOut + kOut + vOut : 0) + (a.outputBias ? hidden : 0);
  const extra = (a.qkNorm ? 2 * a.headDim : 0) + (a.sinks ? a.heads : 0);
  return { params: matmul + bias + extra, matmul };
}

/**
 * MLA: q_a (h → r_q) + q_a_norm + q_b (r_q → H·(d_nope + d_rope)) or q_proj; kv_a (h → r_kv + d_rope)
 * + kv_a_norm; kv_b (r_kv → H·(d_nope + d_v)); o (H·d_v → h).
 * @see DeepSeek-V2 technical report §2.1 (arXiv:2405.04434)
 */
export function mlaAttentionParams(a: MlaAttentionSpec, hidden: number): BlockCount {
  const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
  const q =
    a.qLoraRank === null
      ? { params: hidden * a.heads * qHead, matmul: hidden * a.heads * qHead }
      : {
          params: hidden * a.qLoraRank + a.qLoraRank + a.qLoraRank * a.heads * qHead,
          matmul: hidden * a.qLoraRank + a.qLoraRank * a.heads * qHead,
        };
  const kvA = hidden * (a.kvLoraRank + a.qkRopeHeadDim);
  const kvB = a.kvLoraRank * a.heads * (a.qkNopeHeadDim + a.valueHeadDim);
  const o = a.heads * a.valueHeadDim * hidden;
  return { params: q.params + kvA + a.kvLoraRank + kvB + o, matmul: q.matmul + kvA + kvB + o };
}

/**
 * Mamba-1 mixer: in_proj (h → 2·d_inner), depthwise conv1d (d_inner × k, + bias), x_proj
 * (d_inner → dt_rank + 2·N), dt_proj (dt_rank → d_inner, + bias), A_log (d_inner × N), D (d_inner),
 * out_proj (d_inner → h); Jamba adds RMSNorms on dt (dt_rank), B and C (N each).
 * @see Gu & Dao, "Mamba" (arXiv:2312.00752); state-spaces/mamba mamba_simple.py
 */
export function mambaMixerParams(m: MambaMixerSpec, hidden: number): BlockCount {
  const d = m.innerSize;
  const inProj = hidden * 2 * d;
  const xProj = d * (m.dtRank + 2 * m.stateSize);
  const dtProj = m.dtRank * d;
  const outProj = d * hidden;
  const matmul = inProj + xProj + dtProj + outProj;
  const conv = d * m.convKernel + (m.convBias ? d : 0);
  const projBias = m.projBias ? 2 * d + hidden : 0;
  const innerNorms = m.innerNorms ? m.dtRank + 2 * m.stateSize : 0;
  return {
    params: matmul + conv + d /* dt bias */ + d * m.stateSize + d /* D */ + projBias + innerNorms,
    matmul,
  };
}

export function mixerParams(m: MixerSpec, hidden: number): BlockCount {
  switch (m.kind) {
    case 'full':
    case 'sliding':
    case 'chunked':
      return standardAttentionParams(m, hidden);
    case 'mla':
      return mlaAttentionParams(m, hidden);
    case 'mamba':
      return mambaMixerParams(m, hidden);
    case 'none':
      return { params: 0, matmul: 0 };
  }
}

/** One feed-forward network of width `i`: gated has gate, up, down (3·h·i), plain has up, down (2·h·i). */
export function ffnParams(hidden: number, i: number, gated: boolean, bias: boolean): BlockCount {
  const matmul = (gated ? 3 : 2) * hidden * i;
  const biases = bias ? (gated ? 2 * i : i) + hidden : 0;
  return { params: matmul + biases, matmul };
}

/** Per-layer parameters by component, total and active for one token. */
export interface LayerCount {
  readonly total: ComponentCounts;
  readonly active: ComponentCounts;
  /** Matrix weights one token multiplies in this layer. */
  readonly activeMatmul: number;
}

export function mlpCounts(mlp: MlpSpec, hidden: number): LayerCount {
  const total = zeroCounts();
  const active = zeroCounts();
  if (mlp.kind === 'none') return { total, active, activeMatmul: 0 };
  if (mlp.kind === 'dense') {
    const f = ffnParams(hidden, mlp.intermediateSize, mlp.gated, mlp.bias);
    total.mlp = active.mlp = f.params;
    return { total, active, activeMatmul: f.matmul };
  }
  const expert = ffnParams(hidden, mlp.expertIntermediateSize, mlp.gated, mlp.expertBias);
  const router = hidden * mlp.experts + (mlp.routerBias ? mlp.experts : 0);
  const shared =
    mlp.sharedIntermediateSize > 0
      ? ffnParams(hidden, mlp.sharedIntermediateSize, mlp.gated, false)
      : { params: 0, matmul: 0 };
  const sharedGate = mlp.sharedExpertGate ? hidden : 0;
  total.experts = mlp.experts * expert.params;
  active.experts = mlp.expertsPerToken * expert.params;
  total.router = active.router = router;
  total.sharedExperts = active.sharedExperts = shared.params + sharedGate;
  return {
    total,
    active,
    activeMatmul: mlp.expertsPerToken * expert.matmul + hidden * mlp.experts + shared.matmul + sharedGate,
  };
}

export function layerCounts(l: LayerSpec, hidden: number): LayerCount {
  const mixer = mixerParams(l.mixer, hidden);
  const mlp = mlpCounts(l.mlp, hidden);
  const total = { ...mlp.total };
  const active = { ...mlp.active };
  const mixerKey = l.mixer.kind === 'mamba' ? 'ssm' : 'attention';
  total[mixerKey] += mixer.params;
  active[mixerKey] += mixer.params;
  total.norms += l.normParams;
  active.norms += l.normParams;
  return { total, active, activeMatmul: mixer.matmul + mlp.activeMatmul };
}

export interface ParamCount {
  /** Every parameter of the main model (MTP modules excluded; vision towers included). */
  readonly total: number;
  /** Parameters a text token passes through, input embedding matrix included (Mixtral's 12.9B convention). */
  readonly activePerToken: number;
  /** activePerToken without the input embedding (and position embedding) matrix (DeepSeek's convention). */
  readonly activePerTokenExcludingEmbeddings: number;
  readonly byComponent: Readonly<Record<string, number>>;
  readonly activeByComponent: Readonly<Record<string, number>>;
  /** Matrix weights one token multiplies (all layers + output head): 2 FLOPs each. */
  readonly activeMatmulPerToken: number;
  /** Multi-token-prediction modules (DeepSeek-V3), not part of `total`. */
  readonly mtp: number;
}

function add(into: ComponentCounts, from: ComponentCounts): void {
  for (const k of COMPONENTS) into[k] += from[k];
}

/** Exact parameter count of an architecture, by component, total and active per token. */
export function countParams(arch: Architecture): ParamCount {
  const h = arch.hiddenSize;
  const total = zeroCounts();
  const active = zeroCounts();
  let activeMatmul = 0;
  for (const l of arch.layers) {
    const c = layerCounts(l, h);
    add(total, c.total);
    add(active, c.active);
    activeMatmul += c.activeMatmul;
  }
  const embedding = arch.vocabSize * h;
  const positions = arch.positionEmbeddings * h;
  total.embeddings = active.embeddings = embedding + positions;
  const head = arch.tiedEmbeddings ? 0 : embedding;
  const headBias = arch.lmHeadBias ? arch.vocabSize : 0;
  total.lmHead = active.lmHead = head + headBias;
  activeMatmul += embedding; // the output projection, tied or not
  total.norms += arch.finalNormParams;
  active.norms += arch.finalNormParams;

  const byComponent: Record<string, number> = { ...total };
  const activeByComponent: Record<string, number> = { ...active };
  let extraTotal = 0;
  let extraActive = 0;
  for (const e of arch.extraComponents) {
    byComponent[e.name] = (byComponent[e.name] ?? 0) + e.params;
    extraTotal += e.params;
    if (e.activeForText) {
      activeByComponent[e.name] = (activeByComponent[e.name] ?? 0) + e.params;
      extraActive += e.params;
    }
  }
  const sum = (c: ComponentCounts): number => COMPONENTS.reduce((s, k) => s + c[k], 0);
  const mtp = arch.mtp
    ? arch.mtp.modules * (sum(layerCounts(arch.mtp.layer, h).total) + arch.mtp.extraParamsPerModule)
    : 0;
  if (mtp > 0) byComponent['mtp'] = mtp;
  const activePerToken = sum(active) + extraActive;
  // A tied matrix is also the output head, which every token passes through: only an untied input embedding drops out.
  const inputEmbeddingOnly = (arch.tiedEmbeddings ? 0 : embedding) + positions;
  return {
    total: sum(total) + extraTotal,
    activePerToken,
    activePerTokenExcludingEmbeddings: activePerToken - inputEmbeddingOnly,
    byComponent,
    activeByComponent,
    activeMatmulPerToken: activeMatmul,
    mtp,
  };
}
