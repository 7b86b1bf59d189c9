import type { CanonicalUsage } from '@costwise/core';
import { toAnthropicUsage } from '../anthropic/anthropic-usage.js';
import type { Adapter, StreamContext, StreamTranslator } from '../provider.js';
import { sseJson, type SseEvent } from '../../sse/sse.js';
import { FINISH_TO_STOP, isObject, str, type Json } from './_openai-shapes.js';

// Anthropic Messages request → OpenAI Chat request, and OpenAI responses/streams → Anthropic shape.
// Text, images (base64 and URL), tools and tool results map both ways; thinking blocks of earlier turns
// are dropped. Extended thinking and document blocks have no counterpart: such requests are refused by
// name (`unsupportedOverOpenAi`), not cut.

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is Json => isObject(b) && b['type'] === 'text')
    .map((b) => str(b['text'], ''))
    .join('\n');
}

function imagePart(source: unknown): Json | null {
  if (!isObject(source)) return null;
  if (source['type'] === 'base64')
    return {
      type: 'image_url',
      image_url: { url: `data:${str(source['media_type'])};base64,${str(source['data'])}` },
    };
  if (source['type'] === 'url') return { type: 'image_url', image_url: { url: str(source['url']) } };
  return null;
}

function messagesToOpenAi(messages: readonly unknown[]): Json[] {
  const out: Json[] = [];
  for (const m of messages) {
    if (!isObject(m)) continue;
    const role = m['role'] === 'assistant' ? 'assistant' : 'user';
    const content = m['content'];
    if (typeof content === 'string') {
      out.push({ role, content });
      continue;
    }
    if (!Array.isArray(content)) continue;
    const parts: Json[] = [];
    const toolCalls: Json[] = [];
    for (const b of content) {
      if (!isObject(b)) continue;
      if (b['type'] === 'text') parts.push({ type: 'text', text: str(b['text'], '') });
      else if (b['type'] === 'image') {
        const p = imagePart(b['source']);
        if (p) parts.push(p);
      } else if (b['type'] === 'tool_use')
        toolCalls.push({
          id: str(b['id']),
          type: 'function',
          function: { name: str(b['name']), arguments: JSON.stringify(b['input'] ?? {}) },
        });
      else if (b['type'] === 'tool_result')
        out.push({ role: 'tool', tool_call_id: str(b['tool_use_id']), content: textOf(b['content']) });
    }
    if (role === 'assistant') {
      const text = parts.map((p) => str(p['text'], '')).join('');
      out.push({
        role,
        content: text === '' ? null : text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
    } else if (parts.length > 0) out.push({ role, content: parts });
  }
  return out;
}

function toolChoiceToOpenAi(tc: unknown): unknown {
  if (!isObject(tc)) return undefined;
  switch (tc['type']) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: str(tc['name']) } };
    default:
      return undefined;
  }
}

export function anthropicRequestToOpenAi(
  body: Readonly<Json>,
  upstreamModel: string,
  streamUsageOnRequest: boolean,
): Json {
  const messages: Json[] = [];
  const system = textOf(body['system']);
  if (system !== '') messages.push({ role: 'system', content: system });
  messages.push(...messagesToOpenAi(Array.isArray(body['messages']) ? body['messages'] : []));
  const out: Json = { model: upstreamModel, messages };
  if (typeof body['max_tokens'] === 'number') out['max_tokens'] = body['max_tokens'];
  for (const k of ['temperature', 'top_p'] as const) if (body[k] !== undefined) out[k] = body[k];
  if (Array.isArray(body['stop_sequences'])) out['stop'] = body['stop_sequences'];
  if (Array.isArray(body['tools'])) {
    out['tools'] = body['tools'].filter(isObject).map((t) => ({
      type: 'function',
      function: {
        name: str(t['name']),
        ...(t['description'] !== undefined ? { description: t['description'] } : {}),
        parameters: t['input_schema'] ?? { type: 'object' },
      },
    }));
  }
  const tc = toolChoiceToOpenAi(body['tool_choice']);
  if (tc !== undefined) out['tool_choice'] = tc;
  if (body['stream'] === true) {
    out['stream'] = true;
    if (streamUsageOnRequest) out['stream_options'] = { include_usage: true };
  }
  return out;
}

export function openAiResponseToAnthropic(body: unknown, usage: CanonicalUsage | null): Json {
  const b = isObject(body) ? body : {};
  const choice = Array.isArray(b['choices']) && isObject(b['choices'][0]) ? b['choices'][0] : {};
  const message = isObject(choice['message']) ? choice['message'] : {};
  const content: Json[] = [];
  if (typeof message['content'] === 'string' && message['content'] !== '')
    content.push({ type: 'text', text: message['content'] });
  for (const call of Array.isArray(message['tool_calls']) ? message['tool_calls'] : []) {
    if (!isObject(call) || !isObject(call['function'])) continue;
    let input: unknown = {};
    try {
      input = JSON.parse(str(call['function']['arguments'], '{}'));
    } catch {
      input = {};
    }
    content.push({ type: 'tool_use', id: str(call['id']), name: str(call['function']['name']), input });
  }
  return {
    id: str(b['id'], 'msg_costwise'),
    type: 'message',
    role: 'assistant',
    model: str(b['model'], ''),
    content,
    stop_reason: FINISH_TO_STOP[str(choice['finish_reason'])] ?? 'end_turn',
    stop_sequence: null,
    usage: usage ? toAnthropicUsage(usage) : { input_tokens: 0, output_tokens: 0 },
  };
}

