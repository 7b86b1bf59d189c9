import { requestCost, USAGE_NORMALIZERS, ZERO_USAGE, type CanonicalUsage } from '@costwise/core';
import { ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { DENY_MESSAGES, worstCaseNanoUsd, type KeyPolicy, type Reservation } from '../budgets/index.js';
import { responseCacheKey, type CachedResponse } from '../cache/index.js';
import { estimateRequest, planRoute, type RequestEstimate, type RoutePlan } from '../routing/index.js';
import { toNanoUsd, type LedgerRow } from '../ledger/index.js';
import type { Adapter, ClientApi } from '../providers/index.js';
import { formatSse, SseParser, type SseEvent } from '../sse/sse.js';
import { CLIENT_APIS, STATUS_OF, type GatewayErrorKind } from './client-apis.js';
import type { GatewayContext, RoutedModel } from './gateway-context.js';
import { presentedKey } from './keys.js';
import type { UpstreamResponse } from './upstream-client.js';

const encoder = new TextEncoder();
/** An event that carries a usage object (not `"usage": null`): only those are parsed for usage. */
const USAGE_OBJECT = /"usage"\s*:\s*\{/;

interface RequestState {
  readonly id: string;
  readonly timeMs: number;
  readonly startMs: number;
  readonly client: ClientApi;
  key: string | null;
  requestedModel: string;
  routed: RoutedModel | null;
  plan: RoutePlan | null;
  decision: string | null;
  reason: string | null;
  cache: 'hit' | 'miss';
  /** The admitted request's budget claim; settled exactly once. */
  reservation: Reservation | null;
}

function baseHeaders(s: RequestState, costUsd: string): Record<string, string> {
  return {
    'x-costwise-request-id': s.id,
    'x-costwise-model': s.requestedModel,
    'x-costwise-cost-usd': costUsd,
    'x-costwise-cache': s.cache,
  };
}

/** Replaces the reservation with the real cost (0 when unknown costs nothing known, or on failure). */
async function settle(
  g: GatewayContext,
  s: RequestState,
  costNanoUsd: number,
  tokens: number,
): Promise<void> {
  const r = s.reservation;
  if (r === null) return;
  s.reservation = null;
  try {
    await g.budgets.settle(r, g.now(), costNanoUsd, tokens);
  } catch (error) {
    g.logger.error({ requestId: s.id, err: (error as Error).message }, 'budget settle failed');
  }
}

function costHeader(nano: number | null): string {
  return nano === null ? 'unknown' : String(nano / 1e9);
}

/** Usage and cost of what the upstream reported; never 0 for "could not compute" (null + warning + metric). */
function price(
  g: GatewayContext,
  routed: RoutedModel,
  read: () => CanonicalUsage,
): { usage: CanonicalUsage; costNanoUsd: number | null; problem: string | null } {
  let usage: CanonicalUsage;
  try {
    usage = read();
  } catch (error) {
    return { usage: ZERO_USAGE, costNanoUsd: null, problem: `usage unreadable: ${(error as Error).message}` };
  }
  if (routed.price === null) return { usage, costNanoUsd: null, problem: routed.priceProblem };
  try {
    return { usage, costNanoUsd: toNanoUsd(requestCost(usage, routed.price).totalUsd), problem: null };
  } catch (error) {
    return { usage, costNanoUsd: null, problem: (error as Error).message };
  }
}

function rowOf(
  g: GatewayContext,
  s: RequestState,
  over: Partial<LedgerRow> & Pick<LedgerRow, 'status'>,
): LedgerRow {
  return {
    id: s.id,
    timeMs: s.timeMs,
    key: s.key,
    requestedModel: s.requestedModel,
    route: s.plan?.route ?? null,
    decision: s.decision,
    reason: s.reason,
    provider: s.routed?.provider.id ?? null,
    upstreamModel: s.routed?.config.model ?? null,
    usage: ZERO_USAGE,
    costNanoUsd: null,
    wouldCostNanoUsd: null,
    latencyMs: g.clock() - s.startMs,
    ttftMs: null,
    upstreamMs: null,
    error: null,
    cache: s.cache,
    ...over,
  };
}

/**
 * Labels of `gen_ai.client.token.usage`, written out in one literal: `{ ...base, gen_ai_token_type }`
 * gave every request two new V8 hidden classes (a spread's copy does not share the transition tree), which
 * live in the old generation until a mark-compact (docs/gateway.md, "Benchmark", fourth session).
 */
function tokenLabels(provider: string, model: string, type: 'input' | 'output'): Record<string, string> {
  return {
    gen_ai_operation_name: 'chat',
    gen_ai_provider_name: provider,
    gen_ai_request_model: model,
    gen_ai_token_type: type,
  };
}

/** Records a finished request: metrics now, the ledger row committed before the caller answers. */
async function record(
  g: GatewayContext,
  row: LedgerRow,
  stream: boolean,
  problem: string | null,
): Promise<void> {
  const provider = row.provider ?? '(none)';
  const m = g.metrics;
  m.requests.inc({ model: row.requestedModel, provider, status: String(row.status), cache: row.cache });
  if (row.route !== null && row.status < 400)
    m.routed.inc({
      route: row.route,
      decision: row.decision ?? '',
      model: row.upstreamModel ?? '(none)',
      cache: row.cache,
    });
  if (row.status < 400 || row.usage.inputTokens > 0) {
    m.tokenUsage.observe(tokenLabels(provider, row.requestedModel, 'input'), row.usage.inputTokens);
    m.tokenUsage.observe(tokenLabels(provider, row.requestedModel, 'output'), row.usage.outputTokens);
    const t = (kind: string, n: number): void => {
      if (n > 0) m.tokens.inc({ model: row.requestedModel, provider, kind }, n);
    };
    t('input', row.usage.inputTokens);
    t('cache_read', row.usage.cacheReadTokens);
    t('cache_write_5m', row.usage.cacheWrite5mTokens);
    t('cache_write_1h', row.usage.cacheWrite1hTokens);
    t('output', row.usage.outputTokens);
    t('reasoning', row.usage.reasoningTokens);
  }
  if (row.provider !== null && row.status < 400) {
    if (row.costNanoUsd === null) {
      m.costUnknown.inc({ model: row.requestedModel, provider });
      g.logger.warn(
        { requestId: row.id, model: row.requestedModel, provider },
        `cost unknown: ${problem ?? 'no usage'}`,
      );
    } else m.costUsd.inc({ model: row.requestedModel, provider }, row.costNanoUsd / 1e9);
  }
  m.operationDuration.observe(
    {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: provider,
      gen_ai_request_model: row.requestedModel,
      error_type: row.status >= 400 ? String(row.status) : '',
    },
    row.latencyMs / 1000,
  );
  if (row.upstreamMs !== null) {
    m.upstreamLatency.observe({ provider }, row.upstreamMs / 1000);
    m.overhead.observe({ stream: String(stream) }, Math.max(0, row.latencyMs - row.upstreamMs) / 1000);
  }
  if (row.ttftMs !== null)
    m.timeToFirstToken.observe(
      { gen_ai_provider_name: provider, gen_ai_request_model: row.requestedModel },
      row.ttftMs / 1000,
    );
  g.logger.debug(
    {
      requestId: row.id,
      key: row.key,
      model: row.requestedModel,
      provider,
      status: row.status,
      latencyMs: row.latencyMs,
      costNanoUsd: row.costNanoUsd,
    },
    'request',
  );
  try {
    await g.writer.write(row);
  } catch (error) {
    m.ledgerWriteErrors.inc();
    g.logger.error({ requestId: row.id, err: (error as Error).message }, 'ledger write failed');
  }
}

function errorResponse(
  s: RequestState,
  kind: GatewayErrorKind,
  message: string,
  status = STATUS_OF[kind],
  body: unknown = CLIENT_APIS[s.client].errorBody(kind, message),
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...baseHeaders(s, '0') },
  });
}

