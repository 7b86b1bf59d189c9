import { describe, expect, it } from 'vitest';
import { chooseThreshold, NEVER_STRONG_THRESHOLD, type ThresholdCalibration } from './threshold.js';

// weak 60%, strong 80%; the curve rises to 85% at 40% strong calls, then falls back to 80%.
const calibration: ThresholdCalibration = {
  weakAccuracy: 0.6,
  strongAccuracy: 0.8,
  points: [
    { threshold: NEVER_STRONG_THRESHOLD, strongShare: 0, accuracy: 0.6 },
    { threshold: 0.4, strongShare: 0.1, accuracy: 0.66 },
    { threshold: 0.2, strongShare: 0.2, accuracy: 0.72 },
    { threshold: 0.1, strongShare: 0.4, accuracy: 0.85 },
    { threshold: -0.3, strongShare: 1, accuracy: 0.8 },
  ],
};

describe('chooseThreshold', () => {
  it.each([
    [{ strongShare: 0 }, NEVER_STRONG_THRESHOLD, 0],
    [{ strongShare: 0.15 }, 0.2, 0.2],
    [{ strongShare: 0.2 }, 0.2, 0.2],
    [{ quality: 0.5 }, 0.2, 0.2], // goal 0.70: first reached at 20% strong
    [{ quality: 1 }, 0.1, 0.4], // goal 0.80: reached at 40%
    // $0.001 weak, $0.011 strong per request: $0.003 allows 20% strong calls at most.
    [{ budgetUsdPerRequest: 0.003, weakUsdPerRequest: 0.001, strongUsdPerRequest: 0.011 }, 0.2, 0.2],
    [{ budgetUsdPerRequest: 0.1, weakUsdPerRequest: 0.001, strongUsdPerRequest: 0.011 }, -0.3, 1],
  ])('%j → threshold %f at strong share %f', (target, threshold, share) => {
    const c = chooseThreshold(calibration, target);
    expect(c.threshold).toBe(threshold);
    expect(c.strongShare).toBe(share);
  });

  it('refuses a budget below the weak model’s own price, naming the field', () => {
    expect(() =>
      chooseThreshold(calibration, {
        budgetUsdPerRequest: 0.0005,
        weakUsdPerRequest: 0.001,
        strongUsdPerRequest: 0.011,
      }),
    ).toThrow(/budgetUsdPerRequest/);
  });
});
