import type { Architecture, LayerSpec, MixerSpec, MlpSpec } from './architecture.js';
import type { Component } from './params.js';

/**
 * How a tensor is treated by quantization and sharding:
 * `linear` — a matrix multiplied by activations (quantized by weight-only formats, split by tensor parallelism);
 * `embeddings`, `lmHead`, `router` — matrices formats usually keep at 16 bits;
 * `vector` — norms, biases, sinks, A_log, D, conv kernels: small, kept at 16 bits, replicated.
 */
export type TensorRole = 'linear' | 'embeddings' | 'lmHead' | 'router' | 'vector';

/** A set of identical tensors of one layer: `count` tensors of `rows` × `cols` (out × in features). */
export interface TensorGroup {
  readonly name: string;
  readonly component: Component | 'vision' | 'projector';
  readonly role: TensorRole;
  /** Layer index; null outside layers (embeddings, head, final norm, vision). */
  readonly layer: number | null;
  readonly rows: number;
  readonly cols: number;
  readonly count: number;
  /** Routed-expert weights: split by expert parallelism, touched by top-k of the experts per token. */
  readonly routedExpert: boolean;
  /** Split across tensor-parallel ranks (false: replicated on every rank). */
  readonly tensorParallel: boolean;
}

function g(
  name: string,
  component: TensorGroup['component'],
  role: TensorRole,
  layer: number | null,
  rows: number,
  cols: number,
  count = 1,
  extra: { routedExpert?: boolean; tensorParallel?: boolean } = {},
): TensorGroup {
  return {
    name,
    component,
    role,
    layer,
    rows,
    cols,
    count,
    routedExpert: extra.routedExpert ?? false,
    tensorParallel: extra.tensorParallel ?? (role === 'linear' || role === 'embeddings' || role === 'lmHead'),
  };
}

function mixerGroups(m: MixerSpec, h: number, layer: number): TensorGroup[] {
  switch (m.kind) {
    case 'full':
    case 'sliding':
    case 'chunked': {
      const q = m.heads * m.headDim;
      const kv = m.kvHeads * m.headDim;
      const v = m.kvHeads * m.valueHeadDim;
      const o = m.heads * m.valueHeadDim;
      const out: TensorGroup[] = [
        g('q_proj', 'attention', 'linear', layer, q, h),
        g('k_proj', 'attention', 'linear', layer, kv, h),
        g('v_proj', 'attention', 'linear', layer, v, h),
        g('o_proj', 'attention', 'linear', layer, h, o),
      ];
      if (m.qkvBias)
        out.push(g('qkv_bias', 'attention', 'vector', layer, q + kv + v, 1, 1, { tensorParallel: true }));
      if (m.outputBias) out.push(g('o_bias', 'attention', 'vector', layer, h, 1));
      if (m.qkNorm) out.push(g('qk_norm', 'attention', 'vector', layer, m.headDim, 1, 2));
      if (m.sinks)
        out.push(g('sinks', 'attention', 'vector', layer, m.heads, 1, 1, { tensorParallel: true }));
      return out;
    }
    case 'mla': {
      const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
      const out: TensorGroup[] =
        m.qLoraRank === null
          ? [g('q_proj', 'attention', 'linear', layer, m.heads * qHead, h)]
          : [
              g('q_a_proj', 'attention', 'linear', layer, m.qLoraRank, h, 1, { tensorParallel: false }),
              g('q_a_layernorm', 'attention', 'vector', layer, m.qLoraRank, 1),
              g('q_b_proj', 'attention', 'linear', layer, m.heads * qHead, m.qLoraRank),
            ];
      out.push(
        g('kv_a_proj_with_mqa', 'attention', 'linear', layer, m.kvLoraRank + m.qkRopeHeadDim, h, 1, {
          tensorParallel: false,
        }),
        g('kv_a_layernorm', 'attention', 'vector', layer, m.kvLoraRank, 1),
        g(
          'kv_b_proj',
          'attention',
          'linear',
          layer,
          m.heads * (m.qkNopeHeadDim + m.valueHeadDim),
          m.kvLoraRank,
        ),
        g('o_proj', 'attention', 'linear', layer, h, m.heads * m.valueHeadDim),
      );
      return out;
    }
    case 'mamba': {
      const d = m.innerSize;
      const out: TensorGroup[] = [
        g('in_proj', 'ssm', 'linear', layer, 2 * d, h),
        g('conv1d', 'ssm', 'vector', layer, d, m.convKernel, 1, { tensorParallel: true }),
        g('x_proj', 'ssm', 'linear', layer, m.dtRank + 2 * m.stateSize, d, 1, { tensorParallel: false }),
        g('dt_proj', 'ssm', 'linear', layer, d, m.dtRank),
        g('dt_bias', 'ssm', 'vector', layer, d, 1, 1, { tensorParallel: true }),
        g('A_log', 'ssm', 'vector', layer, d, m.stateSize, 1, { tensorParallel: true }),
        g('D', 'ssm', 'vector', layer, d, 1, 1, { tensorParallel: true }),
        g('out_proj', 'ssm', 'linear', layer, h, d),
      ];
      if (m.convBias) out.push(g('conv1d_bias', 'ssm', 'vector', layer, d, 1, 1, { tensorParallel: true }));
      if (m.projBias) out.push(g('proj_bias', 'ssm', 'vector', layer, 2 * d + h, 1));
      if (m.innerNorms) out.push(g('dt_b_c_norms', 'ssm', 'vector', layer, m.dtRank + 2 * m.stateSize, 1));
      return out;
    }
    case 'none':
      return [];
  }
}