/** Refuses after authentication: a ledger row with the status and no cost. */
async function reject(
  g: GatewayContext,
  s: RequestState,
  kind: GatewayErrorKind,
  message: string,
): Promise<Response> {
  g.metrics.errors.inc({ type: kind });
  await settle(g, s, 0, 0);
  await record(g, rowOf(g, s, { status: STATUS_OF[kind], error: message }), false, null);
  return errorResponse(s, kind, message);
}

async function readBody(c: Context, limit: number): Promise<ArrayBuffer | 'too_large'> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > limit) return 'too_large';
  const buf = await c.req.arrayBuffer();
  return buf.byteLength > limit ? 'too_large' : buf;
}

/** The upstream call: the provider's request, with its first-byte and total time-outs. */
async function callUpstream(
  g: GatewayContext,
  routed: RoutedModel,
  body: Readonly<Record<string, unknown>>,
  clientHeaders: Readonly<Record<string, string>>,
): Promise<{ response: UpstreamResponse } | { failure: GatewayErrorKind; message: string }> {
  const p = routed.provider;
  const req = p.upstreamRequest(body, clientHeaders);
  const r = await g.upstream({
    url: req.url,
    headers: req.headers,
    body: JSON.stringify(req.body),
    firstByteTimeoutMs: p.firstByteTimeoutMs,
    timeoutMs: p.timeoutMs,
  });
  if ('response' in r) return r;
  return {
    failure: r.failure === 'timeout' ? 'timeout' : 'upstream',
    message: `upstream ${p.id} ${r.message}`,
  };
}

