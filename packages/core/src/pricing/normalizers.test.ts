import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE_NORMALIZERS, isUsageApi } from './normalizers/index.js';

/**
 * Recorded provider responses (pydantic-ai test cassettes, genai-prices tests, provider documentation;
 * each fixture names its source) and the canonical usage each must normalize to.
 */
interface Fixture {
  id: string;
  api: string;
  streaming: boolean;
  body?: unknown;
  events?: unknown[];
  expectedCanonical: Record<string, number | null>;
  source: string;
  notes?: string;
}

const dir = new URL('./__fixtures__/usage/', import.meta.url);
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'INDEX.json')
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture);

describe('usage normalizers on recorded responses', () => {
  it('has fixtures for every provider shape, streaming and not', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(new Set(fixtures.map((f) => f.api))).toEqual(
      new Set(['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini', 'deepseek', 'openrouter']),
    );
    expect(fixtures.some((f) => f.streaming)).toBe(true);
  });

  // Fields a provider does not report (null in the fixture) are 0 in the canonical record.
  const expected = (f: Fixture) =>
    Object.fromEntries(Object.entries(f.expectedCanonical).map(([k, v]) => [k, v ?? 0]));
  const contradicts = (e: Record<string, number>) =>
    (e['cacheReadTokens'] ?? 0) + (e['cacheWrite5mTokens'] ?? 0) + (e['cacheWrite1hTokens'] ?? 0) >
    (e['inputTokens'] ?? 0);
  const run = (f: Fixture) => {
    if (!isUsageApi(f.api)) throw new Error(`unknown api ${f.api}`);
    const n = USAGE_NORMALIZERS[f.api];
    return f.streaming ? n.normalizeStream(f.events ?? [], 'stream') : n.normalize(f.body, 'usage');
  };

  it.each(fixtures.filter((f) => !contradicts(expected(f))).map((f) => [f.id, f] as const))(
    '%s',
    (_id, f) => {
      expect(run(f).usage, f.source).toEqual(expected(f));
    },
  );

  it.each(fixtures.filter((f) => contradicts(expected(f))).map((f) => [f.id, f] as const))(
    '%s contradicts itself (cache read + write > prompt) and is rejected with a clear error',
    (_id, f) => {
      expect(() => run(f)).toThrow(/inputTokens: \d+ is less than the cache reads and writes/);
    },
  );
});
