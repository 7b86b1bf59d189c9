import { describe, expect, it } from 'vitest';
import { blendedUsdPerMTok, breakEven, fixedMonthlyUsd } from './breakeven.js';
import { HOURS_PER_MONTH } from './month.js';

describe('breakEven', () => {
  it("reproduces the lecture's slide: $3/M API vs $1/M + $10K a month → 5B tokens a month", () => {
    // shared/seed lecture, break-even slide: "$10K/month ops + $1,000 per 1B tokens" vs an API at $3/M
    const r = breakEven({ apiUsdPerMTok: 3, selfHostUsdPerMTok: 1, selfHostFixedUsdPerMonth: 10_000 });
    expect(r.breakEvenTokensPerMonth).toBe(5e9);
    expect(r.selfHostMinimumUsdPerMonth).toBe(0);
  });

  it('never breaks even when the API per-token price is not above self-hosting', () => {
    const r = breakEven({ apiUsdPerMTok: 1, selfHostUsdPerMTok: 1, selfHostFixedUsdPerMonth: 0 });
    expect(r.breakEvenTokensPerMonth).toBeNull();
  });

  it('an always-on GPU floor: at low volume self-hosting pays for idle GPUs (flat F + M)', () => {
    // one H100 at $2/h all month = $1,440; self-hosted $0.20/M at full use; API $3/M; no ops
    const floor = 2 * HOURS_PER_MONTH;
    expect(floor).toBe(1440);
    const r = breakEven({
      apiUsdPerMTok: 3,
      selfHostUsdPerMTok: 0.2,
      selfHostFixedUsdPerMonth: 0,
      selfHostMinimumUsdPerMonth: floor,
    });
    // without the floor the answer would be 0 tokens; with it, the API must cost $1,440: 480M tokens
    expect(r.breakEvenTokensPerMonth).toBeCloseTo(480e6, 3);
    const at = (t: number) => r.curve.find((p) => p.tokensPerMonth === t);
    expect(at(0)?.selfHostUsd).toBe(1440);
    // the floor covers 1440 / 0.2 = 7.2B tokens: below that the bill is flat
    expect(r.curve.every((p) => p.selfHostUsd === Math.max(1440, (p.tokensPerMonth * 0.2) / 1e6))).toBe(true);
  });

  it('a floor the traffic outgrows before the lines cross: the linear crossing F / (p_api − p_self)', () => {
    // floor $100 covers 100M tokens at $1/M; API $1.5/M; F = $10,000 → crossing at 20B tokens (≫ 100M)
    const r = breakEven({
      apiUsdPerMTok: 1.5,
      selfHostUsdPerMTok: 1,
      selfHostFixedUsdPerMonth: 10_000,
      selfHostMinimumUsdPerMonth: 100,
    });
    expect(r.breakEvenTokensPerMonth).toBe(20e9);
    // continuity: both lines meet there
    const t = r.breakEvenTokensPerMonth ?? 0;
    expect((t * 1.5) / 1e6).toBeCloseTo(10_000 + (t * 1) / 1e6, 6);
  });

  it('names the field of a bad input', () => {
    expect(() =>
      breakEven({
        apiUsdPerMTok: 3,
        selfHostUsdPerMTok: 1,
        selfHostFixedUsdPerMonth: 0,
        selfHostMinimumUsdPerMonth: -1,
      }),
    ).toThrow(/selfHostMinimumUsdPerMonth/);
  });

  it('names its own fields, not a CLI flag', () => {
    expect(() => fixedMonthlyUsd({ upfrontUsd: 1000, amortizeMonths: 0 })).toThrow(/^amortizeMonths/);
    expect(() => blendedUsdPerMTok(1, 2, 1.5)).toThrow(/^outputShare/);
  });
});
