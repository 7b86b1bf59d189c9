import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashedTermCounts, SHAPE_FEATURES, shapeFeatures, tfidfVector } from './features.js';
import { parseLabelledJsonl } from './labelled.js';
import { loadRouterModel, scorePrompt, type LoadedHead } from './model.js';
import { sigmoid } from './_logistic.js';
import { ROUTER_TRAINING_DEFAULTS, trainRouter } from './train.js';

const rows = parseLabelledJsonl(
  readFileSync(join(import.meta.dirname, '../../../../data/routing/train.jsonl'), 'utf8')
    .split('\n')
    .slice(0, 300)
    .join('\n'),
);
const meta = { command: 'test', data: { file: 'x', sha256: 'x', rows: 300 }, seed: 0, crossValidation: null };

describe('scorePrompt', () => {
  const file = trainRouter(rows, ROUTER_TRAINING_DEFAULTS, meta);
  const model = loadRouterModel(file);

  it('equals the training features (tf-idf of hashed terms + standardised shape) dotted with each head', () => {
    expect(shapeFeatures(rows[0]?.prompt ?? '')[SHAPE_FEATURES.indexOf('multipleChoice')]).toBe(1);
    for (const prompt of [
      rows[0]?.prompt ?? '',
      'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
      'Solve 3x + 4 = 19. What is x?',
      'ÉCOLE école — naïve café',
      '',
    ]) {
      const counts = hashedTermCounts(prompt, model.hashBits, model.maxNgram);
      const vector = tfidfVector(counts, (b) => {
        const i = model.bucketIndex[b] ?? -1;
        return i < 0 ? undefined : model.idf[i];
      });
      const shape = shapeFeatures(prompt);
      const multipleChoice = shape[SHAPE_FEATURES.indexOf('multipleChoice')] === 1;
      const z = (loaded: LoadedHead) => {
        const head = {
          bias: loaded.bias,
          weights: multipleChoice ? loaded.multipleChoiceWeights : loaded.weights,
        };
        let sum = head.bias;
        vector.indices.forEach((b, k) => {
          sum += (vector.values[k] ?? 0) * (head.weights[model.bucketIndex[b] ?? 0] ?? 0);
        });
        SHAPE_FEATURES.forEach((_, j) => {
          const v =
            (((shape[j] ?? 0) - (model.shapeMean[j] ?? 0)) / (model.shapeStd[j] ?? 1)) * model.shapeWeight;
          sum += v * (head.weights[model.idf.length + j] ?? 0);
        });
        return sum;
      };
      const weak = model.weakWins;
      const subject = model.subjectGap;
      if (!weak || !subject) throw new Error('three heads expected');
      const gap = 2 * sigmoid(z(subject)) - 1;
      const expected =
        sigmoid(z(model.strongWins)) - model.weakWeight * sigmoid(z(weak)) + model.subjectWeight * gap;
      const scored = scorePrompt(model, prompt);
      expect(scored.score).toBeCloseTo(expected, 12);
      expect(scored.subjectGap).toBeCloseTo(gap, 12);
    }
  });

  it('is deterministic across calls (scratch space is reset)', () => {
    const p = rows[5]?.prompt ?? '';
    const first = scorePrompt(model, p).score;
    scorePrompt(model, rows[6]?.prompt ?? '');
    expect(scorePrompt(model, p).score).toBe(first);
  });

  it('training is reproducible: same rows, same weights', () => {
    expect(trainRouter(rows, ROUTER_TRAINING_DEFAULTS, meta)).toEqual(file);
  });

  it('keeps separate weights for multiple-choice prompts and the rest', () => {
    expect(file.splitByForm).toBe(true);
    expect(file.trigrams).toBe(true);
    expect(model.strongWins.multipleChoiceWeights).not.toEqual(model.strongWins.weights);
  });

  it('trains the subject head on the subjects of its rows (first 300 rows: 4 MMLU subjects)', () => {
    expect(new Set(rows.map((r) => r.subject)).size).toBe(4);
    expect(file.heads.subjectGap).not.toBeNull();
    expect(file.subjectWeight).toBe(ROUTER_TRAINING_DEFAULTS.subjectWeight);
    expect(model.weakWeight).toBe(ROUTER_TRAINING_DEFAULTS.weakWeight);
    const unnamed = rows.map((r) => ({ ...r, subject: undefined, benchmark: undefined }));
    const without = trainRouter(unnamed, ROUTER_TRAINING_DEFAULTS, meta);
    expect(without.heads.subjectGap).toBeNull();
    expect(without.subjectWeight).toBe(0);
    expect(scorePrompt(loadRouterModel(without), rows[0]?.prompt ?? '').subjectGap).toBeNull();
  });

  it('still loads a file without trigrams, per-form weights or a subject head (written before they existed)', () => {
    const strongWins = { bias: file.heads.strongWins.bias, weights: file.heads.strongWins.weights };
    const older = { ...file, heads: { strongWins, weakWins: null } } as Record<string, unknown>;
    delete older['trigrams'];
    delete older['splitByForm'];
    delete older['subjectWeight'];
    delete older['weakWeight'];
    const loaded = loadRouterModel(older);
    expect(loaded.maxNgram).toBe(2);
    expect(loaded.strongWins.multipleChoiceWeights).toBe(loaded.strongWins.weights);
    const scored = scorePrompt(loaded, rows[0]?.prompt ?? '');
    expect(scored.pWeakWins).toBe(0);
    expect(scored.subjectGap).toBeNull();
    expect(scored.score).toBe(scored.pStrongWins);
    expect(scored.score).toBeGreaterThan(0);
  });

  it('rejects a damaged model file, naming the field', () => {
    expect(() => loadRouterModel({ ...file, hashBits: 40 })).toThrow(/model\.hashBits/);
    expect(() =>
      loadRouterModel({ ...file, vocabulary: { ...file.vocabulary, size: file.vocabulary.size + 1 } }),
    ).toThrow(/model\.vocabulary\.buckets/);
    expect(() => loadRouterModel(null)).toThrow(/model/);
  });
});
