import type { Adapter, StreamTranslator } from '../provider.js';
import { sseJson, type SseEvent } from '../../sse/sse.js';
import { isObject, type Json } from './_openai-shapes.js';

const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const NULL_USAGE = /,\s*"usage"\s*:\s*null(?=\s*[,}])|"usage"\s*:\s*null\s*,/g;

function clientAskedUsage(body: Readonly<Json>): boolean {
  const o = body['stream_options'];
  return isObject(o) && o['include_usage'] === true;
}

/**
 * OpenAI Chat client → OpenAI-shaped upstream. Streams ask for usage upstream even when the client
 * did not (the ledger needs it); the usage then is stripped again: the final usage-only chunk is
 * dropped and `usage: null` removed from the other chunks.
 */
class OpenAiPassthroughStream implements StreamTranslator {
  constructor(private readonly keepUsage: boolean) {}

  push(event: SseEvent): readonly SseEvent[] {
    if (event.data === '[DONE]') return [];
    if (this.keepUsage) return [event];
    // the common chunk: `"usage":null` next to its choices, removed without re-serializing the chunk
    if (!USAGE_OBJECT.test(event.data)) {
      const stripped = event.data.replace(NULL_USAGE, '');
      return [stripped === event.data ? event : { ...event, data: stripped }];
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return [event];
    }
    if (!isObject(chunk) || !('usage' in chunk)) return [event];
    const choices = chunk['choices'];
    if (Array.isArray(choices) && choices.length === 0) return [];
    const rest: Json = { ...chunk };
    delete rest['usage'];
    return [sseJson(rest)];
  }

  end(): readonly SseEvent[] {
    return [{ data: '[DONE]' }];
  }
}

export function openAiPassthrough(streamUsageOnRequest: boolean): Adapter {
  return {
    request(body, upstreamModel) {
      // Object.assign and then the new keys, not `{ ...body, key }`: a spread's copy gets a new V8 hidden
      // class for every key added to it, on every request
      const out: Json = Object.assign({}, body);
      out['model'] = upstreamModel;
      if (body['stream'] === true && streamUsageOnRequest) {
        const options: Json = isObject(body['stream_options'])
          ? Object.assign({}, body['stream_options'])
          : {};
        options['include_usage'] = true;
        out['stream_options'] = options;
      }
      return out;
    },
    response: (body) => body,
    stream: (client) => new OpenAiPassthroughStream(clientAskedUsage(client) || !streamUsageOnRequest),
  };
}
