import { describe, expect, it } from 'vitest';
import {
  budgetUsed,
  cacheRates,
  KeysSchema,
  parseAdmin,
  requestShares,
  routeBreakdown,
  SavingsSchema,
  tokensByKind,
  UsageReportSchema,
  type SavingsJson,
} from './dashboard-data.js';

const totals = {
  requests: 2,
  inputTokens: 30,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 12,
  costUsd: 0.000123,
  unknownCostRequests: 0,
  cacheHits: 1,
  errors: 0,
};

describe('dashboard: admin API answers are checked at the boundary', () => {
  it('accepts a usage report', () => {
    const r = parseAdmin('/admin/usage', UsageReportSchema, 200, {
      rows: [{ group: 'gpt-4o', ...totals }],
      totals,
    });
    expect(r).toEqual({ ok: true, value: { rows: [{ group: 'gpt-4o', ...totals }], totals } });
  });

  it.each([
    [401, { error: { message: 'missing or wrong admin key' } }, '/admin/usage: missing or wrong admin key'],
    [403, {}, '/admin/usage: HTTP 403'],
    [500, {}, '/admin/usage: HTTP 500'],
    [
      200,
      { rows: [], totals: { ...totals, costUsd: 'x' } },
      '/admin/usage: unexpected answer at totals.costUsd',
    ],
  ])('HTTP %d %j is an error naming the endpoint', (status, body, message) => {
    const r = parseAdmin('/admin/usage', UsageReportSchema, status, body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

const key = {
  id: 'key_1',
  name: 'web',
  source: 'admin',
  budgetUsd: 2,
  budgetWindow: 'month',
  spentUsd: 0.5,
  reservedUsd: 0.25,
  remainingUsd: 1.25,
  rpm: null,
  tpm: null,
  allowedModels: null,
};

const savingsRow = {
  route: 'cheap',
  model: 'oa:gpt-4o-mini',
  requests: 3,
  cacheHits: 0,
  actualUsd: 0.001,
  baselineUsd: 0.01,
  routingUsd: 0.008,
  responseCacheUsd: 0,
  promptCacheUsd: 0.001,
};
const savings: SavingsJson = {
  requests: 6,
  actualUsd: 0.002,
  baselineUsd: 0.03,
  savedUsd: 0.028,
  byLever: { routing: 0.016, responseCache: 0.01, promptCache: 0.002 },
  unknownCostRequests: 0,
  rows: [
    savingsRow,
    { ...savingsRow, model: 'oa:gpt-4o', requests: 1, routingUsd: 0 },
    { ...savingsRow, requests: 1, cacheHits: 1 },
    { ...savingsRow, route: null, model: 'oa:gpt-4o', requests: 1 },
  ],
};

describe('dashboard: keys and savings answers', () => {
  it('accepts GET /admin/keys and GET /admin/savings as the gateway documents them', () => {
    expect(parseAdmin('/admin/keys', KeysSchema, 200, { keys: [key] })).toMatchObject({ ok: true });
    expect(parseAdmin('/admin/savings', SavingsSchema, 200, savings)).toEqual({ ok: true, value: savings });
  });

  it.each([
    ['/admin/keys', KeysSchema, { keys: [{ ...key, spentUsd: null }] }, 'keys.0.spentUsd'],
    ['/admin/keys', KeysSchema, { keys: [{ ...key, source: 'yaml' }] }, 'keys.0.source'],
    ['/admin/savings', SavingsSchema, { ...savings, byLever: { routing: 0 } }, 'byLever.responseCache'],
    ['/admin/savings', SavingsSchema, { ...savings, rows: [{ ...savingsRow, route: 1 }] }, 'rows.0.route'],
  ] as const)('%s: a wrong field is named (%s)', (endpoint, schema, body, path) => {
    const r = parseAdmin(endpoint, schema as typeof KeysSchema, 200, body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(`${endpoint}: unexpected answer at ${path}`);
  });
});

describe('dashboard: derived figures', () => {
  it('counts each token once by kind: input includes the cache reads and writes', () => {
    const r = {
      ...totals,
      inputTokens: 1200,
      cacheReadTokens: 400,
      cacheWriteTokens: 100,
      outputTokens: 300,
    };
    expect(tokensByKind(r)).toEqual({ uncachedInput: 700, cacheRead: 400, cacheWrite: 100, output: 300 });
    const kinds = tokensByKind(r);
    expect(kinds.uncachedInput + kinds.cacheRead + kinds.cacheWrite).toBe(r.inputTokens);
  });

  it.each([
    [{ ...totals, requests: 4, cacheHits: 1, inputTokens: 1000, cacheReadTokens: 250 }, 0.25, 0.25],
    [{ ...totals, requests: 0, cacheHits: 0, inputTokens: 0, cacheReadTokens: 0 }, null, null],
  ])('cache rates of %j', (r, hit, read) => {
    expect(cacheRates(r)).toEqual({ responseHitRate: hit, promptReadShare: read });
  });

  it('request shares sum to 1, largest first', () => {
    const s = requestShares([
      { group: 'oa:gpt-4o', requests: 1 },
      { group: 'oa:gpt-4o-mini', requests: 3 },
    ]);
    expect(s).toEqual([
      { group: 'oa:gpt-4o-mini', requests: 3, share: 0.75 },
      { group: 'oa:gpt-4o', requests: 1, share: 0.25 },
    ]);
    expect(requestShares([{ group: 'x', requests: 0 }])).toEqual([{ group: 'x', requests: 0, share: 0 }]);
  });

  it('breaks the savings rows down by route', () => {
    expect(routeBreakdown(savings)).toEqual([
      {
        route: '(no route)',
        requests: 1,
        cacheHits: 0,
        responseHitRate: 0,
        models: [{ group: 'oa:gpt-4o', requests: 1, share: 1 }],
      },
      {
        route: 'cheap',
        requests: 5,
        cacheHits: 1,
        responseHitRate: 0.2,
        models: [
          { group: 'oa:gpt-4o-mini', requests: 4, share: 0.8 },
          { group: 'oa:gpt-4o', requests: 1, share: 0.2 },
        ],
      },
    ]);
  });

  it.each([
    [{ ...key }, 0.375],
    [{ ...key, budgetUsd: null, remainingUsd: null }, null],
    [{ ...key, budgetUsd: 0 }, 1],
  ])('budget used of %j is %s', (k, used) => {
    expect(budgetUsed(k as Parameters<typeof budgetUsed>[0])).toBe(used);
  });
});
