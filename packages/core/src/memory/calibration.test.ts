import { describe, expect, it } from 'vitest';
import { memoryMeasurements } from './calibration.js';

/**
 * Each published measurement (engine startup logs, benchmark tables; sources in calibration.ts)
 * against Costwise's prediction for the same settings. Tolerances are per row: exact layouts (KV
 * sizes) within 0.1%, vLLM and transformers totals within 5%.
 */
describe('memory predictions against published measurements', () => {
  it.each(memoryMeasurements().map((m) => [m.id, m] as const))('%s', (_id, m) => {
    const predicted = m.predict();
    const error = predicted / m.measured - 1;
    expect(
      Math.abs(error),
      `${m.what}: measured ${m.measured} ${m.unit}, predicted ${predicted.toFixed(2)} [${m.source}]`,
    ).toBeLessThanOrEqual(m.tolerance);
  });
});
