import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../arch/index.js';
import { findCatalogModel, findGpu, resolvePrecision } from '../catalog/index.js';
import { isEngineId } from '../memory/engines.js';
import { isKvDtypeId, KV_DTYPES } from '../memory/kv-dtypes.js';
import { predictPerf } from './perf.js';

interface Entry {
  id: string;
  split: 'calibration' | 'validation';
  source: { title: string; url: string };
  engine: string;
  model: { catalog?: string; config?: Record<string, unknown> };
  gpu: string;
  tp: number;
  precision: string;
  kvDtype: string;
  batch: number;
  inputTokens: number;
  outputTokens: number;
  measured: Record<string, number>;
}

// data/perf-measurements.json feeds `npm run bench:perf-accuracy`; every entry must stay scorable.
const data = JSON.parse(
  readFileSync(new URL('../../../../data/perf-measurements.json', import.meta.url), 'utf8'),
) as { entries: Entry[] };

describe('published performance measurements', () => {
  it('each entry has a source, a split, measured values and resolvable inputs that the model accepts', () => {
    expect(data.entries.length).toBeGreaterThanOrEqual(50);
    const ids = new Set<string>();
    for (const e of data.entries) {
      expect(ids.has(e.id), e.id).toBe(false);
      ids.add(e.id);
      expect(e.source.url, e.id).toMatch(/^https:\/\//);
      expect(['calibration', 'validation']).toContain(e.split);
      expect(Object.keys(e.measured).length, e.id).toBeGreaterThan(0);
      const config = e.model.catalog ? findCatalogModel(e.model.catalog)?.config : e.model.config;
      expect(config, e.id).toBeDefined();
      const gpu = findGpu(e.gpu);
      const precision = resolvePrecision(e.precision);
      expect(gpu && precision && isEngineId(e.engine) && isKvDtypeId(e.kvDtype), e.id).toBeTruthy();
      if (!config || !gpu || !precision || !isEngineId(e.engine) || !isKvDtypeId(e.kvDtype)) continue;
      const r = predictPerf({
        arch: architectureFromConfig(config),
        precision,
        kvDtype: KV_DTYPES[e.kvDtype],
        gpu,
        tp: e.tp,
        engine: e.engine,
        batch: e.batch,
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
      });
      expect(r.ok ? 'ok' : r.message, e.id).toBe('ok');
    }
  });
});
