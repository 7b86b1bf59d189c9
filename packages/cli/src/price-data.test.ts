import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './_test-fixtures.js';

// A genai-prices data.json in its published shape (prices/new_data/v2/data.json), with one made-up
// provider: once loaded it replaces the bundled data for the whole process (this file runs isolated).
const DATA = [
  {
    id: 'acme',
    name: 'Acme',
    api_pattern: 'https://api\\.acme\\.test',
    models: [{ id: 'acme-1', match: { equals: 'acme-1' }, prices: { input_mtok: 1.5, output_mtok: 6 } }],
  },
];

let dir: string;
let server: Server;
let url: string;
let hits = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-prices-'));
  await writeFile(join(dir, 'data.json'), JSON.stringify(DATA));
  await writeFile(join(dir, 'bad.json'), JSON.stringify([{ id: 'x' }]));
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/data.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(DATA));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('price data refresh', () => {
  it('rejects a file that is not genai-prices data, naming the flag', async () => {
    const r = await runCli([
      'cost',
      'acme:acme-1',
      '--usage',
      '{"inputTokens":1}',
      '--prices-data',
      join(dir, 'bad.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prices-data: is not genai-prices data/);
    const missing = await runCli([
      'cost',
      'acme:acme-1',
      '--usage',
      '{"inputTokens":1}',
      '--prices-data',
      join(dir, 'none.json'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--prices-data: cannot read/);
  });

  it('a failed fetch is a clear error, not a silent fallback', async () => {
    const r = await runCli(['cost', 'openai:gpt-4o', '--usage', '{"inputTokens":1}', '--refresh-prices'], {
      env: { COSTWISE_PRICES_URL: `${url}/missing.json`, XDG_CACHE_HOME: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--refresh-prices: could not fetch .*HTTP 404/);
  });

  it('--refresh-prices fetches, caches, and prices with the new data', async () => {
    const before = hits;
    const r = await runCli(
      [
        'cost',
        'acme:acme-1',
        '--usage',
        '{"inputTokens":1000000,"outputTokens":1000000}',
        '--refresh-prices',
        '--json',
      ],
      { env: { COSTWISE_PRICES_URL: `${url}/data.json`, XDG_CACHE_HOME: dir } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(hits).toBe(before + 1);
    expect((JSON.parse(r.stdout) as { totalUsd: number }).totalUsd).toBeCloseTo(7.5, 12);
    expect(r.stderr).toMatch(/note: prices refreshed from .* \(1 providers\); cached at/);
    const cached = JSON.parse(
      await readFile(join(dir, 'costwise', 'genai-prices-data.json'), 'utf8'),
    ) as unknown;
    expect(cached).toEqual(DATA);
  });

  it('--prices-data prices offline from a file', async () => {
    const r = await runCli([
      'breakeven',
      '--api',
      'acme:acme-1',
      '--self-host-usd-per-mtok',
      '1',
      '--prices-data',
      join(dir, 'data.json'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { apiUsdPerMTok: number; assumptions: string[] };
    // blended at the default 25% output: 0.75 × $1.5 + 0.25 × $6
    expect(j.apiUsdPerMTok).toBeCloseTo(2.625, 12);
    expect(j.assumptions.join(' ')).toMatch(/prices from .*data\.json \(1 providers\)/);
  });
});