/** OpenAI chunks → Anthropic events: message_start, content blocks, message_delta, message_stop. */
export class OpenAiToAnthropicStream implements StreamTranslator {
  private started = false;
  private blockIndex = -1;
  private blockOpen: 'text' | 'tool' | null = null;
  private readonly toolBlocks = new Map<number, number>();
  private stopReason = 'end_turn';

  constructor(private readonly ctx: StreamContext) {}

  private start(chunk: Json): SseEvent[] {
    if (this.started) return [];
    this.started = true;
    return [
      sseJson(
        {
          type: 'message_start',
          message: {
            id: str(chunk['id'], 'msg_costwise'),
            type: 'message',
            role: 'assistant',
            model: str(chunk['model'], ''),
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
        'message_start',
      ),
    ];
  }

  private closeBlock(): SseEvent[] {
    if (this.blockOpen === null) return [];
    this.blockOpen = null;
    return [sseJson({ type: 'content_block_stop', index: this.blockIndex }, 'content_block_stop')];
  }

  push(event: SseEvent): readonly SseEvent[] {
    if (event.data === '[DONE]') return [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return [];
    }
    if (!isObject(chunk)) return [];
    if (isObject(chunk['error'])) {
      return [
        sseJson(
          {
            type: 'error',
            error: { type: 'api_error', message: str(chunk['error']['message'], 'upstream error') },
          },
          'error',
        ),
      ];
    }
    const out: SseEvent[] = [...this.start(chunk)];
    const choice =
      Array.isArray(chunk['choices']) && isObject(chunk['choices'][0]) ? chunk['choices'][0] : null;
    if (!choice) return out;
    const delta = isObject(choice['delta']) ? choice['delta'] : {};
    if (typeof delta['content'] === 'string' && delta['content'] !== '') {
      if (this.blockOpen !== 'text') {
        out.push(...this.closeBlock());
        this.blockIndex++;
        this.blockOpen = 'text';
        out.push(
          sseJson(
            {
              type: 'content_block_start',
              index: this.blockIndex,
              content_block: { type: 'text', text: '' },
            },
            'content_block_start',
          ),
        );
      }
      out.push(
        sseJson(
          {
            type: 'content_block_delta',
            index: this.blockIndex,
            delta: { type: 'text_delta', text: delta['content'] },
          },
          'content_block_delta',
        ),
      );
    }
    for (const call of Array.isArray(delta['tool_calls']) ? delta['tool_calls'] : []) {
      if (!isObject(call)) continue;
      const i = typeof call['index'] === 'number' ? call['index'] : 0;
      const fn = isObject(call['function']) ? call['function'] : {};
      if (!this.toolBlocks.has(i)) {
        out.push(...this.closeBlock());
        this.blockIndex++;
        this.blockOpen = 'tool';
        this.toolBlocks.set(i, this.blockIndex);
        out.push(
          sseJson(
            {
              type: 'content_block_start',
              index: this.blockIndex,
              content_block: {
                type: 'tool_use',
                id: str(call['id'], `toolu_${String(i)}`),
                name: str(fn['name'], ''),
                input: {},
              },
            },
            'content_block_start',
          ),
        );
      }
      if (typeof fn['arguments'] === 'string' && fn['arguments'] !== '') {
        out.push(
          sseJson(
            {
              type: 'content_block_delta',
              index: this.toolBlocks.get(i),
              delta: { type: 'input_json_delta', partial_json: fn['arguments'] },
            },
            'content_block_delta',
          ),
        );
      }
    }
    if (typeof choice['finish_reason'] === 'string')
      this.stopReason = FINISH_TO_STOP[choice['finish_reason']] ?? 'end_turn';
    return out;
  }

  end(): readonly SseEvent[] {
    const usage = this.ctx.usage();
    return [
      ...this.start({}),
      ...this.closeBlock(),
      sseJson(
        {
          type: 'message_delta',
          delta: { stop_reason: this.stopReason, stop_sequence: null },
          usage: usage ? toAnthropicUsage(usage) : { output_tokens: 0 },
        },
        'message_delta',
      ),
      sseJson({ type: 'message_stop' }, 'message_stop'),
    ];
  }
}

/** The Anthropic Messages fields this translation cannot carry to an OpenAI-shaped upstream; null when none is used. */
export function unsupportedOverOpenAi(body: Readonly<Json>): string | null {
  const thinking = body['thinking'];
  if (isObject(thinking) && thinking['type'] !== 'disabled')
    return 'thinking: extended thinking has no counterpart on an OpenAI-shaped upstream through this translation; send the request in the OpenAI Chat shape (POST /v1/chat/completions) with reasoning_effort, or leave thinking out';
  for (const m of Array.isArray(body['messages']) ? body['messages'] : []) {
    const content = isObject(m) ? m['content'] : undefined;
    if (Array.isArray(content) && content.some((b) => isObject(b) && b['type'] === 'document'))
      return 'messages[].content: document blocks (PDFs) are not translated to an OpenAI-shaped upstream; send the text, or route to an Anthropic model';
  }
  return null;
}

/** An Anthropic-shaped client reaching an OpenAI-shaped upstream. */
export function anthropicOverOpenAi(streamUsageOnRequest: boolean): Adapter {
  return {
    unsupported: unsupportedOverOpenAi,
    request: (body, model) => anthropicRequestToOpenAi(body, model, streamUsageOnRequest),
    response: openAiResponseToAnthropic,
    stream: (_client, ctx) => new OpenAiToAnthropicStream(ctx),
  };
}
