import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayConfigJsonSchema } from './config-schema.js';
import { EXAMPLE_CONFIG, parseConfigText, validateConfig } from './validate-config.js';

const env = {
  COSTWISE_ADMIN_KEY: 'admin-key-123',
  OPENAI_API_KEY: 'sk-o',
  ANTHROPIC_API_KEY: 'sk-a',
  TEAM_A_KEY: 'team-a-key-123',
};

describe('costwise.yaml', () => {
  it('the example config (the issue text) validates, with ${ENV} filled in and defaults applied', () => {
    const c = parseConfigText(EXAMPLE_CONFIG, env);
    expect(c.adminKey).toBe('admin-key-123');
    expect(c.providers[1]).toMatchObject({
      id: 'anthropic',
      apiKey: 'sk-a',
      timeoutMs: 600_000,
      firstByteTimeoutMs: 60_000,
    });
    expect(c.models[1]?.prices).toEqual({
      inputMtok: 3,
      outputMtok: 15,
      cacheReadMtok: 0.3,
      cacheWriteMtok: 3.75,
    });
    expect(c.keys[0]?.key).toBe('team-a-key-123');
    expect(c.server).toEqual({
      port: 8787,
      host: '127.0.0.1',
      maxBodyBytes: 10485760,
      keepAliveTimeoutMs: 65_000,
    });
  });

  it('examples/costwise.yaml validates', () => {
    const text = readFileSync(new URL('../../../../examples/costwise.yaml', import.meta.url), 'utf8');
    const c = parseConfigText(text, { ...env, GEMINI_API_KEY: 'g', CI_KEY: 'sk-ci-0123456789' });
    expect(c.providers.map((p) => p.kind)).toEqual(['openai', 'anthropic', 'gemini', 'openai-compatible']);
    expect(c.routes.map((r) => `${r.name}:${r.strategy}`)).toEqual([
      'auto:complexity',
      'reliable:fallback',
      'cheapest:cheapest',
    ]);
    expect(c.keys[1]).toMatchObject({ name: 'ci', budgetUsd: 5, budgetWindow: 'day' });
  });

  it('the bare ${ENV} form of the issue text parses too, inside flow maps', () => {
    const c = parseConfigText(
      'providers: [{ id: o, kind: openai, baseUrl: https://x, apiKey: ${OPENAI_API_KEY} }]',
      env,
    );
    expect(c.providers[0]?.apiKey).toBe('sk-o');
  });

  it('an empty file gives SQLite and no providers', () => {
    expect(validateConfig(null, {})).toMatchObject({
      storage: { url: 'sqlite://.costwise/costwise.db' },
      providers: [],
      models: [],
    });
  });

  it.each([
    [
      {
        providers: [
          { id: 'a', kind: 'openai', baseUrl: 'https://x' },
          { id: 'b', kind: 'openai', baseUrl: 'ftp://x' },
        ],
      },
      /^providers\[1\]\.baseUrl: must be an http/,
    ],
    [{ providers: [{ id: 'a', kind: 'cohere', baseUrl: 'https://x' }] }, /^providers\[0\]\.kind: /],
    [
      { models: [{ name: 'm', provider: 'ghost', model: 'x' }] },
      /^models\[0\]\.provider: "ghost" is not a provider id/,
    ],
    [
      {
        providers: [{ id: 'a', kind: 'openai', baseUrl: 'https://x' }],
        models: [{ name: 'm', provider: 'a', model: 'x', prices: { inputMtok: -1 } }],
      },
      /^models\[0\]\.prices\.inputMtok: /,
    ],
    [{ storage: { url: 'mysql://x' } }, /^storage\.url: must start with sqlite:/],
    [{ server: { port: 'eighty' } }, /^server\.port: /],
    [{ keys: [{ name: 'k', key: 'short' }] }, /^keys\[0\]\.key: a virtual key needs at least 8/],
    [{ surprise: true }, /^<root>: Unrecognized key/],
  ])('%j → %s', (raw, message) => {
    expect(() => validateConfig(raw, {})).toThrow(message);
  });

  it('an unset ${ENV} names the key path and the variable', () => {
    expect(() =>
      validateConfig(
        { providers: [{ id: 'a', kind: 'openai', baseUrl: 'https://x', apiKey: '${NOPE}' }] },
        {},
      ),
    ).toThrow('providers[0].apiKey: environment variable NOPE is not set');
  });

  it('$${ escapes interpolation', () => {
    expect(validateConfig({ adminKey: 'pa$${NOT_A_VAR}ss' }, {}).adminKey).toBe('pa${NOT_A_VAR}ss');
  });

  it('docs/costwise.schema.json is the generated schema (regenerate: costwise serve --schema)', () => {
    const text = readFileSync(new URL('../../../../docs/costwise.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(text)).toEqual(gatewayConfigJsonSchema());
  });

  it('the JSON Schema is generated from the zod schema', () => {
    const schema = gatewayConfigJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual([
      'server',
      'storage',
      'budgets',
      'circuitBreaker',
      'cache',
      'adminKey',
      'logging',
      'providers',
      'models',
      'keys',
      'routes',
    ]);
  });
});

describe('costwise.yaml, issue 8 sections', () => {
  const base = {
    providers: [{ id: 'oa', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }],
    models: [
      { name: 'a', provider: 'oa', model: 'gpt-4o-mini' },
      { name: 'b', provider: 'oa', model: 'gpt-4o' },
    ],
  };
  it.each([
    [
      { routes: [{ name: 'r', strategy: 'fallback', targets: ['a', 'nope'] }] },
      'routes[0].targets[1]',
      'not a model name',
    ],
    [
      { routes: [{ name: 'a', strategy: 'cheapest', candidates: ['b'] }] },
      'routes[0].name',
      'already a model or route name',
    ],
    [
      { routes: [{ name: 'r', strategy: 'complexity', weak: 'a', strong: 'zzz' }] },
      'routes[0].strong',
      'not a model name',
    ],
    [{ keys: [{ name: 'k', key: 'sk-0123456789', budgetWindow: 'week' }] }, 'keys[0].budgetWindow', ''],
    [
      { cache: { responses: { enabled: true, store: 'redis' } } },
      'cache.responses.store',
      'needs storage.redis',
    ],
  ])('%j is refused at %s', (over, path, message) => {
    expect(() => validateConfig({ ...base, ...over }, {})).toThrow(path);
    if (message !== '') expect(() => validateConfig({ ...base, ...over }, {})).toThrow(message);
  });

  it('a complexity threshold may be a number or a target; the key window defaults to total', () => {
    const c = validateConfig(
      {
        ...base,
        routes: [
          { name: 'x', strategy: 'complexity', weak: 'a', strong: 'b', threshold: 0.5 },
          { name: 'y', strategy: 'complexity', weak: 'a', strong: 'b', threshold: { quality: 0.8 } },
        ],
        keys: [{ name: 'k', key: 'sk-0123456789', budgetUsd: 3 }],
      },
      {},
    );
    expect(c.routes.map((r) => (r.strategy === 'complexity' ? r.threshold : null))).toEqual([
      0.5,
      { quality: 0.8 },
    ]);
    expect(c.keys[0]?.budgetWindow).toBe('total');
  });
});
