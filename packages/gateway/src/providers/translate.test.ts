import { ZERO_USAGE } from '@costwise/core';
import { describe, expect, it } from 'vitest';
import { anthropicResponseToOpenAi, openAiRequestToAnthropic } from './anthropic/translate-openai.js';
import { anthropicRequestToOpenAi, openAiResponseToAnthropic } from './openai/translate-anthropic.js';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

describe('OpenAI request → Anthropic request', () => {
  it('moves system messages, maps tools, tool calls, tool results and images', () => {
    const out = openAiRequestToAnthropic(
      {
        model: 'x',
        max_completion_tokens: 300,
        stop: 'END',
        tool_choice: 'required',
        tools: [
          { type: 'function', function: { name: 'weather', description: 'w', parameters: weatherSchema } },
        ],
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is here?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18 °C' },
          { role: 'tool', tool_call_id: 'call_2', content: 'n/a' },
        ],
      },
      'claude-sonnet-4-5',
    );
    expect(out).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'Be brief.',
      stop_sequences: ['END'],
      tool_choice: { type: 'any' },
      tools: [{ name: 'weather', description: 'w', input_schema: weatherSchema }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18 °C' },
            { type: 'tool_result', tool_use_id: 'call_2', content: 'n/a' },
          ],
        },
      ],
    });
  });

  it('gives Anthropic the max_tokens it requires when the client gave none', () => {
    expect(
      openAiRequestToAnthropic({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }, 'm')[
        'max_tokens'
      ],
    ).toBe(4096);
  });
});

describe('Anthropic request → OpenAI request', () => {
  it('maps system, images, tool use and tool results, and asks for stream usage', () => {
    const out = anthropicRequestToOpenAi(
      {
        model: 'x',
        max_tokens: 100,
        stream: true,
        system: [{ type: 'text', text: 'Be brief.' }],
        tools: [{ name: 'weather', input_schema: weatherSchema }],
        tool_choice: { type: 'tool', name: 'weather' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } }],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '3 °C' }] },
            ],
          },
        ],
      },
      'gpt-4o',
      true,
    );
    expect(out).toEqual({
      model: 'gpt-4o',
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'weather', parameters: weatherSchema } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '3 °C' },
      ],
    });
  });
});

describe('responses', () => {
  const usage = {
    ...ZERO_USAGE,
    inputTokens: 1532,
    cacheReadTokens: 1111,
    cacheWrite5mTokens: 418,
    outputTokens: 33,
  };

  it('an Anthropic tool_use answer becomes OpenAI tool_calls with finish_reason tool_calls', () => {
    const out = anthropicResponseToOpenAi(
      {
        id: 'msg_1',
        model: 'c',
        stop_reason: 'tool_use',
        content: [{ type: 'tool_use', id: 't1', name: 'weather', input: { city: 'Oslo' } }],
      },
      usage,
      1_700_000_000,
    );
    expect(out['choices']).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ]);
    // OpenAI convention: prompt_tokens includes the cache
    expect(out['usage']).toMatchObject({
      prompt_tokens: 1532,
      completion_tokens: 33,
      prompt_tokens_details: { cached_tokens: 1111, cache_write_tokens: 418 },
    });
  });

  it('an OpenAI answer becomes an Anthropic message whose input_tokens exclude the cache', () => {
    const out = openAiResponseToAnthropic(
      {
        id: 'c1',
        model: 'g',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' }],
      },
      usage,
    );
    expect(out).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hi' }],
      stop_reason: 'max_tokens',
      usage: {
        input_tokens: 3,
        cache_read_input_tokens: 1111,
        cache_creation_input_tokens: 418,
        output_tokens: 33,
      },
    });
  });
});
