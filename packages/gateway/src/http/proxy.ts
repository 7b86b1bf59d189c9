import { requestCost, USAGE_NORMALIZERS, ZERO_USAGE, type CanonicalUsage } from '@costwise/core';
import type { Context } from 'hono';
import { toNanoUsd, type LedgerRow } from '../ledger/index.js';
import type { ClientApi } from '../providers/index.js';
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
}

function baseHeaders(s: RequestState, costUsd: string): Record<string, string> {
  return {
    'x-costwise-request-id': s.id,
    'x-costwise-model': s.requestedModel,
    'x-costwise-cost-usd': costUsd,
    'x-costwise-cache': 'miss',
  };
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
    route: null,
    decision: null,
    provider: s.routed?.provider.id ?? null,
    upstreamModel: s.routed?.config.model ?? null,
    usage: ZERO_USAGE,
    costNanoUsd: null,
    latencyMs: g.clock() - s.startMs,
    ttftMs: null,
    upstreamMs: null,
    error: null,
    cache: 'miss',
    ...over,
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
  if (row.status < 400 || row.usage.inputTokens > 0) {
    const base = {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: provider,
      gen_ai_request_model: row.requestedModel,
    };
    m.tokenUsage.observe({ ...base, gen_ai_token_type: 'input' }, row.usage.inputTokens);
    m.tokenUsage.observe({ ...base, gen_ai_token_type: 'output' }, row.usage.outputTokens);
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

/** POST /v1/chat/completions and /v1/messages: authenticate, validate, forward, price, record. */
export async function handleLlmRequest(g: GatewayContext, c: Context, client: ClientApi): Promise<Response> {
  const s: RequestState = {
    id: g.newId(),
    timeMs: g.now(),
    startMs: g.clock(),
    client,
    key: null,
    requestedModel: '',
    routed: null,
  };
  const shape = CLIENT_APIS[client];
  s.key = g.keys.lookup(presentedKey(c.req.header('authorization'), c.req.header('x-api-key')));
  if (s.key === null) {
    g.metrics.authFailures.inc();
    return errorResponse(
      s,
      'authentication',
      g.keys.size === 0
        ? 'no virtual keys are configured (keys: in costwise.yaml)'
        : 'missing or invalid API key: send Authorization: Bearer <key> or x-api-key',
    );
  }
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
  const body = parsed.data;
  s.routed = g.models.get(s.requestedModel) ?? null;
  if (s.routed === null)
    return reject(
      g,
      s,
      'not_found',
      `model "${s.requestedModel}" is not configured; GET /v1/models lists the names`,
    );
  const routed = s.routed;
  const adapter = routed.provider.adapter(client);
  const native = adapter.request(body, routed.config.model);
  const clientHeaders: Record<string, string> = {};
  for (const h of ['anthropic-version', 'anthropic-beta']) {
    const v = c.req.header(h);
    if (v !== undefined) clientHeaders[h] = v;
  }
  if (g.config.logging.prompts) g.logger.info({ requestId: s.id, body }, 'request body');
  const upstreamStart = g.clock();
  const call = await callUpstream(g, routed, native, clientHeaders);
  if ('failure' in call) {
    g.metrics.errors.inc({ type: call.failure });
    await record(
      g,
      rowOf(g, s, {
        status: STATUS_OF[call.failure],
        error: call.message,
        upstreamMs: g.clock() - upstreamStart,
      }),
      false,
      null,
    );
    return errorResponse(s, call.failure, call.message);
  }
  const res = call.response;
  const nativeShape = CLIENT_APIS[routed.provider.capabilities.nativeApi];
  if (res.status < 200 || res.status >= 300) {
    const text = await res.text().catch(() => '');
    let upstreamBody: unknown = null;
    try {
      upstreamBody = JSON.parse(text);
    } catch {
      upstreamBody = null;
    }
    const message =
      nativeShape.errorMessage(upstreamBody) ??
      `upstream ${routed.provider.id} answered HTTP ${String(res.status)}`;
    g.metrics.errors.inc({ type: 'upstream' });
    await record(
      g,
      rowOf(g, s, { status: res.status, error: message, upstreamMs: g.clock() - upstreamStart }),
      false,
      null,
    );
    const sameShape = routed.provider.capabilities.nativeApi === client && upstreamBody !== null;
    return errorResponse(
      s,
      'upstream',
      message,
      res.status,
      sameShape ? upstreamBody : shape.errorBody('upstream', message),
    );
  }
  if (body['stream'] === true) return streamResponse(g, s, routed, body, res, upstreamStart);
  let upstreamJson: unknown;
  try {
    upstreamJson = JSON.parse(await res.text());
  } catch (error) {
    const kind: GatewayErrorKind = res.timedOut() === null ? 'upstream' : 'timeout';
    const message =
      kind === 'timeout'
        ? `upstream ${routed.provider.id} did not finish within its time-out`
        : `upstream ${routed.provider.id} sent a body that is not JSON (${(error as Error).message})`;
    g.metrics.errors.inc({ type: kind });
    await record(
      g,
      rowOf(g, s, { status: STATUS_OF[kind], error: message, upstreamMs: g.clock() - upstreamStart }),
      false,
      null,
    );
    return errorResponse(s, kind, message);
  }
  const upstreamMs = g.clock() - upstreamStart;
  const normalizer = USAGE_NORMALIZERS[routed.provider.capabilities.usageApi];
  const priced = price(g, routed, () => normalizer.normalize(upstreamJson).usage);
  const out = JSON.stringify(
    adapter.response(upstreamJson, priced.problem?.startsWith('usage unreadable') ? null : priced.usage),
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

function streamResponse(
  g: GatewayContext,
  s: RequestState,
  routed: RoutedModel,
  clientBody: Readonly<Record<string, unknown>>,
  res: UpstreamResponse,
  upstreamStart: number,
): Response {
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
  const parser = new SseParser();
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

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return;
      const send = (events: readonly SseEvent[]): void => {
        if (events.length === 0) return;
        if (ttftMs === null) ttftMs = g.clock() - s.startMs;
        controller.enqueue(encoder.encode(events.map(formatSse).join('')));
      };
      const fail = async (message: string): Promise<void> => {
        g.metrics.errors.inc({ type: 'upstream_stream' });
        const comment = await finish(502, upstreamError ?? message);
        // the client already got the upstream's error event, translated: no second one
        const tail =
          upstreamError === null
            ? formatSse(clientShape.streamError(message))
            : heldError.map(formatSse).join('');
        controller.enqueue(encoder.encode(comment + tail));
        controller.close();
      };
      let chunk: IteratorResult<string>;
      try {
        chunk = await res.chunks.next();
      } catch (error) {
        return fail(`upstream stream broke: ${(error as Error).message}`);
      }
      const events = chunk.done === true ? parser.end() : parser.push(chunk.value);
      const out: SseEvent[] = [];
      for (const e of events) {
        keepUsage(e);
        if (nativeShape.isTerminal(e)) {
          send(out);
          const closing = translator.end();
          const comment = await finish(200, null);
          const last = closing[closing.length - 1];
          controller.enqueue(
            encoder.encode(
              closing.slice(0, -1).map(formatSse).join('') + comment + (last ? formatSse(last) : ''),
            ),
          );
          controller.close();
          // read the upstream to its end so that its keep-alive connection is reused
          void (async () => {
            try {
              while ((await res.chunks.next()).done !== true);
            } catch {
              // the upstream closed: nothing left to read
            }
          })();
          return;
        }
        const errorMessage = nativeShape.streamErrorMessage(e);
        if (errorMessage !== null) {
          // held back so that the cost comment comes before the stream's last event
          upstreamError ??= errorMessage;
          heldError = [...heldError, ...translator.push(e)];
          continue;
        }
        out.push(...translator.push(e));
      }
      send(out);
      if (chunk.done === true) return fail('upstream stream ended before its last event');
    },
    async cancel() {
      res.abort();
      if (!finished) await finish(499, 'client closed the stream');
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...baseHeaders(s, 'pending'),
    },
  });
}