type Attempt =
  | { readonly kind: 'json'; readonly upstreamJson: unknown; readonly upstreamMs: number }
  | {
      readonly kind: 'stream';
      readonly res: UpstreamResponse;
      /** The events read while waiting for the first output, and the parser that read them (mid-event). */
      readonly first: { readonly events: readonly SseEvent[]; readonly parser: SseParser };
      readonly upstreamStart: number;
    }
  | {
      readonly kind: 'fail';
      /** Worth trying the next target: unreachable, time-out, 408, 429, 5xx, a body cut off. */
      readonly retry: boolean;
      readonly errorKind: GatewayErrorKind;
      readonly status: number;
      readonly message: string;
      readonly upstreamBody: unknown;
      /** Null when no call was made (the target could not carry the request). */
      readonly upstreamMs: number | null;
    };

/** One upstream call, read far enough to know whether it succeeded (a stream: its first chunk). */
async function attempt(
  g: GatewayContext,
  routed: RoutedModel,
  native: Readonly<Record<string, unknown>>,
  clientHeaders: Readonly<Record<string, string>>,
  stream: boolean,
): Promise<Attempt> {
  const upstreamStart = g.clock();
  const id = routed.provider.id;
  const fail = (
    retry: boolean,
    errorKind: GatewayErrorKind,
    message: string,
    status = STATUS_OF[errorKind],
    upstreamBody: unknown = null,
  ): Attempt => ({
    kind: 'fail',
    retry,
    errorKind,
    status,
    message,
    upstreamBody,
    upstreamMs: g.clock() - upstreamStart,
  });
  const call = await callUpstream(g, routed, native, clientHeaders);
  if ('failure' in call) return fail(true, call.failure, call.message);
  const res = call.response;
  if (res.status < 200 || res.status >= 300) {
    const text = await res.text().catch(() => '');
    let upstreamBody: unknown = null;
    try {
      upstreamBody = JSON.parse(text);
    } catch {
      upstreamBody = null;
    }
    const message =
      CLIENT_APIS[routed.provider.capabilities.nativeApi].errorMessage(upstreamBody) ??
      `upstream ${id} answered HTTP ${String(res.status)}`;
    const retry = res.status === 408 || res.status === 429 || res.status >= 500;
    return fail(retry, 'upstream', message, res.status, upstreamBody);
  }
  if (stream) return readUntilOutput(routed, res, upstreamStart, fail);
  try {
    return {
      kind: 'json',
      upstreamJson: JSON.parse(await res.text()),
      upstreamMs: g.clock() - upstreamStart,
    };
  } catch (error) {
    return res.timedOut() === null
      ? fail(true, 'upstream', `upstream ${id} sent a body that is not JSON (${(error as Error).message})`)
      : fail(true, 'timeout', `upstream ${id} did not finish within its time-out`);
  }
}

/**
 * Holds a stream's opening events (a role-only delta, message_start, ping) until one carries output.
 * Until then the client has been told nothing, so a stream that breaks, ends or sends an error event
 * (Anthropic's overloaded_error) is a failed attempt that a fallback route retries on its next
 * target; after it, the stream is the client's and cannot switch models.
 */
