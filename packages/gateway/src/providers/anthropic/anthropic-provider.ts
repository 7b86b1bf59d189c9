import type { ProviderConfig } from '../../config/index.js';
import {
  joinUrl,
  type Adapter,
  type Provider,
  type ProviderCapabilities,
  type StreamTranslator,
} from '../provider.js';
import type { SseEvent } from '../../sse/sse.js';
import { minCacheableTokens, placeCacheBreakpoints } from './cache-breakpoints.js';
import { openAiOverAnthropic } from './translate-openai.js';

/** The Messages API version sent when the client gives none. */
export const ANTHROPIC_VERSION = '2023-06-01';

export const ANTHROPIC_CAPABILITIES: ProviderCapabilities = {
  nativeApi: 'anthropic-messages',
  usageApi: 'anthropic-messages',
  usageIncludesCachedInput: false,
  streamUsageOnRequest: false,
  promptCaching: true,
  tools: true,
  images: true,
  priceProvider: 'anthropic',
};

/** Forwards events as they are; message_stop is held back for end() so the cost comment precedes it. */
class AnthropicPassthroughStream implements StreamTranslator {
  push(event: SseEvent): readonly SseEvent[] {
    return event.event === 'message_stop' ? [] : [event];
  }

  end(): readonly SseEvent[] {
    return [{ event: 'message_stop', data: '{"type":"message_stop"}' }];
  }
}

const passthrough: Adapter = {
  request: (body, upstreamModel) => ({ ...body, model: upstreamModel }),
  response: (body) => body,
  stream: () => new AnthropicPassthroughStream(),
};

export function anthropicProvider(config: ProviderConfig, now: () => number = Date.now): Provider {
  const translated = openAiOverAnthropic(now);
  const url = joinUrl(config.baseUrl, 'v1/messages');
  return {
    id: config.id,
    kind: config.kind,
    capabilities: {
      ...ANTHROPIC_CAPABILITIES,
      priceProvider: config.priceProvider ?? ANTHROPIC_CAPABILITIES.priceProvider,
    },
    timeoutMs: config.timeoutMs,
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    adapter: (client) => (client === 'anthropic-messages' ? passthrough : translated),
    upstreamRequest(body, clientHeaders) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'anthropic-version': clientHeaders['anthropic-version'] ?? ANTHROPIC_VERSION,
      };
      const beta = clientHeaders['anthropic-beta'];
      if (beta !== undefined) headers['anthropic-beta'] = beta;
      if (config.apiKey !== undefined && config.apiKey !== '') headers['x-api-key'] = config.apiKey;
      if (!config.autoCacheControl) return { url, headers, body };
      const model = typeof body['model'] === 'string' ? body['model'] : '';
      return { url, headers, body: placeCacheBreakpoints(body, minCacheableTokens(model)) };
    },
  };
}
