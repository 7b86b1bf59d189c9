import { architectureFromConfig, findCatalogModel } from '@costwise/core';
import { describe, expect, it } from 'vitest';
import { fetchHfConfig, hfConfigUrl, parseHfId } from './memory-hf.js';

const qwen = findCatalogModel('qwen2.5-7b');

function answering(status: number, body: string): typeof fetch {
  return (input) => {
    expect(input).toBe(hfConfigUrl('Qwen/Qwen2.5-7B'));
    return Promise.resolve(new Response(body, { status }));
  };
}

describe('memory planner: Hugging Face ids', () => {
  it.each([
    ['hf:Qwen/Qwen2.5-7B', 'Qwen/Qwen2.5-7B'],
    ['Qwen/Qwen2.5-7B', 'Qwen/Qwen2.5-7B'],
    ['  hf:meta-llama/Llama-3.1-8B ', 'meta-llama/Llama-3.1-8B'],
    ['gpt2', 'gpt2'],
  ])('%j is the repository %s', (text, id) => {
    expect(parseHfId(text)).toEqual({ ok: true, id });
  });

  it.each(['', 'hf:', 'a/b/c', 'org/../x', 'org/na me', 'https://huggingface.co/org/name'])(
    '%j is not an id, and the message says what to give',
    (text) => {
      const r = parseHfId(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^Hugging Face id: .* give org\/name/);
    },
  );

  it('builds the architecture of the fetched config.json with core', async () => {
    const r = await fetchHfConfig(
      'Qwen/Qwen2.5-7B',
      new AbortController().signal,
      answering(200, JSON.stringify(qwen?.config)),
    );
    expect(r).toEqual({
      ok: true,
      id: 'Qwen/Qwen2.5-7B',
      arch: architectureFromConfig(qwen?.config, 'hf:Qwen/Qwen2.5-7B/config.json'),
    });
  });

  it.each([
    [404, 'Not found', 'no such model or it is gated (HTTP 404): paste its config.json instead'],
    [401, 'Unauthorized', 'no such model or it is gated (HTTP 401)'],
    [503, 'busy', 'huggingface.co answered HTTP 503'],
    [200, '<html>', 'config.json is not JSON'],
    [200, '{"hidden_size": 4096}', 'hf:Qwen/Qwen2.5-7B/config.json.model_type: missing'],
  ])('HTTP %d %j is an error naming the cause', async (status, body, message) => {
    const r = await fetchHfConfig('Qwen/Qwen2.5-7B', new AbortController().signal, answering(status, body));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it('a network failure says so; an abort rejects', async () => {
    const down: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const r = await fetchHfConfig('Qwen/Qwen2.5-7B', new AbortController().signal, down);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('could not reach huggingface.co (Failed to fetch)');
    const abort = new AbortController();
    abort.abort();
    await expect(fetchHfConfig('Qwen/Qwen2.5-7B', abort.signal, down)).rejects.toThrow('Failed to fetch');
  });
});