async function readUntilOutput(
  routed: RoutedModel,
  res: UpstreamResponse,
  upstreamStart: number,
  fail: (retry: boolean, errorKind: GatewayErrorKind, message: string) => Attempt,
): Promise<Attempt> {
  const id = routed.provider.id;
  const shape = CLIENT_APIS[routed.provider.capabilities.nativeApi];
  const parser = new SseParser();
  const held: SseEvent[] = [];
  for (;;) {
    let chunk: IteratorResult<string>;
    try {
      chunk = await res.chunks.next();
    } catch (error) {
      res.abort();
      const cause = res.timedOut() === null ? 'upstream' : 'timeout';
      return fail(true, cause, `upstream ${id} stream broke before any output: ${(error as Error).message}`);
    }
    const events = chunk.done === true ? parser.end() : parser.push(chunk.value);
    held.push(...events);
    for (const e of events) {
      const error = shape.streamErrorMessage(e);
      if (error !== null) {
        res.abort();
        return fail(true, 'upstream', `upstream ${id} stream failed before any output: ${error}`);
      }
      if (shape.carriesOutput(e))
        return { kind: 'stream', res, first: { events: held, parser }, upstreamStart };
    }
    if (chunk.done === true) return fail(true, 'upstream', `upstream ${id} stream ended before any output`);
  }
}

const usd = (nano: number): string => `$${(nano / 1e9).toFixed(6)}`;

function denyMessage(
  policy: KeyPolicy,
  d: { readonly code: keyof typeof DENY_MESSAGES; readonly used: number; readonly reserved: number },
  worstNanoUsd: number,
  tokens: number,
): string {
  const head = `${DENY_MESSAGES[d.code]} for key "${policy.name}"`;
  if (d.code === 'RPM_EXCEEDED')
    return `${head}: ${String(d.used)} of ${String(policy.rpm)} requests this minute`;
  if (d.code === 'TPM_EXCEEDED')
    return `${head}: ${String(d.used)} + ~${String(tokens)} tokens over ${String(policy.tpm)} this minute`;
  return `${head}: spent ${usd(d.used)} + reserved ${usd(d.reserved)} of ${usd(policy.budgetNanoUsd ?? 0)} (${policy.budgetWindow}); this request may cost up to ${usd(worstNanoUsd)}`;
}

/** Serves a response-cache hit: cost 0 in the ledger, the original cost kept as "would have cost". */
async function serveHit(g: GatewayContext, s: RequestState, hit: CachedResponse): Promise<Response> {
  s.cache = 'hit';
  await settle(g, s, 0, 0);
  await record(
    g,
    rowOf(g, s, {
      status: 200,
      provider: hit.provider,
      upstreamModel: hit.upstreamModel,
      costNanoUsd: 0,
      wouldCostNanoUsd: hit.costNanoUsd,
    }),
    false,
    null,
  );
  return new Response(hit.body, {
    status: 200,
    headers: { 'content-type': 'application/json', ...baseHeaders(s, '0') },
  });
}

