import type { CanonicalUsage, UsageApi } from '@costwise/core';
import type { ProviderConfig, ProviderKind } from '../config/index.js';
import type { SseEvent } from '../sse/sse.js';

/** The two request shapes clients speak to the gateway. */
export type ClientApi = 'openai-chat' | 'anthropic-messages';

/**
 * What a provider can do and how it reports usage, as data: shared code reads these fields and never
 * branches on a provider's name (STYLE.md §4).
 */
export interface ProviderCapabilities {
  /** The wire shape the upstream speaks. */
  readonly nativeApi: ClientApi;
  /** Core usage normalizer for its responses and streams. */
  readonly usageApi: UsageApi;
  /** Whether its input count already includes cached tokens (OpenAI, Gemini: yes; Anthropic: no). */
  readonly usageIncludesCachedInput: boolean;
  /** Whether streamed usage must be asked for (`stream_options.include_usage`). */
  readonly streamUsageOnRequest: boolean;
  readonly promptCaching: boolean;
  readonly tools: boolean;
  readonly images: boolean;
  /** Provider id in @pydantic/genai-prices, for prices. */
  readonly priceProvider: string;
}

export interface UpstreamRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Turns a stream of upstream events into the client's events. */
export interface StreamTranslator {
  push(event: SseEvent): readonly SseEvent[];
  /** The upstream ended cleanly: events that close the client's stream (its last one is the terminal event). */
  end(): readonly SseEvent[];
}

export interface StreamContext {
  /** The usage of the upstream stream so far, normalized; null while none was reported. */
  readonly usage: () => CanonicalUsage | null;
}

/** Translation between a client shape and the provider's native shape (identity when they match). */
export interface Adapter {
  /** Client body → native body (the upstream model id already set; stream usage requested when needed). */
  request(body: Readonly<Record<string, unknown>>, upstreamModel: string): Record<string, unknown>;
  /** Native response body → client body. `usage` is the normalized usage of that response. */
  response(body: unknown, usage: CanonicalUsage | null): unknown;
  stream(clientBody: Readonly<Record<string, unknown>>, ctx: StreamContext): StreamTranslator;
  /**
   * Why this translation cannot carry the request (a feature of the client's shape with no counterpart
   * upstream, named with its field and the fix), or null. Dropping such a field would change the answer's
   * shape behind the client's back (one choice for n = 3, no log-probabilities, no audio), so the gateway
   * skips the target, or answers 400 when no target can.
   */
  unsupported?(body: Readonly<Record<string, unknown>>): string | null;
}

export interface Provider {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly capabilities: ProviderCapabilities;
  readonly timeoutMs: number;
  readonly firstByteTimeoutMs: number;
  /** How a client shape reaches this provider. */
  adapter(client: ClientApi): Adapter;
  /** The HTTP request for a native body. `clientHeaders` are the client's API-version headers (lower-case). */
  upstreamRequest(
    body: Readonly<Record<string, unknown>>,
    clientHeaders: Readonly<Record<string, string>>,
  ): UpstreamRequest;
}

export type ProviderFactory = (config: ProviderConfig) => Provider;

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
