import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { periodOf, type KeyPolicy } from '../budgets/index.js';
import { KeyLimitsSchema, type BudgetWindow } from '../config/index.js';
import { NANO_PER_USD, rowToJson, toNanoUsd, USAGE_GROUPS, type StoredKey } from '../ledger/index.js';
import { ledgerSavings, pricedModels } from '../savings/index.js';
import type { GatewayContext } from './gateway-context.js';
import { policyOfStored, presentedKey, sha256 } from './keys.js';

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

const CreateKeySchema = KeyLimitsSchema.extend({
  name: z.string().min(1).max(200),
});

/** A key row of `GET /admin/keys` (the issue's field names). */
export interface KeyRowJson {
  readonly id: string;
  readonly name: string;
  readonly source: 'config' | 'admin';
  readonly budgetUsd: number | null;
  readonly budgetWindow: BudgetWindow;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  readonly remainingUsd: number | null;
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly allowedModels: readonly string[] | null;
}

async function keyRow(
  g: GatewayContext,
  id: string,
  source: 'config' | 'admin',
  p: KeyPolicy,
): Promise<KeyRowJson> {
  const period = periodOf(p.budgetWindow, g.now());
  const balance = await g.budgets.store.balance(p.name, period.id);
  const spentNano = balance?.spentNanoUsd ?? (await g.store.keySpend(p.name, period.sinceMs));
  const reservedNano = balance?.reservedNanoUsd ?? 0;
  return {
    id,
    name: p.name,
    source,
    budgetUsd: p.budgetNanoUsd === null ? null : p.budgetNanoUsd / NANO_PER_USD,
    budgetWindow: p.budgetWindow,
    spentUsd: spentNano / NANO_PER_USD,
    reservedUsd: reservedNano / NANO_PER_USD,
    remainingUsd:
      p.budgetNanoUsd === null
        ? null
        : Math.max(0, p.budgetNanoUsd - spentNano - reservedNano) / NANO_PER_USD,
    rpm: p.rpm,
    tpm: p.tpm,
    allowedModels: p.allowedModels,
  };
}

/** `GET /admin/keys`: every key with its spend and remaining budget in the current window. */
export async function adminListKeys(g: GatewayContext, c: Context): Promise<Response> {
  const refused = adminGate(g, c);
  if (refused) return refused;
  await g.writer.flush();
  const rows: KeyRowJson[] = [];
  for (const p of g.keys.configuredPolicies()) rows.push(await keyRow(g, `config:${p.name}`, 'config', p));
  for (const k of await g.store.listKeys()) rows.push(await keyRow(g, k.id, 'admin', policyOfStored(k)));
  return c.json({ keys: rows });
}

/** `POST /admin/keys {name, budgetUsd, budgetWindow, rpm, tpm, allowedModels}` → `{id, key}` (the key shown once). */
export async function adminCreateKey(g: GatewayContext, c: Context): Promise<Response> {
  const refused = adminGate(g, c);
  if (refused) return refused;
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return adminError(c, 400, 'the body is not valid JSON');
  }
  const q = CreateKeySchema.safeParse(json);
  if (!q.success) return queryError(c, q.error.issues);
  if (g.keys.isConfigured(q.data.name))
    return c.json(
      {
        error: {
          message: `a key named "${q.data.name}" exists in costwise.yaml`,
          type: 'invalid_request_error',
        },
      },
      409,
    );
  const key = `cw-${randomBytes(24).toString('base64url')}`;
  const id = `key_${randomBytes(9).toString('base64url')}`;
  const stored: StoredKey = {
    id,
    name: q.data.name,
    keySha256: sha256(key),
    budgetNanoUsd: q.data.budgetUsd === undefined ? null : toNanoUsd(q.data.budgetUsd),
    budgetWindow: q.data.budgetWindow,
    rpm: q.data.rpm ?? null,
    tpm: q.data.tpm ?? null,
    allowedModels: q.data.allowedModels ?? null,
    createdMs: g.now(),
  };
  if ((await g.store.createKey(stored)) === 'duplicate')
    return c.json(
      { error: { message: `a key named "${q.data.name}" exists`, type: 'invalid_request_error' } },
      409,
    );
  g.keys.forget();
  return c.json({ id, key, name: stored.name }, 201);
}

/** `DELETE /admin/keys/:id` (keys from costwise.yaml are removed there). */
export async function adminDeleteKey(g: GatewayContext, c: Context): Promise<Response> {
  const refused = adminGate(g, c);
  if (refused) return refused;
  const id = c.req.param('id') ?? '';
  if (id.startsWith('config:'))
    return adminError(c, 400, `key "${id.slice(7)}" is defined in costwise.yaml: remove it there`);
  if (!(await g.store.deleteKey(id)))
    return c.json({ error: { message: `no key with id "${id}"`, type: 'invalid_request_error' } }, 404);
  g.keys.forget();
  return c.json({ id, deleted: true });
}

const SavingsQuerySchema = z.strictObject({ since: isoTime.optional(), until: isoTime.optional() });

/** `GET /admin/savings?since=&until=`: actual cost against every request on its route's strongest model, uncached. */
export async function adminSavings(g: GatewayContext, c: Context): Promise<Response> {
  const refused = adminGate(g, c);
  if (refused) return refused;
  const q = SavingsQuerySchema.safeParse(c.req.query());
  if (!q.success) return queryError(c, q.error.issues);
  await g.writer.flush();
  const report = await ledgerSavings(g.store, pricedModels(g.models), g.routes, {
    ...(q.data.since !== undefined ? { sinceMs: q.data.since } : {}),
    ...(q.data.until !== undefined ? { untilMs: q.data.until } : {}),
  });
  return c.json(report);
}
