import { z } from 'zod';
import { invalidInput } from '../errors.js';
import type { CurvePoint } from './eval.js';

/**
 * What a route asks of its router, in any of three currencies. `quality` is the share of the weak→strong
 * accuracy gap to recover (RouteLLM's PGR); `budget` is an average price per request, between the weak-only
 * and the strong-only price.
 */
export const ThresholdTargetSchema = z.union([
  z.object({ threshold: z.number() }).strict(),
  z.object({ strongShare: z.number().min(0).max(1) }).strict(),
  z.object({ quality: z.number().min(0).max(1) }).strict(),
  z
    .object({
      budgetUsdPerRequest: z.number().nonnegative(),
      weakUsdPerRequest: z.number().nonnegative(),
      strongUsdPerRequest: z.number().nonnegative(),
    })
    .strict(),
]);
export type ThresholdTarget = z.infer<typeof ThresholdTargetSchema>;

/** A score → outcome curve measured on prompts the router had not seen (its cross-validation). */
export interface ThresholdCalibration {
  readonly weakAccuracy: number;
  readonly strongAccuracy: number;
  /** Sorted by strong share, first point at share 0. */
  readonly points: readonly Pick<CurvePoint, 'threshold' | 'strongShare' | 'accuracy'>[];
}

export interface ThresholdChoice {
  readonly threshold: number;
  /** Expected on traffic like the calibration set. */
  readonly strongShare: number;
  readonly accuracy: number;
  readonly reason: string;
}

/** JSON cannot carry ∞: "send nothing to the strong model" is a threshold above every possible score (≤ 1). */
export const NEVER_STRONG_THRESHOLD = 2;

function choice(point: ThresholdCalibration['points'][number], reason: string): ThresholdChoice {
  const threshold = Number.isFinite(point.threshold) ? point.threshold : NEVER_STRONG_THRESHOLD;
  return { threshold, strongShare: point.strongShare, accuracy: point.accuracy, reason };
}

/**
 * The threshold that meets a target on the calibration curve: the smallest strong share that reaches the target
 * share or quality, or the largest that stays within the budget.
 */
export function chooseThreshold(calibration: ThresholdCalibration, target: ThresholdTarget): ThresholdChoice {
  const points = calibration.points;
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) throw invalidInput('calibration', 'has no points');
  if ('threshold' in target) {
    const at = points.filter((p) => p.threshold >= target.threshold).pop() ?? first;
    return { ...choice(at, 'threshold given'), threshold: target.threshold };
  }
  if ('strongShare' in target) {
    const at = points.find((p) => p.strongShare >= target.strongShare - 1e-12) ?? last;
    return choice(
      at,
      `first threshold sending at least ${(target.strongShare * 100).toFixed(1)}% to the strong model`,
    );
  }
  if ('quality' in target) {
    const goal =
      calibration.weakAccuracy + target.quality * (calibration.strongAccuracy - calibration.weakAccuracy);
    const at = points.find((p) => p.accuracy >= goal - 1e-12) ?? last;
    return choice(
      at,
      `smallest strong share recovering ${(target.quality * 100).toFixed(0)}% of the weak→strong accuracy gap`,
    );
  }
  const { budgetUsdPerRequest: budget, weakUsdPerRequest: weak, strongUsdPerRequest: strong } = target;
  if (strong <= weak) {
    throw invalidInput('strongUsdPerRequest', 'must exceed weakUsdPerRequest for a budget to choose a share');
  }
  if (budget < weak) {
    throw invalidInput(
      'budgetUsdPerRequest',
      `$${budget} is below the weak model's own $${weak} per request: no routing fits it`,
    );
  }
  const share = Math.min(1, (budget - weak) / (strong - weak));
  const within = points.filter((p) => p.strongShare <= share + 1e-12).pop() ?? first;
  return choice(
    within,
    `largest strong share within $${budget} per request (${(share * 100).toFixed(1)}% at most)`,
  );
}
