import { z } from 'zod';
import type { ClientApi } from '../providers/index.js';
import { sseJson, type SseEvent } from '../sse/sse.js';

/** Why the gateway refuses or fails a request; mapped to each API's error type and an HTTP status. */
export type GatewayErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'too_large'
  | 'rate_limit'
  | 'upstream'
  | 'timeout'
  | 'unavailable';

export const STATUS_OF: Readonly<Record<GatewayErrorKind, number>> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  too_large: 413,
  rate_limit: 429,
  upstream: 502,
  timeout: 504,
  unavailable: 503,
};

/** The wire conventions of one client API: request schema, error objects, stream ends. */
export interface ClientApiShape {
  readonly requestSchema: z.ZodType<Record<string, unknown>>;
  errorBody(kind: GatewayErrorKind, message: string): unknown;
  streamError(message: string): SseEvent;
  /** Whether an upstream event of this shape ends the stream cleanly. */
  isTerminal(event: SseEvent): boolean;
  /** The message of an error body of this shape, if it is one. */
  errorMessage(body: unknown): string | null;
  /** The message of an error event in a stream of this shape, if the event is one. */
  streamErrorMessage(event: SseEvent): string | null;
  /**
   * Whether an event carries output the client must see (text, a tool call, a finish, usage, the end):
   * until one arrives nothing has been said, so a failed stream can still go to the next target.
   */
  carriesOutput(event: SseEvent): boolean;
}

const OPENAI_OUTPUT_FIELDS = [
  'content',
  'tool_calls',
  'function_call',
  'refusal',
  'reasoning_content',
  'reasoning',
];

/** An OpenAI chunk with text, a tool call, a refusal or reasoning, a finish reason or usage (not a role-only delta). */
function openAiChunkCarriesOutput(data: string): boolean {
  if (data === '[DONE]') return true;
  const o = parseJson(data) as {
    choices?: readonly { delta?: Record<string, unknown> | null; finish_reason?: unknown }[];
    usage?: unknown;
  } | null;
  if (o === null || typeof o !== 'object') return true; // not ours to judge: pass it on
  if (o.usage !== null && o.usage !== undefined) return true;
  return (o.choices ?? []).some(
    (c) =>
      (c.finish_reason !== null && c.finish_reason !== undefined) ||
      OPENAI_OUTPUT_FIELDS.some((f) => {
        const v = c.delta?.[f];
        return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
      }),
  );
}

/** Anthropic events before any output: message_start, ping, and the (empty) start of a content block. */
const ANTHROPIC_PREAMBLE = new Set(['message_start', 'ping', 'content_block_start']);

const messages = z.array(z.looseObject({ role: z.string() })).min(1, 'needs at least one message');

const OPENAI_ERROR_TYPE: Readonly<Record<GatewayErrorKind, string>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout',
  unavailable: 'api_error',
};

const ANTHROPIC_ERROR_TYPE: Readonly<Record<GatewayErrorKind, string>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'overloaded_error',
};

const nestedMessage = (body: unknown): string | null => {
  if (body === null || typeof body !== 'object') return null;
  const e = (body as { error?: unknown }).error;
  if (e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string')
    return (e as { message: string }).message;
  return null;
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const CLIENT_APIS: Readonly<Record<ClientApi, ClientApiShape>> = {
  'openai-chat': {
    requestSchema: z.looseObject({
      model: z.string().min(1),
      messages,
      stream: z.boolean().nullish(),
      stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
      max_tokens: z.number().int().positive().nullish(),
      max_completion_tokens: z.number().int().positive().nullish(),
    }),
    errorBody: (kind, message) => ({
      error: {
        message,
        type: OPENAI_ERROR_TYPE[kind],
        param: null,
        code: kind === 'not_found' ? 'model_not_found' : kind === 'rate_limit' ? 'rate_limit_exceeded' : null,
      },
    }),
    streamError: (message) => sseJson({ error: { message, type: 'api_error', param: null, code: null } }),
    isTerminal: (e) => e.data === '[DONE]',
    errorMessage: nestedMessage,
    streamErrorMessage: (e) =>
      e.data.startsWith('{"error"') ? (nestedMessage(parseJson(e.data)) ?? 'error') : null,
    carriesOutput: (e) => openAiChunkCarriesOutput(e.data),
  },
  'anthropic-messages': {
    requestSchema: z.looseObject({
      model: z.string().min(1),
      messages,
      max_tokens: z.number().int().positive(),
      stream: z.boolean().nullish(),
    }),
    errorBody: (kind, message) => ({ type: 'error', error: { type: ANTHROPIC_ERROR_TYPE[kind], message } }),
    streamError: (message) => sseJson({ type: 'error', error: { type: 'api_error', message } }, 'error'),
    isTerminal: (e) => e.event === 'message_stop' || e.data === '{"type":"message_stop"}',
    errorMessage: nestedMessage,
    streamErrorMessage: (e) => (e.event === 'error' ? (nestedMessage(parseJson(e.data)) ?? 'error') : null),
    carriesOutput: (e) => {
      const type = e.event ?? (parseJson(e.data) as { type?: unknown } | null)?.type;
      return typeof type !== 'string' || !ANTHROPIC_PREAMBLE.has(type);
    },
  },
};
