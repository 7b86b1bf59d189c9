import { describe, expect, it } from 'vitest';
import { parseAdmin, UsageReportSchema } from './dashboard-data.js';

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
