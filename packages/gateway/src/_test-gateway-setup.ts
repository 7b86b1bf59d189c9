import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { PriceOverrides } from '@costwise/core';
import { validateConfig, type GatewayConfig } from './config/index.js';
import { createLogger } from './gateway.js';
import { loadFixtures, startFakeUpstream, type FakeUpstream, type Fixture } from './_test-fake-upstream.js';
import { startGateway, type RunningGateway } from './server.js';

export const TEAM_KEY = 'sk-cw-team-a-0123456789';
export const ADMIN_KEY = 'admin-0123456789';

/** List prices used by the tests (USD per million tokens), so the hand-computed costs do not move with genai-prices data. */
export const PRICES = {
  anthropic: { inputMtok: 3, outputMtok: 15, cacheReadMtok: 0.3, cacheWriteMtok: 3.75, cacheWrite1hMtok: 6 },
  openai: { inputMtok: 1.25, outputMtok: 10, cacheReadMtok: 0.125, cacheWriteMtok: 1.5625 },
  gemini: { inputMtok: 0.3, outputMtok: 2.5 },
} as const;

export function testConfig(
  fake: string,
  fixtures: ReadonlyMap<string, Fixture>,
  over: Record<string, unknown> = {},
): GatewayConfig {
  const models = [...fixtures.values()].flatMap(
    (fx): { name: string; provider: string; model: string; prices: PriceOverrides }[] => {
      if (fx.api === 'anthropic-messages')
        return [{ name: fx.id, provider: 'an', model: fx.id, prices: PRICES.anthropic }];
      if (fx.api !== 'openai-chat') return [];
      const gemini = fx.id.startsWith('gemini-');
      return [
        {
          name: fx.id,
          provider: gemini ? 'gm' : 'oa',
          model: fx.id,
          prices: gemini ? PRICES.gemini : PRICES.openai,
        },
      ];
    },
  );
  return validateConfig(
    {
      server: { port: 0 },
      storage: { url: 'sqlite::memory:' },
      adminKey: ADMIN_KEY,
      providers: [
        { id: 'oa', kind: 'openai', baseUrl: `${fake}/v1`, apiKey: 'sk-upstream-openai' },
        { id: 'an', kind: 'anthropic', baseUrl: fake, apiKey: 'sk-upstream-anthropic' },
        { id: 'gm', kind: 'gemini', baseUrl: `${fake}/v1beta/openai`, apiKey: 'upstream-gemini' },
      ],
      models: [...models, { name: 'unpriced', provider: 'oa', model: 'openai-chat-gpt4o-plain' }],
      keys: [{ name: 'team-a', key: TEAM_KEY }],
      ...over,
    },
    {},
  );
}

export interface Harness {
  readonly fake: FakeUpstream;
  readonly gw: RunningGateway;
  readonly base: string;
  readonly logs: string[];
  readonly dir: string;
  close(): Promise<void>;
}

/** A fake upstream and a gateway on loopback, the ledger in a SQLite file, logs captured. */
export async function startHarness(
  over: Record<string, unknown> = {},
  fakeOpts: { delayMs?: number } = {},
): Promise<Harness> {
  const fixtures = loadFixtures();
  const fake = await startFakeUpstream(fixtures, fakeOpts);
  const dir = mkdtempSync(join(tmpdir(), 'costwise-gw-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const config = testConfig(fake.url, fixtures, {
    storage: { url: `sqlite://${join(dir, 'costwise.db')}` },
    logging: { level: 'debug' },
    ...over,
  });
  const gw = await startGateway(config, { logger: createLogger('debug', sink) });
  return {
    fake,
    gw,
    base: `http://127.0.0.1:${String(gw.port)}`,
    logs,
    dir,
    async close() {
      await gw.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
