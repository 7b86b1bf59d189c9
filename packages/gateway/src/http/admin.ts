import type { Context } from 'hono';
import { z } from 'zod';
import { rowToJson, USAGE_GROUPS } from '../ledger/index.js';
import type { GatewayContext } from './gateway-context.js';
import { presentedKey } from './keys.js';

const isoTime = z
  .string()
  .refine(
    (v) => !Number.isNaN(Date.parse(v)),
    'must be an ISO date or time, e.g. 2026-03-01 or 2026-03-01T12:00:00Z',
  )
  .transform((v) => Date.parse(v));

export const UsageQuerySchema = z.strictObject({
  groupBy: z.enum(USAGE_GROUPS).default('model'),
  since: isoTime.optional(),
  until: isoTime.optional(),
});

const RequestsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

function adminError(c: Context, status: 400 | 401 | 403, message: string): Response {
  return c.json(
    { error: { message, type: status === 400 ? 'invalid_request_error' : 'authentication_error' } },
    status,
  );
}

/** Null when the admin key is right; else the refusal. */
function adminGate(g: GatewayContext, c: Context): Response | null {
  const admin = g.config.adminKey;
  if (admin === undefined) return adminError(c, 403, 'the admin API is off: set adminKey in costwise.yaml');
  const given = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
  if (given !== admin)
    return adminError(c, 401, 'missing or wrong admin key (Authorization: Bearer <adminKey>)');
  return null;
}

function queryError(c: Context, issues: readonly z.core.$ZodIssue[]): Response {
  const issue = issues[0];
  return adminError(
    c,
    400,
    `${issue?.path.map(String).join('.') ?? 'query'}: ${issue?.message ?? 'invalid'}`,
  );
}

export async function adminUsage(g: GatewayContext, c: Context): Promise<Response> {
  const refused = adminGate(g, c);
  if (refused) return refused;
  const q = UsageQuerySchema.safeParse(c.req.query());
  if (!q.success) return queryError(c, q.error.issues);
  await g.writer.flush();
  const report = await g.store.usage({
    groupBy: q.data.groupBy,
    ...(q.data.since !== undefined ? { sinceMs: q.data.since } : {}),
    ...(q.data.until !== undefined ? { untilMs: q.data.until } : {}),
  });
  return c.json(report);
}

export async function adminRequests(g: GatewayContext, c: Context): Promise<Response> {
  const refused = adminGate(g, c);
  if (refused) return refused;
  const q = RequestsQuerySchema.safeParse(c.req.query());
  if (!q.success) return queryError(c, q.error.issues);
  await g.writer.flush();
  const rows = await g.store.recent(q.data.limit);
  return c.json({ rows: rows.map(rowToJson) });
}
