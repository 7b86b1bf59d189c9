import type { TensorGroup } from '../arch/index.js';
import { groupElements } from '../arch/index.js';

/**
 * Optimizer memory per trainable parameter, with mixed-precision master weights where the optimizer
 * keeps them.
 * - adamw: fp32 master copy (4 B) + fp32 first and second moments (8 B) = 12 B, i.e. 16 B/param with the
 *   16-bit weights and gradients (ZeRO paper §3: "2Ψ + 2Ψ + 12Ψ");
 * - adamw-8bit: fp32 master (4 B) + 8-bit moments (2 B) with one fp32 scale per 2,048-value block each;
 * - sgd: fp32 master only (plain SGD without momentum).
 * @see Rajbhandari et al., "ZeRO" (arXiv:1910.02054) §3.1; Dettmers et al., "8-bit Optimizers via
 *   Block-wise Quantization" (arXiv:2110.02861), block size 2048
 */
export const OPTIMIZERS = {
  adamw: { id: 'adamw', bytesPerParam: 12, note: 'fp32 master + fp32 m and v' },
  'adamw-8bit': {
    id: 'adamw-8bit',
    bytesPerParam: 4 + 2 + (2 * 4) / 2048,
    note: 'fp32 master + 8-bit m and v (block-wise, 2048)',
  },
  sgd: { id: 'sgd', bytesPerParam: 4, note: 'fp32 master, no momentum' },
} as const;

export type OptimizerId = keyof typeof OPTIMIZERS;

export function isOptimizerId(id: string): id is OptimizerId {
  return Object.hasOwn(OPTIMIZERS, id);
}

/** Which linear layers receive LoRA adapters. */
export type LoraTargets = 'attention' | 'all-linear';

const ATTENTION_PROJECTIONS = new Set([
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'q_a_proj',
  'q_b_proj',
  'kv_a_proj_with_mqa',
  'kv_b_proj',
]);

/**
 * Exact trainable parameters of LoRA adapters: r × (in + out) for every adapted matrix (A: r × in,
 * B: out × r), times its count. `attention` adapts the attention projections (PEFT's default for
 * Llama: q_proj and v_proj only is `qv`); `all-linear` adapts every linear layer but the output head.
 * @see Hu et al., "LoRA" (arXiv:2106.09685) §4; PEFT LoraConfig target_modules="all-linear"
 */
export function loraParams(
  groups: readonly TensorGroup[],
  rank: number,
  targets: LoraTargets | 'qv',
): number {
  let params = 0;
  for (const t of groups) {
    if (t.role !== 'linear') continue;
    const hit =
      targets === 'all-linear'
        ? true
        : targets === 'qv'
          ? t.name === 'q_proj' || t.name === 'v_proj'
          : ATTENTION_PROJECTIONS.has(t.name);
    if (hit) params += rank * (t.rows + t.cols) * t.count;
  }
  return params;
}

export function totalParams(groups: readonly TensorGroup[]): number {
  return groups.reduce((s, t) => s + groupElements(t), 0);
}

/**
 * ZeRO partitioning over `n` data-parallel GPUs: stage 1 shards optimizer states, stage 2 also
 * gradients, stage 3 also the 16-bit weights.
 * @see ZeRO paper §5, Figure 1
 */
export function zeroShare(
  stage: 0 | 1 | 2 | 3,
  n: number,
): { readonly weights: number; readonly gradients: number; readonly optimizer: number } {
  return {
    weights: stage >= 3 ? 1 / n : 1,
    gradients: stage >= 2 ? 1 / n : 1,
    optimizer: stage >= 1 ? 1 / n : 1,
  };
}