function ffnGroups(
  prefix: string,
  component: Component,
  h: number,
  i: number,
  gated: boolean,
  bias: boolean,
  layer: number,
  count = 1,
  routedExpert = false,
): TensorGroup[] {
  const out: TensorGroup[] = [];
  if (gated) out.push(g(`${prefix}gate_proj`, component, 'linear', layer, i, h, count, { routedExpert }));
  out.push(
    g(`${prefix}up_proj`, component, 'linear', layer, i, h, count, { routedExpert }),
    g(`${prefix}down_proj`, component, 'linear', layer, h, i, count, { routedExpert }),
  );
  if (bias) {
    out.push(
      g(`${prefix}bias`, component, 'vector', layer, (gated ? 2 * i : i) + h, 1, count, {
        routedExpert,
        tensorParallel: false,
      }),
    );
  }
  return out;
}

function mlpGroups(m: MlpSpec, h: number, layer: number): TensorGroup[] {
  switch (m.kind) {
    case 'none':
      return [];
    case 'dense':
      return ffnGroups('', 'mlp', h, m.intermediateSize, m.gated, m.bias, layer);
    case 'moe': {
      const out: TensorGroup[] = [
        g('router', 'router', 'router', layer, m.experts, h, 1, { tensorParallel: false }),
        ...ffnGroups(
          'experts.',
          'experts',
          h,
          m.expertIntermediateSize,
          m.gated,
          m.expertBias,
          layer,
          m.experts,
          true,
        ),
      ];
      if (m.routerBias)
        out.push(g('router_bias', 'router', 'vector', layer, m.experts, 1, 1, { tensorParallel: false }));
      if (m.sharedIntermediateSize > 0) {
        out.push(
          ...ffnGroups(
            'shared_experts.',
            'sharedExperts',
            h,
            m.sharedIntermediateSize,
            m.gated,
            false,
            layer,
          ),
        );
      }
      if (m.sharedExpertGate)
        out.push(
          g('shared_expert_gate', 'sharedExperts', 'router', layer, 1, h, 1, { tensorParallel: false }),
        );
      return out;
    }
  }
}

/** The tensors of one decoder layer. */
export function layerTensorGroups(l: LayerSpec, h: number, layer: number): TensorGroup[] {
  return [
    ...mixerGroups(l.mixer, h, layer),
    ...mlpGroups(l.mlp, h, layer),
    ...(l.normParams > 0 ? [g('layer_norms', 'norms', 'vector', layer, l.normParams, 1)] : []),
  ];
}

/**
 * Every stored tensor of the main model as groups of identical shapes: the basis of quantized
 * weight bytes and of sharding. Σ rows × cols × count equals `countParams(arch).total`.
 */
export function tensorGroups(arch: Architecture): TensorGroup[] {
  const h = arch.hiddenSize;
  const out: TensorGroup[] = [g('embed_tokens', 'embeddings', 'embeddings', null, arch.vocabSize, h)];
  if (arch.positionEmbeddings > 0) {
    out.push(
      g('position_embeddings', 'embeddings', 'embeddings', null, arch.positionEmbeddings, h, 1, {
        tensorParallel: false,
      }),
    );
  }
  arch.layers.forEach((l, i) => out.push(...layerTensorGroups(l, h, i)));
  out.push(g('final_norm', 'norms', 'vector', null, arch.finalNormParams, 1));
  if (!arch.tiedEmbeddings) out.push(g('lm_head', 'lmHead', 'lmHead', null, arch.vocabSize, h));
  if (arch.lmHeadBias) out.push(g('lm_head_bias', 'lmHead', 'vector', null, arch.vocabSize, 1));
  for (const e of arch.extraComponents) {
    const component = e.name === 'vision' ? 'vision' : 'projector';
    out.push(g(e.name, component, 'vector', null, e.params, 1, 1, { tensorParallel: false }));
  }
  return out;
}

export function groupElements(t: TensorGroup): number {
  return t.rows * t.cols * t.count;
}
