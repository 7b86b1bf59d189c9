import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_USAGE } from '@costwise/core';
import { openSqliteLedgerStore, type LedgerRow } from '@costwise/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './_test-fixtures.js';

let dir: string;

const CONFIG = `
storage: { url: sqlite://ledger.db }
providers:
  - { id: oa, kind: openai, baseUrl: https://api.openai.com/v1 }
models:
  - { name: weak, provider: oa, model: mini, prices: { inputMtok: 0.15, outputMtok: 0.6, cacheReadMtok: 0.075 } }
  - { name: strong, provider: oa, model: big, prices: { inputMtok: 2.5, outputMtok: 10 } }
routes:
  - { name: auto, strategy: complexity, weak: weak, strong: strong, threshold: 0.5 }
`;

const row = (over: Partial<LedgerRow> & Pick<LedgerRow, 'id'>): LedgerRow => ({
  timeMs: Date.parse('2026-03-01T10:00:00Z'),
  key: 'team-a',
  requestedModel: 'auto',
  route: 'auto',
  decision: 'weak',
  reason: null,
  provider: 'oa',
  upstreamModel: 'mini',
  usage: ZERO_USAGE,
  costNanoUsd: 0,
  wouldCostNanoUsd: null,
  latencyMs: 1,
  ttftMs: null,
  upstreamMs: 1,
  status: 200,
  error: null,
  cache: 'miss',
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-cli-savings-'));
  await writeFile(join(dir, 'costwise.yaml'), CONFIG);
  const store = await openSqliteLedgerStore(join(dir, 'ledger.db'));
  await store.insert([
    // 1M input (400k cache reads) + 100k output on the weak model: paid 0.09 + 0.03 + 0.06 = $0.18
    row({
      id: 'a',
      usage: { ...ZERO_USAGE, inputTokens: 1_000_000, cacheReadTokens: 400_000, outputTokens: 100_000 },
      costNanoUsd: 180_000_000,
    }),
    // a response-cache hit that would have cost $0.05
    row({ id: 'b', cache: 'hit', wouldCostNanoUsd: 50_000_000 }),
  ]);
  await store.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('costwise usage --savings', () => {
  it('--json: actual vs every request on the strong model uncached, by lever (worked by hand)', async () => {
    const r = await runCli(['usage', '--savings', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      actualUsd: number;
      baselineUsd: number;
      byLever: Record<string, number>;
    };
    // uncached weak: 1M × 0.15 + 100k × 0.6 = $0.21; uncached strong: 1M × 2.5 + 100k × 10 = $3.50
    expect(s.actualUsd).toBeCloseTo(0.18, 12);
    expect(s.byLever['promptCache']).toBeCloseTo(0.03, 12);
    expect(s.byLever['routing']).toBeCloseTo(3.29, 12);
    expect(s.byLever['responseCache']).toBeCloseTo(0.05, 12);
    expect(s.baselineUsd).toBeCloseTo(3.55, 12);
  });

  it('as a table, with the share saved', async () => {
    const r = await runCli(['usage', '--savings'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('oa:mini');
    expect(r.stdout).toContain('saved $3.370000 (94.9%)');
  });
});
