import { describe, expect, it } from 'vitest';
import { findGgmlType } from '../catalog/index.js';
import { gaussian } from './_test-random.js';
import { decodeFp16 } from './float-formats.js';
import { dequantizeGgml, GGML_BLOCKS, q4kScaleMin, quantizeGgml } from './ggml-blocks.js';
import { tensorError } from './metrics.js';

const fp16At = (b: Uint8Array, at: number): number => decodeFp16((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8));

describe('ggml block sizes (ggml-common.h static_asserts)', () => {
  it.each([
    ['Q8_0', 34, 32, 8],
    ['Q4_0', 18, 32, 2],
    ['Q4_K', 144, 256, 12],
  ] as const)('%s: %i bytes per %i values, ggml_type %i', (type, bytes, elements, id) => {
    expect(GGML_BLOCKS[type]).toEqual({ ggmlType: id, blockElements: elements, blockBytes: bytes });
    expect(findGgmlType(type)).toMatchObject({ id, blockBytes: bytes, blockElements: elements });
    expect(quantizeGgml(type, gaussian(elements * 3, 1))).toHaveLength(3 * bytes);
  });
});

describe('Q8_0 layout: fp16 d = amax/127, then 32 int8 = roundf(x/d)', () => {
  it('stores d little-endian first and rounds half away from zero (C roundf)', () => {
    const x = new Float32Array(32);
    x[0] = 127;
    x[1] = -127;
    x[2] = 0.5;
    x[3] = -0.5;
    x[4] = 2.5;
    const b = quantizeGgml('Q8_0', x);
    expect([b[0], b[1]]).toEqual([0x00, 0x3c]); // fp16 1.0
    expect(Array.from(b.subarray(2, 7))).toEqual([127, 0x81, 1, 0xff, 3]);
    expect(Array.from(dequantizeGgml('Q8_0', b, 5))).toEqual([127, -127, 1, -1, 3]);
  });
});

describe('Q4_0 layout: d = max/−8, q = min(15, trunc(x/d + 8.5)), x = d(q − 8)', () => {
  it('puts element j in the low nibble and j + 16 in the high nibble of byte j', () => {
    const x = new Float32Array(32);
    x[0] = -8; // the signed max-magnitude value: d = −8 / −8 = 1
    x[16] = 7;
    x[1] = 3;
    x[17] = -3;
    const b = quantizeGgml('Q4_0', x);
    expect(fp16At(b, 0)).toBe(1);
    expect(b[2]).toBe(0 | (15 << 4)); // −8 → 0; 7 → 15
    expect(b[3]).toBe(11 | (5 << 4)); // 3 → 11; −3 → 5
    const y = dequantizeGgml('Q4_0', b, 32);
    expect([y[0], y[16], y[1], y[17]]).toEqual([-8, 7, 3, -3]);
  });
});

describe('Q4_K layout: 6-bit scales and mins packed in 12 bytes (get_scale_min_k4)', () => {
  it('reads sub-blocks 0–3 from the low 6 bits and 4–7 from nibbles plus the top 2 bits', () => {
    const s = new Uint8Array(12);
    // sub-block 1: sc 5, m 9; sub-block 5: sc 0b110011 (51), m 0b101010 (42)
    s[1] = 5 | (0b11 << 6); // top bits of sc5
    s[5] = 9 | (0b10 << 6); // top bits of m5
    s[9] = 0b0011 | (0b1010 << 4);
    expect(q4kScaleMin(s, 0, 1)).toEqual({ sc: 5, m: 9 });
    expect(q4kScaleMin(s, 0, 5)).toEqual({ sc: 51, m: 42 });
  });
  it('stores d and dmin as fp16 and decodes to within a sub-block step', () => {
    const x = gaussian(256 * 8, 9, 0.05);
    const b = quantizeGgml('Q4_K', x);
    const y = dequantizeGgml('Q4_K', b, x.length);
    expect(fp16At(b, 0)).toBeGreaterThan(0);
    expect(tensorError(x, y).snrDb).toBeGreaterThan(17);
  });
  it('pads a short last block with zeros and trims it on decode', () => {
    const x = gaussian(300, 2);
    const b = quantizeGgml('Q4_K', x);
    expect(b).toHaveLength(288);
    expect(dequantizeGgml('Q4_K', b, 300)).toHaveLength(300);
  });
});
