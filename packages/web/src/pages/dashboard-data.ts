import { z } from 'zod';

/** One group of GET /admin/usage (the gateway's UsageRow). */
const UsageRowSchema = z.object({
  group: z.string(),
  requests: z.number(),
  inputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  unknownCostRequests: z.number(),
  cacheHits: z.number(),
  errors: z.number(),
});

export const UsageReportSchema = z.object({
  rows: z.array(UsageRowSchema),
  totals: UsageRowSchema.omit({ group: true }),
});
export type UsageReportJson = z.infer<typeof UsageReportSchema>;

/** One row of GET /admin/requests (the fields the dashboard shows; others pass through unread). */
export const RecentRequestsSchema = z.object({
  rows: z.array(
    z.object({
      id: z.string(),
      time: z.string(),
      requestedModel: z.string(),
      upstreamModel: z.string().nullable(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      costUsd: z.number().nullable(),
      latencyMs: z.number().nullable(),
      status: z.number().nullable(),
      cache: z.string(),
    }),
  ),
});
export type RecentRequestsJson = z.infer<typeof RecentRequestsSchema>;

/** A checked admin API answer: the parsed body, or an error naming the endpoint and what is wrong. */
export function parseAdmin<T>(
  endpoint: string,
  schema: z.ZodType<T>,
  status: number,
  body: unknown,
): { ok: true; value: T } | { ok: false; message: string } {
  if (status === 401 || status === 403) {
    const message = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
    return {
      ok: false,
      message: `${endpoint}: ${message.success ? message.data.error.message : `HTTP ${String(status)}`}`,
    };
  }
  if (status !== 200) return { ok: false, message: `${endpoint}: HTTP ${String(status)}` };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${endpoint}: unexpected answer at ${issue?.path.map(String).join('.') ?? '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: parsed.data };
}
