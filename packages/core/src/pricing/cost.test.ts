import { describe, expect, it } from 'vitest';
import { CostwiseError } from '../errors.js';
import { requestCost } from './cost.js';
import { normalizeAnthropic, normalizeAnthropicStream, normalizeOpenAiChat } from './normalizers/index.js';
import { resolvePrice } from './prices.js';
import { checkUsage, parseCanonicalUsage, ZERO_USAGE } from './usage.js';

const u = (p: Partial<typeof ZERO_USAGE>) => ({ ...ZERO_USAGE, ...p });

describe('canonical usage', () => {
  it('rejects a usage that contradicts itself, naming the field', () => {
    expect(() => checkUsage(u({ inputTokens: 10, cacheReadTokens: 20 }))).toThrow(
      /usage\.inputTokens: 10 is less than the cache reads and writes/,
    );
    expect(() => checkUsage(u({ outputTokens: 5, reasoningTokens: 6 }))).toThrow(
      /usage\.reasoningTokens: 6 exceeds outputTokens 5/,
    );
    expect(() => parseCanonicalUsage({ inputTokens: -1 })).toThrow(CostwiseError);
    expect(() => parseCanonicalUsage({ inputTokens: 1, promptTokens: 2 })).toThrow(
      /promptTokens|Unrecognized/,
    );
  });
});

