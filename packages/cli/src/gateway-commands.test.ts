import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_USAGE } from '@costwise/core';
import { openSqliteLedgerStore } from '@costwise/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from './commands/serve.js';
import type { CliIo } from './io.js';
import { runCli } from './_test-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-cli-gw-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('costwise serve', () => {
  it('--schema prints the JSON Schema of costwise.yaml', async () => {
    const r = await runCli(['serve', '--schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain('providers');
  });

  it('with no config: SQLite at ./.costwise/costwise.db, an example config on stderr, /healthz ok', async () => {
    let stderr = '';
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      env: {},
      cwd: dir,
      fetch: globalThis.fetch,
      stdin: () => Promise.resolve(''),
    };
    const running = await startServe({ port: '0' }, io);
    try {
      expect(stderr).toContain('providers:');
      expect(stderr).toContain('${OPENAI_API_KEY}');
      const res = await fetch(`http://127.0.0.1:${String(running.port)}/healthz`);
      expect(await res.json()).toMatchObject({ status: 'ok', models: 0, ledger: 'sqlite' });
    } finally {
      await running.stop();
    }
    expect(existsSync(join(dir, '.costwise', 'costwise.db'))).toBe(true);
  });

  it('a bad config names the key path and exits 2', async () => {
    const r = await runCli(['serve', '--config', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--config');
  });
});

describe('costwise usage', () => {
  beforeAll(async () => {
    const store = await openSqliteLedgerStore(join(dir, '.costwise', 'costwise.db'));
    const base = {
      requestedModel: 'claude-sonnet',
      route: null,
      decision: null,
      reason: null,
      wouldCostNanoUsd: null,
      provider: 'anthropic',
      upstreamModel: 'claude-3-5-sonnet-20241022',
      latencyMs: 10,
      ttftMs: null,
      upstreamMs: 9,
      status: 200,
      error: null,
      cache: 'miss' as const,
    };
    await store.insert([
      {
        ...base,
        id: 'a',
        timeMs: Date.parse('2026-03-01T10:00:00Z'),
        key: 'team-a',
        usage: { ...ZERO_USAGE, inputTokens: 100, outputTokens: 10 },
        costNanoUsd: 450_000,
      },
      {
        ...base,
        id: 'b',
        timeMs: Date.parse('2026-03-02T10:00:00Z'),
        key: 'team-b',
        usage: { ...ZERO_USAGE, inputTokens: 200, outputTokens: 20 },
        costNanoUsd: 900_000,
      },
    ]);
    await store.close();
  });

  it('--by key --json reads the ledger through the gateway store', async () => {
    const r = await runCli(['usage', '--by', 'key', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as {
      rows: { group: string; costUsd: number }[];
      totals: { costUsd: number };
    };
    expect(body.rows.map((x) => [x.group, x.costUsd])).toEqual([
      ['team-a', 0.00045],
      ['team-b', 0.0009],
    ]);
    expect(body.totals.costUsd).toBe(0.00135);
  });

  it('--since filters and the table shows totals', async () => {
    const r = await runCli(['usage', '--by', 'day', '--since', '2026-03-02'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2026-03-02');
    expect(r.stdout).not.toContain('2026-03-01');
    expect(r.stdout).toContain('$0.000900');
  });

  it.each([
    [['usage', '--by', 'colour'], '--by'],
    [['usage', '--since', 'yesterday-ish'], '--since'],
  ])('%j → exit 2 naming %s', async (argv, flag) => {
    const r = await runCli(argv, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
  });
});