/** Tries the plan's targets in order (more than one only for fallback routes) and answers. */
async function forward(
  g: GatewayContext,
  c: Context,
  s: RequestState,
  body: Readonly<Record<string, unknown>>,
  plan: RoutePlan,
  onAnswer: ((entry: CachedResponse, answerKey: string) => void) | null,
): Promise<Response> {
  const clientHeaders: Record<string, string> = {};
  for (const h of ['anthropic-version', 'anthropic-beta']) {
    const v = c.req.header(h);
    if (v !== undefined) clientHeaders[h] = v;
  }
  if (g.config.logging.prompts) g.logger.info({ requestId: s.id, body }, 'request body');
  const stream = body['stream'] === true;
  const useBreakers = plan.strategy === 'fallback';
  const failures: string[] = [];
  let last: Extract<Attempt, { kind: 'fail' }> | null = null;
  let tried = 0;
  for (const routed of plan.targets) {
    const id = routed.provider.id;
    if (useBreakers && !g.breakers.allow(id)) {
      failures.push(`${routed.config.name}: circuit open for ${id}`);
      continue;
    }
    const adapter = routed.provider.adapter(s.client);
    const cannot = adapter.unsupported?.(body) ?? null;
    if (cannot !== null) {
      // not the provider's failure: no breaker, no backoff; the next target may carry it
      failures.push(`${routed.config.name}: ${cannot}`);
      last = {
        kind: 'fail',
        retry: true,
        errorKind: 'invalid_request',
        status: STATUS_OF.invalid_request,
        message: `${cannot} (target ${routed.config.name} on ${id})`,
        upstreamBody: null,
        upstreamMs: null,
      };
      continue;
    }
    if (tried > 0 && plan.backoffMs > 0)
      await g.sleep(plan.backoffMs * 2 ** (tried - 1) * (0.5 + g.random() / 2));
    tried += 1;
    s.routed = routed;
    const native = adapter.request(body, routed.config.model);
    const a = await attempt(g, routed, native, clientHeaders, stream);
    if (a.kind === 'fail') {
      if (useBreakers && a.retry) g.breakers.failure(id);
      failures.push(`${routed.config.name}: ${a.message}`);
      last = a;
      if (!a.retry) break;
      continue;
    }
    if (useBreakers) g.breakers.success(id);
    if (plan.route !== null) {
      if (plan.strategy === 'fallback') s.decision = `fallback:${routed.config.name}`;
      if (failures.length > 0) s.reason = `${failures.join('; ')}; answered by ${routed.config.name}`;
      g.affinity.used(plan.conversation, routed.config.name);
    }
    if (a.kind === 'stream') return streamResponse(g, c, s, routed, body, a.res, a.upstreamStart, a.first);
    return jsonResponse(g, s, routed, adapter, a.upstreamJson, a.upstreamMs, (entry) => {
      onAnswer?.(entry, responseCacheKey(s.client, id, native));
    });
  }
  await settle(g, s, 0, 0);
  if (plan.route !== null) s.reason = failures.join('; ');
  if (last === null) {
    const message = `no target of route "${plan.route ?? s.requestedModel}" is available: ${failures.join('; ')}`;
    g.metrics.errors.inc({ type: 'unavailable' });
    await record(g, rowOf(g, s, { status: STATUS_OF.unavailable, error: message }), false, null);
    return errorResponse(s, 'unavailable', message);
  }
  const message = plan.targets.length > 1 ? `every target failed: ${failures.join('; ')}` : last.message;
  g.metrics.errors.inc({ type: last.errorKind });
  await record(
    g,
    rowOf(g, s, { status: last.status, error: message, upstreamMs: last.upstreamMs }),
    false,
    null,
  );
  const routed = s.routed;
  const sameShape =
    plan.targets.length === 1 &&
    routed !== null &&
    routed.provider.capabilities.nativeApi === s.client &&
    last.upstreamBody !== null;
  return errorResponse(s, last.errorKind, message, last.status, sameShape ? last.upstreamBody : undefined);
}

async function jsonResponse(
  g: GatewayContext,
  s: RequestState,
  routed: RoutedModel,
  adapter: Adapter,
  upstreamJson: unknown,
  upstreamMs: number,
  onAnswer: (entry: CachedResponse) => void,
): Promise<Response> {
  const normalizer = USAGE_NORMALIZERS[routed.provider.capabilities.usageApi];
  const priced = price(g, routed, () => normalizer.normalize(upstreamJson).usage);
  const unreadable = priced.problem?.startsWith('usage unreadable') ?? false;
  const out = JSON.stringify(adapter.response(upstreamJson, unreadable ? null : priced.usage));
  if (!unreadable)
    onAnswer({
      body: out,
      provider: routed.provider.id,
      upstreamModel: routed.config.model,
      usage: priced.usage,
      costNanoUsd: priced.costNanoUsd,
    });
  // an unknown cost keeps its whole reservation: the budget errs on the safe side
  await settle(
    g,
    s,
    priced.costNanoUsd ?? s.reservation?.reservedNanoUsd ?? 0,
    priced.usage.inputTokens + priced.usage.outputTokens,
  );
  await record(
    g,
    rowOf(g, s, { status: 200, usage: priced.usage, costNanoUsd: priced.costNanoUsd, upstreamMs }),
    false,
    priced.problem,
  );
  return new Response(out, {
    status: 200,
    headers: { 'content-type': 'application/json', ...baseHeaders(s, costHeader(priced.costNanoUsd)) },
  });
}

