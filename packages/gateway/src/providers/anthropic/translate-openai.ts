import type { CanonicalUsage } from '@costwise/core';
import { toOpenAiUsage } from '../openai/index.js';
import { isObject, str, type Json } from '../_json.js';
import type { Adapter, StreamContext, StreamTranslator } from '../provider.js';
import { sseJson, type SseEvent } from '../../sse/sse.js';

// OpenAI Chat request → Anthropic Messages request, and Anthropic responses/streams → OpenAI shape.
// System and developer messages become `system`; tools, tool calls and results, and images (data URLs
// as base64, others as URL sources) map both ways. n > 1, logprobs, audio and reasoning_effort have no
// Anthropic counterpart here: such requests are refused by name (`unsupportedOverAnthropic`), not cut.

/** Anthropic requires max_tokens; OpenAI does not. Used when the client gives none. */
export const DEFAULT_MAX_TOKENS = 4096;

const STOP_TO_FINISH: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'stop',
};

function partsToBlocks(content: unknown): Json[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const out: Json[] = [];
  for (const p of content) {
    if (!isObject(p)) continue;
    if (p['type'] === 'text') out.push({ type: 'text', text: str(p['text'], '') });
    else if (p['type'] === 'image_url') {
      const url = isObject(p['image_url']) ? str(p['image_url']['url'], '') : str(p['image_url'], '');
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
      out.push(
        m
          ? { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } }
          : { type: 'image', source: { type: 'url', url } },
      );
    }
  }
  return out;
}

function textOf(content: unknown): string {
  return partsToBlocks(content)
    .filter((b) => b['type'] === 'text')
    .map((b) => str(b['text']))
    .join('\n');
}

function parseArgs(text: unknown): unknown {
  try {
    return JSON.parse(typeof text === 'string' && text !== '' ? text : '{}');
  } catch {
    return {};
  }
}

export function openAiRequestToAnthropic(body: Readonly<Json>, upstreamModel: string): Json {
  const system: string[] = [];
  const messages: Json[] = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]): void => {
    const last = messages[messages.length - 1];
    // Anthropic wants alternating roles: consecutive same-role messages (e.g. tool results) merge.
    if (last && last['role'] === role && Array.isArray(last['content']))
      (last['content'] as Json[]).push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of Array.isArray(body['messages']) ? body['messages'] : []) {
    if (!isObject(m)) continue;
    const role = m['role'];
    if (role === 'system' || role === 'developer') system.push(textOf(m['content']));
    else if (role === 'tool')
      push('user', [
        { type: 'tool_result', tool_use_id: str(m['tool_call_id'], ''), content: textOf(m['content']) },
      ]);
    else if (role === 'assistant') {
      const blocks = partsToBlocks(m['content']);
      for (const call of Array.isArray(m['tool_calls']) ? m['tool_calls'] : []) {
        if (!isObject(call) || !isObject(call['function'])) continue;
        blocks.push({
          type: 'tool_use',
          id: str(call['id']),
          name: str(call['function']['name']),
          input: parseArgs(call['function']['arguments']),
        });
      }
      push('assistant', blocks);
    } else push('user', partsToBlocks(m['content']));
  }
  const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
  const out: Json = {
    model: upstreamModel,
    messages,
    max_tokens: typeof maxTokens === 'number' ? maxTokens : DEFAULT_MAX_TOKENS,
  };
  if (system.length > 0) out['system'] = system.join('\n\n');
  for (const k of ['temperature', 'top_p'] as const)
    if (body[k] !== undefined && body[k] !== null) out[k] = body[k];
  const stop = body['stop'];
  if (typeof stop === 'string') out['stop_sequences'] = [stop];
  else if (Array.isArray(stop)) out['stop_sequences'] = stop;
  if (Array.isArray(body['tools'])) {
    out['tools'] = body['tools']
      .filter((t): t is Json => isObject(t) && isObject(t['function']))
      .map((t) => {
        const fn = t['function'] as Json;
        return {
          name: str(fn['name']),
          ...(fn['description'] !== undefined ? { description: fn['description'] } : {}),
          input_schema: fn['parameters'] ?? { type: 'object', properties: {} },
        };
      });
  }
  const tc = body['tool_choice'];
  if (tc === 'auto') out['tool_choice'] = { type: 'auto' };
  else if (tc === 'required') out['tool_choice'] = { type: 'any' };
  else if (tc === 'none') out['tool_choice'] = { type: 'none' };
  else if (isObject(tc) && isObject(tc['function']))
    out['tool_choice'] = { type: 'tool', name: str(tc['function']['name']) };
  if (body['stream'] === true) out['stream'] = true;
  return out;
}