describe('request cost rules', () => {
  it('a long-context cliff applies to every token when the whole input exceeds the threshold (strictly)', () => {
    const p = resolvePrice('anthropic', 'claude-sonnet-4-5');
    const at = requestCost(u({ inputTokens: 200_000, outputTokens: 1000 }), p);
    const over = requestCost(u({ inputTokens: 200_001, outputTokens: 1000 }), p);
    expect(at.tier).toBeNull();
    expect(at.totalUsd).toBeCloseTo((200_000 * 3 + 1000 * 15) / 1e6, 12);
    expect(over.tier?.thresholdTokens).toBe(200_000);
    // Anthropic long context: $6 input, $22.50 output (provider-billing.md §4.1)
    expect(over.totalUsd).toBeCloseTo((200_001 * 6 + 1000 * 22.5) / 1e6, 12);
  });

  it('the threshold counts cache reads and writes', () => {
    const p = resolvePrice('anthropic', 'claude-sonnet-4-5');
    const c = requestCost(u({ inputTokens: 250_000, cacheReadTokens: 240_000 }), p);
    expect(c.tier).not.toBeNull();
    expect(c.cacheReadUsd).toBeCloseTo((240_000 * 0.6) / 1e6, 12);
  });

  it('Anthropic batch: 50% off, stacked on the cache multipliers', () => {
    const p = resolvePrice('anthropic', 'claude-haiku-4-5');
    const c = requestCost(
      u({
        inputTokens: 3000,
        cacheReadTokens: 1000,
        cacheWrite5mTokens: 1000,
        cacheWrite1hTokens: 500,
        outputTokens: 200,
      }),
      p,
      { batch: true },
    );
    // Haiku 4.5: $1 in, $1.25 5m write, $2 1h write, $0.10 read, $5 out — all halved
    expect(c.totalUsd).toBeCloseTo(
      ((500 * 1 + 1000 * 0.1 + 1000 * 1.25 + 500 * 2 + 200 * 5) * 0.5) / 1e6,
      12,
    );
  });

  it('Vertex batch: the cache discount wins, cache reads are not halved again', () => {
    const p = resolvePrice('vertex', 'my-gemini', {
      overrides: { inputMtok: 1.25, outputMtok: 10, cacheReadMtok: 0.125 },
    });
    const c = requestCost(u({ inputTokens: 2000, cacheReadTokens: 1000, outputTokens: 100 }), p, {
      batch: true,
    });
    expect(c.cacheReadUsd).toBeCloseTo((1000 * 0.125) / 1e6, 12);
    expect(c.totalUsd).toBeCloseTo((1000 * 1.25 * 0.5 + 1000 * 0.125 + 100 * 10 * 0.5) / 1e6, 12);
  });

  it('a provider without batch pricing refuses --batch', () => {
    expect(() =>
      requestCost(u({ inputTokens: 1 }), resolvePrice('deepseek', 'deepseek-chat'), { batch: true }),
    ).toThrow(/--batch: deepseek has no batch discount/);
  });

  it('reasoning tokens are output, at their own price where one is given', () => {
    const p = resolvePrice('self', 'my-llama', {
      overrides: { inputMtok: 0.2, outputMtok: 0.6, reasoningMtok: 0.3 },
    });
    const c = requestCost(u({ inputTokens: 1000, outputTokens: 1000, reasoningTokens: 400 }), p);
    expect(c.outputUsd).toBeCloseTo((600 * 0.6 + 400 * 0.3) / 1e6, 12);
    expect(c.priceSource).toBe('user prices (--prices)');
  });

  it('an unpriced model needs complete prices', () => {
    expect(() => resolvePrice('self', 'my-llama', { overrides: { inputMtok: 1 } })).toThrow(
      /--prices: self:my-llama has no price record/,
    );
    expect(() => resolvePrice('self', 'my-llama')).toThrow(/no price for self:my-llama/);
  });

  it('prices as of a date: o3 cost $10/$40 before the 2025-06-10 cut and $2/$8 after (genai-prices o3 record)', () => {
    const usage = u({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(requestCost(usage, resolvePrice('openai', 'o3', { at: new Date('2025-05-01') })).totalUsd).toBe(
      50,
    );
    expect(requestCost(usage, resolvePrice('openai', 'o3', { at: new Date('2025-07-01') })).totalUsd).toBe(
      10,
    );
  });

  it('a cached token never costs more than an uncached one (every priced Anthropic and OpenAI model)', () => {
    for (const [prov, model] of [
      ['anthropic', 'claude-opus-4-5'],
      ['openai', 'gpt-4o'],
      ['openai', 'gpt-5'],
      ['google', 'gemini-2.5-flash'],
    ] as const) {
      const p = resolvePrice(prov, model);
      const cached = requestCost(u({ inputTokens: 1000, cacheReadTokens: 1000 }), p).totalUsd;
      const plain = requestCost(u({ inputTokens: 1000 }), p).totalUsd;
      expect(cached).toBeLessThanOrEqual(plain);
    }
  });
});

describe('usage normalizers (documentation examples)', () => {
  it('OpenAI prompt-caching doc: 2,006 prompt tokens of which 1,920 cached', () => {
    const n = normalizeOpenAiChat({
      usage: {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(n.usage).toEqual(u({ inputTokens: 2006, cacheReadTokens: 1920, outputTokens: 300 }));
  });

  it("Anthropic: input_tokens excludes the cache; the breakdown wins over a disagreeing total (Anthropic's doc example 248 vs 456 + 100)", () => {
    const n = normalizeAnthropic({
      usage: {
        input_tokens: 2048,
        cache_read_input_tokens: 1800,
        cache_creation_input_tokens: 248,
        output_tokens: 503,
        cache_creation: { ephemeral_5m_input_tokens: 456, ephemeral_1h_input_tokens: 100 },
      },
    });
    expect(n.usage).toEqual(
      u({
        inputTokens: 2048 + 1800 + 456 + 100,
        cacheReadTokens: 1800,
        cacheWrite5mTokens: 456,
        cacheWrite1hTokens: 100,
        outputTokens: 503,
      }),
    );
    expect(n.warnings[0]).toMatch(/differs from the cache_creation breakdown/);
  });

  it('Anthropic streaming: message_start has the input side, message_delta the cumulative output', () => {
    const n = normalizeAnthropicStream([
      {
        type: 'message_start',
        message: {
          usage: {
            input_tokens: 25,
            cache_read_input_tokens: 1000,
            cache_creation_input_tokens: 0,
            output_tokens: 1,
          },
        },
      },
      { type: 'content_block_delta', delta: { text: 'hi' } },
      { type: 'message_delta', usage: { output_tokens: 15 } },
    ]);
    expect(n.usage).toEqual(u({ inputTokens: 1025, cacheReadTokens: 1000, outputTokens: 15 }));
  });

  it('a usage that contradicts itself is rejected', () => {
    expect(() =>
      normalizeOpenAiChat({
        usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } },
      }),
    ).toThrow(/inputTokens: 10 is less than/);
  });
});