/** POST /v1/chat/completions and /v1/messages: authenticate, route, admit, (cache,) forward, price, record. */
export async function handleLlmRequest(g: GatewayContext, c: Context, client: ClientApi): Promise<Response> {
  const s: RequestState = {
    id: g.newId(),
    timeMs: g.now(),
    startMs: g.clock(),
    client,
    key: null,
    requestedModel: '',
    routed: null,
    plan: null,
    decision: null,
    reason: null,
    cache: 'miss',
    reservation: null,
  };
  const shape = CLIENT_APIS[client];
  const policy = await g.keys.lookup(presentedKey(c.req.header('authorization'), c.req.header('x-api-key')));
  if (policy === null) {
    g.metrics.authFailures.inc();
    return errorResponse(
      s,
      'authentication',
      g.keys.possible
        ? 'missing or invalid API key: send Authorization: Bearer <key> or x-api-key'
        : 'no virtual keys are configured (keys: in costwise.yaml)',
    );
  }
  s.key = policy.name;
  const raw = await readBody(c, g.config.server.maxBodyBytes);
  if (raw === 'too_large')
    return reject(
      g,
      s,
      'too_large',
      `request body exceeds server.maxBodyBytes (${String(g.config.server.maxBodyBytes)} bytes)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    return reject(g, s, 'invalid_request', `the body is not valid JSON (${(error as Error).message})`);
  }
  if (json !== null && typeof json === 'object' && typeof (json as { model?: unknown }).model === 'string')
    s.requestedModel = (json as { model: string }).model;
  const parsed = shape.requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') || 'body';
    return reject(g, s, 'invalid_request', `${path}: ${issue?.message ?? 'invalid'}`);
  }
  const est = estimateRequest(parsed.data, raw.byteLength);
  const plan = planRoute(g, s.requestedModel, parsed.data, est);
  if (plan === null)
    return reject(
      g,
      s,
      'not_found',
      `model "${s.requestedModel}" is not configured; GET /v1/models lists the names`,
    );
  s.plan = plan;
  s.decision = plan.decision;
  s.reason = plan.reason;
  s.routed = plan.targets[0] ?? null;
  if (policy.allowedModels !== null && !policy.allowedModels.includes(s.requestedModel))
    return reject(
      g,
      s,
      'permission',
      `key "${policy.name}" may not use "${s.requestedModel}" (allowedModels: ${policy.allowedModels.join(', ')})`,
    );
  if (plan.targets.length === 0) return reject(g, s, 'invalid_request', plan.reason ?? 'no target');
  const body = await admit(g, s, policy, parsed.data, plan, est);
  if (body instanceof Response) return body;
  try {
    return await respond(g, c, s, body, plan);
  } catch (error) {
    await settle(g, s, 0, 0);
    throw error;
  }
}

/** Budgets and limits: reserve the worst case, or refuse with 429. Returns the body to send on. */
async function admit(
  g: GatewayContext,
  s: RequestState,
  policy: KeyPolicy,
  body: Readonly<Record<string, unknown>>,
  plan: RoutePlan,
  est: RequestEstimate,
): Promise<Readonly<Record<string, unknown>> | Response> {
  if (policy.budgetNanoUsd === null && policy.rpm === null && policy.tpm === null) return body;
  const maxTokens = est.maxTokens ?? g.config.budgets.defaultMaxTokens;
  let worst = 0;
  if (policy.budgetNanoUsd !== null) {
    for (const t of plan.targets) {
      if (t.price === null)
        return reject(
          g,
          s,
          'permission',
          `key "${policy.name}" has a budget and "${t.config.name}" has no price, so its cost cannot be bounded (give models[].prices)`,
        );
      worst = Math.max(worst, worstCaseNanoUsd(t.price.record, est.inputTokensBound, maxTokens));
    }
  }
  const { admission, reservation } = await g.budgets.admit(policy, g.now(), worst, est.inputTokens);
  if (admission.kind === 'deny') {
    g.metrics.budgetDenials.inc({ code: admission.code });
    return reject(g, s, 'rate_limit', denyMessage(policy, admission, worst, est.inputTokens));
  }
  s.reservation = reservation;
  // the reservation assumed this cap: make the upstream keep to it
  if (policy.budgetNanoUsd === null || est.maxTokens !== null) return body;
  // Object.assign and then the key, not a spread: see tokenLabels
  const capped: Record<string, unknown> = Object.assign({}, body);
  capped['max_completion_tokens'] = maxTokens;
  return capped;
}

/** The response cache with single-flight around forward(): concurrent identical misses share one call. */
async function respond(
  g: GatewayContext,
  c: Context,
  s: RequestState,
  body: Readonly<Record<string, unknown>>,
  plan: RoutePlan,
): Promise<Response> {
  const cache = g.responseCache;
  const first = plan.targets[0];
  const optOut = /no-cache|no-store/i.test(c.req.header('cache-control') ?? '');
  if (cache === null || first === undefined || body['stream'] === true || optOut)
    return forward(g, c, s, body, plan, null);
  const key = responseCacheKey(
    s.client,
    first.provider.id,
    first.provider.adapter(s.client).request(body, first.config.model),
  );
  const joined = g.flights.joining(key);
  if (joined !== undefined) {
    const shared = await joined;
    // the leader failed: this request makes its own call
    return shared === null ? forward(g, c, s, body, plan, null) : serveHit(g, s, shared);
  }
  let resolveFlight: (v: CachedResponse | null) => void = () => undefined;
  void g.flights.lead(
    key,
    new Promise<CachedResponse | null>((resolve) => {
      resolveFlight = resolve;
    }),
  );
  try {
    const stored = await cache.get(key).catch((error: unknown) => {
      g.logger.warn({ err: (error as Error).message }, 'response cache read failed');
      return null;
    });
    if (stored !== null) {
      resolveFlight(stored);
      return await serveHit(g, s, stored);
    }
    const ttlMs = g.config.cache.responses.ttlSeconds * 1000;
    return await forward(g, c, s, body, plan, (entry, answerKey) => {
      resolveFlight(entry);
      cache.set(answerKey, entry, ttlMs).catch((error: unknown) => {
        g.logger.warn({ err: (error as Error).message }, 'response cache write failed');
      });
    });
  } finally {
    resolveFlight(null);
  }
}

function streamResponse(
  g: GatewayContext,
  c: Context,
  s: RequestState,
  routed: RoutedModel,
  clientBody: Readonly<Record<string, unknown>>,
  res: UpstreamResponse,
  upstreamStart: number,
  first: { readonly events: readonly SseEvent[]; readonly parser: SseParser },
): Response {
  // the events attempt() already parsed go out first; the same parser reads on
  let pending: readonly SseEvent[] | null = first.events;
  const parser = first.parser;
  const caps = routed.provider.capabilities;
  const nativeShape = CLIENT_APIS[caps.nativeApi];
  const clientShape = CLIENT_APIS[s.client];
  const normalizer = USAGE_NORMALIZERS[caps.usageApi];
  const usageEvents: unknown[] = [];
  const readUsage = (): CanonicalUsage => normalizer.normalizeStream(usageEvents).usage;
  const translator = routed.provider.adapter(s.client).stream(clientBody, {
    usage: () => {
      try {
        return usageEvents.length > 0 ? readUsage() : null;
      } catch {
        return null;
      }
    },
  });
  let ttftMs: number | null = null;
  let finished = false;
  // An error event from the upstream reaches the client translated; it ends the stream's success.
  let upstreamError: string | null = null;
  let heldError: readonly SseEvent[] = [];

  const keepUsage = (e: SseEvent): void => {
    if (!USAGE_OBJECT.test(e.data)) return;
    try {
      const o = JSON.parse(e.data) as { usage?: unknown; message?: { usage?: unknown } } | null;
      if (
        o &&
        ((o.usage !== null && o.usage !== undefined) ||
          (o.message?.usage !== null && o.message?.usage !== undefined))
      )
        usageEvents.push(o);
    } catch {
      // not JSON: carries no usage
    }
  };

  const finish = async (status: number, error: string | null): Promise<string> => {
    finished = true;
    const upstreamMs = g.clock() - upstreamStart;
    const priced =
      usageEvents.length > 0
        ? price(g, routed, readUsage)
        : { usage: ZERO_USAGE, costNanoUsd: null, problem: 'the stream carried no usage' };
    await settle(
      g,
      s,
      priced.costNanoUsd ?? (status < 400 ? (s.reservation?.reservedNanoUsd ?? 0) : 0),
      priced.usage.inputTokens + priced.usage.outputTokens,
    );
    await record(
      g,
      rowOf(g, s, {
        status,
        error,
        usage: priced.usage,
        costNanoUsd: priced.costNanoUsd,
        ttftMs,
        upstreamMs,
      }),
      true,
      priced.problem,
    );
    return `: costwise-cost-usd=${costHeader(priced.costNanoUsd)}\n\n`;
  };

  /** The next text for the client and whether it ends the stream; null once the client has gone. */
  const produce = async (): Promise<{ readonly text: string; readonly done: boolean } | null> => {
    if (finished) return null;
    const fail = async (
      sent: string,
      message: string,
    ): Promise<{ readonly text: string; readonly done: boolean } | null> => {
      // the client closed the stream (cancel aborted the upstream read): its row is already written
      if (finished) return null;
      g.metrics.errors.inc({ type: 'upstream_stream' });
      const comment = await finish(502, upstreamError ?? message);
      // the client already got the upstream's error event, translated: no second one
      const tail =
        upstreamError === null
          ? formatSse(clientShape.streamError(message))
          : heldError.map(formatSse).join('');
      return { text: sent + comment + tail, done: true };
    };
    let events: readonly SseEvent[];
    let ended = false;
    if (pending !== null) {
      events = pending;
      pending = null;
    } else {
      let chunk: IteratorResult<string>;
      try {
        chunk = await res.chunks.next();
      } catch (error) {
        return fail('', `upstream stream broke: ${(error as Error).message}`);
      }
      ended = chunk.done === true;
      events = chunk.done === true ? parser.end() : parser.push(chunk.value);
    }
    let text = '';
    for (const e of events) {
      keepUsage(e);
      if (nativeShape.isTerminal(e)) {
        // this read's output, the closing events and the cost comment go out as one write
        if (text !== '' && ttftMs === null) ttftMs = g.clock() - s.startMs;
        const closing = translator.end();
        const comment = await finish(200, null);
        const last = closing[closing.length - 1];
        text += closing.slice(0, -1).map(formatSse).join('') + comment + (last ? formatSse(last) : '');
        // read the upstream to its end so that its keep-alive connection is reused
        void (async () => {
          try {
            while ((await res.chunks.next()).done !== true);
          } catch {
            // the upstream closed: nothing left to read
          }
        })();
        return { text, done: true };
      }
      const errorMessage = nativeShape.streamErrorMessage(e);
      if (errorMessage !== null) {
        // held back so that the cost comment comes before the stream's last event
        upstreamError ??= errorMessage;
        heldError = [...heldError, ...translator.push(e)];
        continue;
      }
      for (const t of translator.push(e)) text += formatSse(t);
    }
    if (text !== '' && ttftMs === null) ttftMs = g.clock() - s.startMs;
    if (ended) return fail(text, 'upstream stream ended before its last event');
    return { text, done: false };
  };
  const cancel = async (): Promise<void> => {
    res.abort();
    if (!finished) await finish(499, 'client closed the stream');
  };
  const headers = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...baseHeaders(s, 'pending'),
  };
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (outgoing instanceof ServerResponse) {
    void writeToNode(g, s, outgoing, headers, produce, cancel);
    return RESPONSE_ALREADY_SENT;
  }
  // in process (app.request()): a web stream
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await produce();
      if (next === null) return;
      if (next.text !== '') controller.enqueue(encoder.encode(next.text));
      if (next.done) controller.close();
    },
    cancel,
  });
  return new Response(stream, { status: 200, headers });
}

/**
 * Writes a stream straight to Node's response under @hono/node-server, without web-stream plumbing:
 * the header goes out with the first text, and the stream's last text with the chunked terminator.
 */
async function writeToNode(
  g: GatewayContext,
  s: RequestState,
  out: ServerResponse,
  headers: Readonly<Record<string, string>>,
  produce: () => Promise<{ readonly text: string; readonly done: boolean } | null>,
  cancel: () => Promise<void>,
): Promise<void> {
  let ended = false;
  out.once('close', () => {
    if (!ended) void cancel();
  });
  out.writeHead(200, headers);
  try {
    for (;;) {
      const next = await produce();
      if (next === null || out.destroyed) return;
      // write, then end, in one tick: one socket write, and chunked like any other stream
      if (next.text === '' && !out.headersSent) out.flushHeaders();
      const drained = next.text === '' || out.write(next.text);
      if (next.done) {
        ended = true;
        out.end();
        return;
      }
      if (!drained)
        await new Promise<void>((resolve) => {
          const go = (): void => {
            out.off('drain', go);
            out.off('close', go);
            resolve();
          };
          out.on('drain', go);
          out.on('close', go);
        });
    }
  } catch (error) {
    g.logger.error({ requestId: s.id, err: (error as Error).message }, 'stream to client failed');
    out.destroy();
  }
}