export function anthropicResponseToOpenAi(body: unknown, usage: CanonicalUsage | null, nowS: number): Json {
  const b = isObject(body) ? body : {};
  const blocks = Array.isArray(b['content']) ? b['content'].filter(isObject) : [];
  const text = blocks
    .filter((x) => x['type'] === 'text')
    .map((x) => str(x['text'], ''))
    .join('');
  const toolCalls = blocks
    .filter((x) => x['type'] === 'tool_use')
    .map((x) => ({
      id: str(x['id']),
      type: 'function',
      function: { name: str(x['name']), arguments: JSON.stringify(x['input'] ?? {}) },
    }));
  return {
    id: str(b['id'], 'chatcmpl-costwise'),
    object: 'chat.completion',
    created: nowS,
    model: str(b['model'], ''),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: STOP_TO_FINISH[str(b['stop_reason'])] ?? 'stop',
        logprobs: null,
      },
    ],
    ...(usage ? { usage: toOpenAiUsage(usage) } : {}),
  };
}

/** Anthropic events → OpenAI chunks; the usage chunk only when the client asked for it. */
export class AnthropicToOpenAiStream implements StreamTranslator {
  private id = 'chatcmpl-costwise';
  private model = '';
  private readonly tools = new Map<number, number>();

  constructor(
    private readonly includeUsage: boolean,
    private readonly ctx: StreamContext,
    private readonly nowS: number,
  ) {}

  private chunk(delta: Json, finish: string | null = null): SseEvent {
    return sseJson({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.nowS,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
  }

  push(event: SseEvent): readonly SseEvent[] {
    let e: unknown;
    try {
      e = JSON.parse(event.data);
    } catch {
      return [];
    }
    if (!isObject(e)) return [];
    switch (e['type']) {
      case 'message_start': {
        const m = isObject(e['message']) ? e['message'] : {};
        this.id = str(m['id'], this.id);
        this.model = str(m['model'], '');
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const block = isObject(e['content_block']) ? e['content_block'] : {};
        if (block['type'] !== 'tool_use') return [];
        const i = this.tools.size;
        this.tools.set(Number(e['index']), i);
        return [
          this.chunk({
            tool_calls: [
              {
                index: i,
                id: str(block['id']),
                type: 'function',
                function: { name: str(block['name']), arguments: '' },
              },
            ],
          }),
        ];
      }
      case 'content_block_delta': {
        const d = isObject(e['delta']) ? e['delta'] : {};
        if (d['type'] === 'text_delta') return [this.chunk({ content: str(d['text'], '') })];
        if (d['type'] === 'input_json_delta') {
          const i = this.tools.get(Number(e['index'])) ?? 0;
          return [
            this.chunk({
              tool_calls: [{ index: i, function: { arguments: str(d['partial_json'], '') } }],
            }),
          ];
        }
        return [];
      }
      case 'message_delta': {
        const d = isObject(e['delta']) ? e['delta'] : {};
        return typeof d['stop_reason'] === 'string'
          ? [this.chunk({}, STOP_TO_FINISH[d['stop_reason']] ?? 'stop')]
          : [];
      }
      case 'error': {
        const err = isObject(e['error']) ? e['error'] : {};
        return [
          sseJson({
            error: {
              message: str(err['message'], 'upstream error'),
              type: str(err['type'], 'api_error'),
              code: null,
            },
          }),
        ];
      }
      default:
        return [];
    }
  }

  end(): readonly SseEvent[] {
    const usage = this.ctx.usage();
    const out: SseEvent[] = [];
    if (this.includeUsage && usage)
      out.push(
        sseJson({
          id: this.id,
          object: 'chat.completion.chunk',
          created: this.nowS,
          model: this.model,
          choices: [],
          usage: toOpenAiUsage(usage),
        }),
      );
    out.push({ data: '[DONE]' });
    return out;
  }
}

/** An OpenAI-shaped client reaching Anthropic. */
/** The OpenAI Chat fields this translation cannot carry to Anthropic, with the fix; null when none is used. */
export function unsupportedOverAnthropic(body: Readonly<Json>): string | null {
  const n = body['n'];
  if (typeof n === 'number' && n > 1)
    return `n: ${String(n)} choices are not available from an Anthropic model (one answer per request); send n = 1 and repeat the request`;
  if (body['logprobs'] === true || typeof body['top_logprobs'] === 'number')
    return 'logprobs: Anthropic models return no log-probabilities; leave logprobs and top_logprobs out';
  const modalities = body['modalities'];
  if (isObject(body['audio']) || (Array.isArray(modalities) && modalities.includes('audio')))
    return 'audio: Anthropic models do not produce audio; ask for text only';
  if (body['reasoning_effort'] !== undefined && body['reasoning_effort'] !== null)
    return 'reasoning_effort: has no Anthropic counterpart through this translation; send the request in the Anthropic Messages shape (POST /v1/messages) with `thinking: { type: "enabled", budget_tokens }`';
  return null;
}

export function openAiOverAnthropic(now: () => number): Adapter {
  return {
    unsupported: unsupportedOverAnthropic,
    request: openAiRequestToAnthropic,
    response: (body, usage) => anthropicResponseToOpenAi(body, usage, Math.floor(now() / 1000)),
    stream: (client, ctx) => {
      const o = client['stream_options'];
      return new AnthropicToOpenAiStream(
        isObject(o) && o['include_usage'] === true,
        ctx,
        Math.floor(now() / 1000),
      );
    },
  };
}
