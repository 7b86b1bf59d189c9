import { describe, expect, it } from 'vitest';
import { numberField, parseDecimal, splitModelRef } from './forecast-fields.js';

describe('parseDecimal', () => {
  it.each([
    ['7200', 7200],
    [' 0.25 ', 0.25],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-3', -3],
    ['', Number.NaN],
    [' ', Number.NaN],
    ['12abc', Number.NaN],
    ['0x10', Number.NaN],
  ])('%j → %d', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });
});

describe('numberField', () => {
  it('takes the parameter, else the default', () => {
    expect(numberField({ rate: '2.5' }, 'rate', '12', { min: 0 })).toBe(2.5);
    expect(numberField({}, 'rate', '12', { min: 0 })).toBe(12);
  });
  it.each([
    [{ u: '0' }, { min: 0, aboveMin: true, max: 1 }, 'u: "0" must be a number > 0 and ≤ 1'],
    [{ u: '1.5' }, { min: 0, max: 1 }, 'u: "1.5" must be a number ≥ 0 and ≤ 1'],
    [{ u: 'abc' }, { min: 0 }, 'u: "abc" must be a number ≥ 0'],
    [{ u: '2.5' }, { min: 1, integer: true }, 'u: "2.5" must be a whole number ≥ 1'],
  ])('rejects %j naming the field and the range', (params, range, message) => {
    expect(() => numberField(params, 'u', '1', range)).toThrow(message);
  });
});

describe('splitModelRef', () => {
  it('splits at the first colon and lower-cases the provider, as the CLI does', () => {
    expect(splitModelRef('OpenAI:gpt-4o', 'api')).toEqual({ providerId: 'openai', modelId: 'gpt-4o' });
    expect(splitModelRef('openrouter:meta/llama:free', 'api')).toEqual({
      providerId: 'openrouter',
      modelId: 'meta/llama:free',
    });
  });
  it.each(['gpt-4o', ':gpt-4o', 'openai:'])('rejects %j naming the field', (ref) => {
    expect(() => splitModelRef(ref, 'api')).toThrow(/^api: ".*" must be provider:model/);
  });
});
