import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCostwiseError } from '../errors.js';
import { checkSafetensorsHeaderLength, validateSafetensorsHeader } from './safetensors-header.js';

describe('validateSafetensorsHeader (huggingface/safetensors README "Format")', () => {
  it('accepts a valid header and returns offsets relative to the data', () => {
    const h = validateSafetensorsHeader(
      'f',
      JSON.stringify({
        __metadata__: { format: 'pt' },
        a: { dtype: 'BF16', shape: [2, 3], data_offsets: [0, 12] },
        b: { dtype: 'F8_E4M3', shape: [4], data_offsets: [12, 16] },
      }),
      16,
    );
    expect(h.tensors.map((t) => [t.name, t.begin, t.end])).toEqual([
      ['a', 0, 12],
      ['b', 12, 16],
    ]);
    expect(h.metadata).toEqual({ format: 'pt' });
  });
  it.each([
    ['header length beyond the file', () => checkSafetensorsHeaderLength('f', 100n, 50), /bad header length/],
    ['non-JSON', () => validateSafetensorsHeader('f', '{"a":', 0), /not JSON/],
    [
      'unknown dtype',
      () => validateSafetensorsHeader('f', '{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}', 1),
      /unknown dtype "Q4"/,
    ],
    [
      'overlap',
      () =>
        validateSafetensorsHeader(
          'f',
          '{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}',
          6,
        ),
      /overlap/,
    ],
    [
      'beyond the data',
      () => validateSafetensorsHeader('f', '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', 8),
      /beyond the 8 data bytes/,
    ],
  ])('rejects %s with INVALID_INPUT', (_label, run, message) => {
    expect(run).toThrow(message);
  });
  it('never throws anything but INVALID_INPUT on arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(1 << 20), (value, dataBytes) => {
        try {
          validateSafetensorsHeader('f', JSON.stringify(value), dataBytes);
        } catch (error) {
          expect(isCostwiseError(error) && error.code === 'INVALID_INPUT').toBe(true);
        }
      }),
    );
  });
  it('accepted tensors never overlap and lie inside the data (property)', () => {
    const entry = fc.record({
      dtype: fc.constantFrom('U8', 'F16', 'F32'),
      shape: fc.array(fc.nat(4), { maxLength: 2 }),
      data_offsets: fc.tuple(fc.nat(64), fc.nat(64)),
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), entry, { maxKeys: 4 }), fc.nat(64), (h, n) => {
        let tensors;
        try {
          tensors = validateSafetensorsHeader('f', JSON.stringify(h), n).tensors;
        } catch {
          return;
        }
        const ranges = tensors.filter((t) => t.end > t.begin);
        for (const a of ranges)
          for (const b of ranges) if (a !== b) expect(a.end <= b.begin || b.end <= a.begin).toBe(true);
        for (const t of tensors) expect(t.end).toBeLessThanOrEqual(n);
      }),
    );
  });
});
