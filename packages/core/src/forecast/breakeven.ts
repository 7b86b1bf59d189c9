import { invalidInput } from '../errors.js';

export interface BreakEvenInput {
  /** API price per million tokens (blended over the workload's input/output mix). */
  readonly apiUsdPerMTok: number;
  /** Variable self-hosting cost per million tokens (GPU-hours per token at the achieved throughput). */
  readonly selfHostUsdPerMTok: number;
  /** Fixed self-hosting cost per month: operations plus amortized hardware. */
  readonly selfHostFixedUsdPerMonth: number;
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
  readonly curve: readonly BreakEvenPoint[];
  /** Change of the break-even volume when each input moves by +10%. */
  readonly sensitivity: Readonly<
    Record<'apiUsdPerMTok' | 'selfHostUsdPerMTok' | 'selfHostFixedUsdPerMonth', number | null>
  >;
}

/** Fixed monthly cost of self-hosting: operations plus hardware bought upfront, amortized linearly. */
export function fixedMonthlyUsd(p: {
  readonly opsUsdPerMonth?: number;
  readonly upfrontUsd?: number;
  readonly amortizeMonths?: number;
}): number {
  const months = p.amortizeMonths ?? 36;
  if (!(months > 0)) throw invalidInput('--amortize-months', 'must be a positive number of months');
  return (p.opsUsdPerMonth ?? 0) + (p.upfrontUsd ?? 0) / months;
}

function point(i: BreakEvenInput, tokensPerMonth: number): BreakEvenPoint {
  return {
    tokensPerMonth,
    apiUsd: (tokensPerMonth * i.apiUsdPerMTok) / 1e6,
    selfHostUsd: i.selfHostFixedUsdPerMonth + (tokensPerMonth * i.selfHostUsdPerMTok) / 1e6,
  };
}

/**
 * API vs self-hosting: the API costs p_api · T, self-hosting F + p_self · T for T tokens a month, so
 * they break even at T* = F / (p_api − p_self) (per million tokens), and self-hosting never wins when
 * p_api ≤ p_self. The lecture's figures — $3/M by API, $1,000 per 1B tokens plus $10K a month to
 * self-host — give T* = 10,000 / (3 − 1) M = 5B tokens a month.
 */
export function breakEven(i: BreakEvenInput): BreakEven {
  for (const [k, v] of Object.entries(i)) {
    if (!Number.isFinite(v) || (v as number) < 0)
      throw invalidInput(`--${k}`, 'must be a non-negative number');
  }
  const solve = (x: BreakEvenInput): number | null =>
    x.apiUsdPerMTok > x.selfHostUsdPerMTok
      ? (x.selfHostFixedUsdPerMonth * 1e6) / (x.apiUsdPerMTok - x.selfHostUsdPerMTok)
      : null;
  const t = solve(i);
  const top = t === null ? 1e10 : Math.max(2 * t, 1e6);
  const curve = Array.from({ length: 21 }, (_, k) => point(i, Math.round((top * k) / 20)));
  const sens = (k: keyof BreakEvenInput): number | null => {
    const moved = solve({ ...i, [k]: i[k] * 1.1 });
    return t === null || moved === null ? null : moved / t - 1;
  };
  return {
    breakEvenTokensPerMonth: t,
    apiUsdPerMTok: i.apiUsdPerMTok,
    selfHostFixedUsdPerMonth: i.selfHostFixedUsdPerMonth,
    selfHostUsdPerMTok: i.selfHostUsdPerMTok,
    curve,
    sensitivity: {
      apiUsdPerMTok: sens('apiUsdPerMTok'),
      selfHostUsdPerMTok: sens('selfHostUsdPerMTok'),
      selfHostFixedUsdPerMonth: sens('selfHostFixedUsdPerMonth'),
    },
  };
}

/** A blended price per million tokens for a workload that is `outputShare` output tokens. */
export function blendedUsdPerMTok(inputMtok: number, outputMtok: number, outputShare: number): number {
  if (!(outputShare >= 0 && outputShare <= 1))
    throw invalidInput('--output-share', 'must be between 0 and 1');
  return inputMtok * (1 - outputShare) + outputMtok * outputShare;
}
