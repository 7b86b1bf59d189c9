import { describe, expect, it } from 'vitest';
import type { LabelledPrompt } from './labelled.js';
import { subjectGapLabels } from './train.js';

const row = (
  id: string,
  strong: boolean,
  weak: boolean,
  group: { subject?: string; benchmark?: string },
): LabelledPrompt => ({ id, prompt: id, strong_correct: strong, weak_correct: weak, ...group });

describe('subjectGapLabels', () => {
  it('is the leave-one-out mean gap of the subject, mapped from [−1, 1] to [0, 1] (by hand)', () => {
    // subject a: gaps 1, 0, 0; subject b: one row, gap −1 (no other row: mean 0)
    const labels = subjectGapLabels([
      row('1', true, false, { subject: 'a' }),
      row('2', false, false, { subject: 'a' }),
      row('3', true, true, { subject: 'a' }),
      row('4', false, true, { subject: 'b' }),
    ]);
    // row 1: mean of (0, 0) = 0 → 0.5; rows 2 and 3: mean of (1, 0) = 0.5 → 0.75; row 4: 0 → 0.5
    expect(Array.from(labels ?? [])).toEqual([0.5, 0.75, 0.75, 0.5]);
  });

  it('falls back to the benchmark, and needs two subjects', () => {
    const labels = subjectGapLabels([
      row('1', true, false, { benchmark: 'gsm8k' }),
      row('2', true, false, { benchmark: 'gsm8k' }),
      row('3', false, true, { subject: 'x', benchmark: 'mmlu' }),
    ]);
    expect(Array.from(labels ?? [])).toEqual([1, 1, 0.5]);
    expect(subjectGapLabels([row('1', true, false, {}), row('2', false, false, {})])).toBeNull();
  });
});
