import { invalidInput } from '../errors.js';

export interface BreakEvenInput {
  /** API price per million tokens (blended over the workload's input/output mix). */
  readonly apiUsdPerMTok: number;
  /** Variable self-hosting cost per million tokens (GPU-hours per token at the achieved throughput). */
  readonly selfHostUsdPerMTok: number;
  /** Fixed self-hosting cost per month: operations plus amortized hardware. */
  readonly selfHostFixedUsdPerMonth: number;
  /**
   * The GPU bill's floor: replicas that run all month whether or not traffic uses them (at least one,
   * unless the GPUs scale to zero). The GPU bill is the larger of this and the per-token cost; 0 (the
   * default) is the lecture's model, where GPU cost grows from zero with the tokens served.
   */
  readonly selfHostMinimumUsdPerMonth?: number;
}

export interface BreakEvenPoint {
  readonly tokensPerMonth: number;
  readonly apiUsd: number;
  readonly selfHostUsd: number;
}

export interface BreakEven {
  /** Monthly tokens above which self-hosting is cheaper; null when it never is (API per-token price ≤ self-host's). */
  readonly breakEvenTokensPerMonth: number | null;
  readonly apiUsdPerMTok: number;
  readonly selfHostFixedUsdPerMonth: number;
  readonly selfHostUsdPerMTok: number;
  readonly selfHostMinimumUsdPerMonth: number;
  readonly curve: readonly BreakEvenPoint[];
  /** Change of the break-even volume when each input moves by +10%. */
  readonly sensitivity: Readonly<
    Record<
      'apiUsdPerMTok' | 'selfHostUsdPerMTok' | 'selfHostFixedUsdPerMonth' | 'selfHostMinimumUsdPerMonth',
      number | null
    >
  >;
}

/** Fixed monthly cost of self-hosting: operations plus hardware bought upfront, amortized linearly. */
export function fixedMonthlyUsd(p: {
  readonly opsUsdPerMonth?: number;
  readonly upfrontUsd?: number;
  readonly amortizeMonths?: number;
}): number {
  const months = p.amortizeMonths ?? 36;
  if (!(months > 0)) throw invalidInput('amortizeMonths', 'must be a positive number of months');
  return (p.opsUsdPerMonth ?? 0) + (p.upfrontUsd ?? 0) / months;
}

function point(i: BreakEvenInput, tokensPerMonth: number): BreakEvenPoint {
  return {
    tokensPerMonth,
    apiUsd: (tokensPerMonth * i.apiUsdPerMTok) / 1e6,
    selfHostUsd:
      i.selfHostFixedUsdPerMonth +
      Math.max(i.selfHostMinimumUsdPerMonth ?? 0, (tokensPerMonth * i.selfHostUsdPerMTok) / 1e6),
  };
}

/**
 * The volume where the lines cross. Below T₁ = M / p_self the GPUs cost their floor M, so self-hosting is
 * the flat F + M and the API catches up at (F + M) / p_api if that is below T₁; above T₁ self-hosting is
 * F + p_self · T and the crossing is F / (p_api − p_self). Never when p_api ≤ p_self.
 */
function solve(x: BreakEvenInput): number | null {
  if (x.apiUsdPerMTok <= x.selfHostUsdPerMTok) return null;
  const floor = x.selfHostMinimumUsdPerMonth ?? 0;
  const flat = ((x.selfHostFixedUsdPerMonth + floor) * 1e6) / x.apiUsdPerMTok;
  if ((flat * x.selfHostUsdPerMTok) / 1e6 <= floor) return flat;
  return (x.selfHostFixedUsdPerMonth * 1e6) / (x.apiUsdPerMTok - x.selfHostUsdPerMTok);
}

/**
 * API vs self-hosting: the API costs p_api · T, self-hosting F + max(M, p_self · T) for T tokens a month
 * (F fixed, M the always-on GPU floor). With M = 0 they break even at T* = F / (p_api − p_self) (per
 * million tokens), and self-hosting never wins when p_api ≤ p_self. The lecture's figures — $3/M by API,
 * $1,000 per 1B tokens plus $10K a month to self-host — give T* = 10,000 / (3 − 1) M = 5B tokens a month.
 * With a floor, low volumes pay for idle GPUs: see `solve`.
 */
export function breakEven(i: BreakEvenInput): BreakEven {
  for (const [k, v] of Object.entries(i)) {
    if (!Number.isFinite(v) || (v as number) < 0) throw invalidInput(k, 'must be a non-negative number');
  }
  const t = solve(i);
  const top = t === null ? 1e10 : Math.max(2 * t, 1e6);
  const curve = Array.from({ length: 21 }, (_, k) => point(i, Math.round((top * k) / 20)));
  const sens = (k: keyof BreakEvenInput): number | null => {
    const moved = solve({ ...i, [k]: (i[k] ?? 0) * 1.1 });
    return t === null || moved === null ? null : moved / t - 1;
  };
  return {
    breakEvenTokensPerMonth: t,
    apiUsdPerMTok: i.apiUsdPerMTok,
    selfHostFixedUsdPerMonth: i.selfHostFixedUsdPerMonth,
    selfHostUsdPerMTok: i.selfHostUsdPerMTok,
    selfHostMinimumUsdPerMonth: i.selfHostMinimumUsdPerMonth ?? 0,
    curve,
    sensitivity: {
      apiUsdPerMTok: sens('apiUsdPerMTok'),
      selfHostUsdPerMTok: sens('selfHostUsdPerMTok'),
      selfHostFixedUsdPerMonth: sens('selfHostFixedUsdPerMonth'),
      selfHostMinimumUsdPerMonth: sens('selfHostMinimumUsdPerMonth'),
    },
  };
}

/** A blended price per million tokens for a workload that is `outputShare` output tokens. */
export function blendedUsdPerMTok(inputMtok: number, outputMtok: number, outputShare: number): number {
  if (!(outputShare >= 0 && outputShare <= 1)) throw invalidInput('outputShare', 'must be between 0 and 1');
  return inputMtok * (1 - outputShare) + outputMtok * outputShare;
}
