import { describe, expect, it } from 'vitest';
import { choiceParam, countParam, formatHash, intParam, parseHash } from './url-state.js';

describe('URL state', () => {
  it.each([
    ['', { page: '', params: {} }],
    ['#/', { page: '', params: {} }],
    ['#/memory', { page: 'memory', params: {} }],
    [
      '#/memory?model=llama-3.1-8b&batch=8',
      { page: 'memory', params: { model: 'llama-3.1-8b', batch: '8' } },
    ],
    ['#/perf?gpu=h100-sxm&x=a%20b', { page: 'perf', params: { gpu: 'h100-sxm', x: 'a b' } }],
  ])('parses %j', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it('round-trips a route with sorted parameters, so one plan has one link', () => {
    const hash = formatHash({ page: 'memory', params: { model: 'qwen2.5-7b', batch: '4', context: '8192' } });
    expect(hash).toBe('#/memory?batch=4&context=8192&model=qwen2.5-7b');
    expect(parseHash(hash)).toEqual({
      page: 'memory',
      params: { model: 'qwen2.5-7b', batch: '4', context: '8192' },
    });
  });

  it('leaves empty parameters out of the link', () => {
    expect(formatHash({ page: 'memory', params: { config: '', batch: '2' } })).toBe('#/memory?batch=2');
  });

  it.each([
    ['8', 8],
    ['0', 1],
    ['999999', 1000],
    ['abc', 16],
    ['-3', 16],
    [undefined, 16],
  ])('intParam(%j) is %d (fallback 16, max 1000)', (value, expected) => {
    expect(intParam(value === undefined ? {} : { n: value }, 'n', 16, 1000)).toBe(expected);
  });

  it.each([
    ['0', 0],
    ['1200', 1200],
    ['x', 7],
  ])('countParam(%j) is %d (token counts may be 0)', (value, expected) => {
    expect(countParam({ n: value }, 'n', 7, 1e9)).toBe(expected);
  });

  it('choiceParam refuses values outside its choices', () => {
    const modes = ['inference', 'lora'] as const;
    expect(choiceParam({ mode: 'lora' }, 'mode', modes, 'inference')).toBe('lora');
    expect(choiceParam({ mode: 'nope' }, 'mode', modes, 'inference')).toBe('inference');
  });
});
