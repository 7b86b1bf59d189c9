import { invalidInput } from '../errors.js';
import { softmax, vecmat, type Matrix, type Vector } from './_matrix.js';

export interface TokenRoute {
  /** Chosen experts, highest logit first. */
  readonly experts: readonly number[];
  /** Softmax over the chosen experts' logits (sums to 1). */
  readonly weights: readonly number[];
}

/**
 * Top-k routing as in the lecture and Mixtral: logits = W_router · x, keep the k largest, weights =
 * softmax over those k logits. Ties go to the lower expert index.
 * @see Jiang et al., "Mixtral of Experts" (arXiv:2401.04088) §2.1
 */
export function routeTopK(logits: Vector, k: number): TokenRoute {
  if (!Number.isInteger(k) || k < 1 || k > logits.length) {
    throw invalidInput('moe.k', `must be an integer from 1 to the number of experts (${logits.length})`);
  }
  if (!logits.every(Number.isFinite)) throw invalidInput('moe.logits', 'must all be finite numbers');
  const order = logits.map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const top = order.slice(0, k);
  return { experts: top.map(([, i]) => i), weights: softmax(top.map(([l]) => l)) };
}

/** output = Σ_i w_i · Expert_i(x) over the routed experts. */
export function moeForward(
  x: Vector,
  routerWeights: Matrix,
  experts: readonly ((x: Vector) => readonly number[])[],
  k: number,
): { readonly output: number[]; readonly route: TokenRoute; readonly logits: number[] } {
  const logits = vecmat(x, routerWeights);
  if (logits.length !== experts.length) {
    throw invalidInput(
      'moe.routerWeights',
      `router has ${logits.length} outputs for ${experts.length} experts`,
    );
  }
  const route = routeTopK(logits, k);
  let output: number[] = [];
  route.experts.forEach((e, j) => {
    const y = experts[e]?.(x) ?? [];
    const w = route.weights[j] ?? 0;
    output = y.map((v, i) => (output[i] ?? 0) + w * v);
  });
  return { output, route, logits };
}

/**
 * Switch-Transformer load-balancing loss: α · E · Σ_i f_i · P_i, where f_i is the fraction of routing
 * assignments sent to expert i (top-k: over all T·k assignments) and P_i the mean router probability
 * (softmax over all E logits) for expert i. Equals α when routing is perfectly uniform.
 * @see Fedus et al., "Switch Transformers" (arXiv:2101.03961) §2.2, eq. (4)–(6)
 */
export function loadBalancingLoss(routerLogits: Matrix, k: number, alpha = 0.01): number {
  const tokens = routerLogits.length;
  const experts = routerLogits[0]?.length ?? 0;
  if (tokens === 0 || experts === 0)
    throw invalidInput('moe.routerLogits', 'needs at least one token and one expert');
  const fraction = new Array<number>(experts).fill(0);
  const meanProb = new Array<number>(experts).fill(0);
  for (const logits of routerLogits) {
    if (logits.length !== experts) {
      throw invalidInput(
        'moe.routerLogits',
        `every row needs ${experts} logits (one per expert); got ${logits.length}`,
      );
    }
    for (const e of routeTopK(logits, k).experts) fraction[e] = (fraction[e] ?? 0) + 1 / (tokens * k);
    softmax(logits).forEach((p, e) => (meanProb[e] = (meanProb[e] ?? 0) + p / tokens));
  }
  let dot = 0;
  for (let e = 0; e < experts; e++) dot += (fraction[e] ?? 0) * (meanProb[e] ?? 0);
  return alpha * experts * dot;
}
