import { describe, expect, it } from 'vitest';
import {
  decodeBf16,
  decodeE8m0,
  decodeFloat,
  decodeFp16,
  decodeTable,
  encodeBf16,
  encodeE8m0,
  encodeFloat,
  encodeFp16,
  FLOAT_FORMATS,
} from './float-formats.js';

const { e4m3: E4M3, e5m2: E5M2, e2m1: E2M1 } = FLOAT_FORMATS;

describe('FP8 E4M3fn decode table (OCP OFP8 rev 1.0, Table 1 and §5.3.1)', () => {
  it.each([
    ['0x00 = +0', 0x00, 0],
    ['0x01 = min subnormal 2^-9', 0x01, 2 ** -9],
    ['0x07 = max subnormal 0.875 × 2^-6', 0x07, 0.875 * 2 ** -6],
    ['0x08 = min normal 2^-6', 0x08, 2 ** -6],
    ['0x38 = 1.0', 0x38, 1],
    ['0x3C = 1.5', 0x3c, 1.5],
    ['0x7E = max normal 448', 0x7e, 448],
    ['0xFE = −448', 0xfe, -448],
    ['0x77 = 240 (E=14, M=7)', 0x77, 240],
    ['0x80 = −0', 0x80, -0],
  ])('%s', (_label, code, value) => {
    expect(Object.is(decodeFloat(E4M3, code), value)).toBe(true);
  });
  it('has exactly two NaNs (S.1111.111) and no infinities', () => {
    const table = Array.from(decodeTable(E4M3));
    expect(table.map((v, c) => (Number.isNaN(v) ? c : -1)).filter((c) => c >= 0)).toEqual([0x7f, 0xff]);
    expect(table.some((v) => !Number.isFinite(v) && !Number.isNaN(v))).toBe(false);
    expect(E4M3.maxFinite).toBe(448);
  });
  it('round-trips every non-NaN code and is monotonic on the positive half', () => {
    const table = decodeTable(E4M3);
    for (let c = 0; c < 256; c++) {
      const v = table[c] ?? NaN;
      if (!Number.isNaN(v)) expect(encodeFloat(E4M3, v)).toBe(c);
    }
    for (let c = 1; c < 0x7f; c++) expect(table[c] ?? 0).toBeGreaterThan(table[c - 1] ?? 0);
  });
});

describe('FP8 E5M2 decode table (OCP OFP8 rev 1.0, Table 1)', () => {
  it.each([
    ['0x01 = min subnormal 2^-16', 0x01, 2 ** -16],
    ['0x03 = max subnormal 0.75 × 2^-14', 0x03, 0.75 * 2 ** -14],
    ['0x04 = min normal 2^-14', 0x04, 2 ** -14],
    ['0x3C = 1.0', 0x3c, 1],
    ['0x7B = max normal 57344', 0x7b, 57344],
    ['0x7C = +inf', 0x7c, Infinity],
    ['0xFC = −inf', 0xfc, -Infinity],
  ])('%s', (_label, code, value) => {
    expect(decodeFloat(E5M2, code)).toBe(value);
  });
  it('has six NaNs (exponent 11111, mantissa ≠ 0) and round-trips every other code', () => {
    const table = decodeTable(E5M2);
    expect(Array.from(table).filter((v) => Number.isNaN(v))).toHaveLength(6);
    for (let c = 0; c < 256; c++) {
      const v = table[c] ?? NaN;
      if (!Number.isNaN(v)) expect(encodeFloat(E5M2, v, false)).toBe(c);
    }
  });
});

describe('FP8 rounding and overflow (OCP OFP8 §5.4: RNE; saturating vs non-saturating)', () => {
  it.each([
    ['E4M3 1 + 1/16 is a tie → 1.0 (even)', E4M3, 1 + 1 / 16, true, 0x38],
    ['E4M3 1 + 3/16 is a tie → 1.25 (even)', E4M3, 1 + 3 / 16, true, 0x3a],
    ['E4M3 500 saturates to 448', E4M3, 500, true, 0x7e],
    ['E4M3 464 (tie between 448 and 480) → 448 non-saturating', E4M3, 464, false, 0x7e],
    ['E4M3 465 overflows to NaN non-saturating', E4M3, 465, false, 0x7f],
    ['E4M3 −1000 saturates to −448', E4M3, -1000, true, 0xfe],
    ['E4M3 2^-10 is a tie between 0 and 2^-9 → 0', E4M3, 2 ** -10, true, 0x00],
    ['E4M3 3 × 2^-10 → 2 × 2^-9 (even)', E4M3, 3 * 2 ** -10, true, 0x02],
    ['E5M2 61440 (tie 57344/65536) → inf non-saturating', E5M2, 61440, false, 0x7c],
    ['E5M2 61440 saturates to 57344', E5M2, 61440, true, 0x7b],
    ['E5M2 60000 → 57344', E5M2, 60000, false, 0x7b],
    ['E5M2 +inf saturates to 57344', E5M2, Infinity, true, 0x7b],
  ])('%s', (_label, fmt, x, saturate, code) => {
    expect(encodeFloat(fmt, x, saturate)).toBe(code);
  });
});

describe('FP4 E2M1 (OCP MX v1.0 §5.3.3)', () => {
  it('codes 0–7 are {0, 0.5, 1, 1.5, 2, 3, 4, 6} and 8–15 their negatives', () => {
    const table = Array.from(decodeTable(E2M1));
    expect(table.slice(0, 8)).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(table.slice(9)).toEqual([-0.5, -1, -1.5, -2, -3, -4, -6]);
    expect(Object.is(table[8], -0)).toBe(true);
  });
  it.each([
    ['2.5 is a tie → 2 (even mantissa)', 2.5, 4],
    ['3.5 is a tie → 4', 3.5, 6],
    ['5 is a tie → 4 (even)', 5, 6],
    ['0.25 is a tie → 0', 0.25, 0],
    ['0.75 is a tie → 1', 0.75, 2],
    ['100 saturates to 6', 100, 7],
    ['−5.5 → −6', -5.5, 15],
  ])('%s', (_label, x, code) => {
    expect(encodeFloat(E2M1, x)).toBe(code);
  });
});

describe('IEEE binary16 and bfloat16: round to nearest, ties to even (IEEE 754-2019 §4.3.1)', () => {
  it.each([
    ['1.0', 1, 0x3c00],
    ['65504 (max)', 65504, 0x7bff],
    ['1 + 2^-11 is a tie → 1.0', 1 + 2 ** -11, 0x3c00],
    ['1 + 3 × 2^-11 is a tie → 1 + 2^-9', 1 + 3 * 2 ** -11, 0x3c02],
    ['65519 → 65504', 65519, 0x7bff],
    ['65520 is a tie → 65536 = inf', 65520, 0x7c00],
    ['2^-24 (min subnormal)', 2 ** -24, 0x0001],
    ['2^-25 is a tie → +0', 2 ** -25, 0x0000],
    ['3 × 2^-25 is a tie → 2 × 2^-24', 3 * 2 ** -25, 0x0002],
    ['−2', -2, 0xc000],
    ['NaN', NaN, 0x7e00],
  ])('fp16 %s', (_label, x, bits) => {
    expect(encodeFp16(x)).toBe(bits);
  });
  it.each([
    ['1.0', 1, 0x3f80],
    ['1 + 2^-8 is a tie → 1.0', 1 + 2 ** -8, 0x3f80],
    ['1 + 3 × 2^-8 is a tie → 1 + 2^-6', 1 + 3 * 2 ** -8, 0x3f82],
    ['3.140625 (π in bf16)', Math.PI, 0x4049],
    ['−inf', -Infinity, 0xff80],
    ['float32 max rounds to inf', 3.4028234663852886e38, 0x7f80],
  ])('bf16 %s', (_label, x, bits) => {
    expect(encodeBf16(x)).toBe(bits);
  });
  it('decodes what it encodes', () => {
    expect(decodeFp16(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(decodeBf16(0x4049)).toBe(3.140625);
    expect(Number.isNaN(decodeBf16(encodeBf16(NaN)))).toBe(true);
    expect(decodeFloat(FLOAT_FORMATS.bf16, 0x4049)).toBe(3.140625);
  });
});

describe('E8M0 scales (OCP MX v1.0 §5.4.1)', () => {
  it.each([
    [127, 1],
    [0, 2 ** -127],
    [254, 2 ** 127],
    [130, 8],
  ])('code %i = %d', (code, value) => {
    expect(decodeE8m0(code)).toBe(value);
    expect(encodeE8m0(Math.log2(value))).toBe(code);
  });
  it('0xFF is NaN', () => {
    expect(Number.isNaN(decodeE8m0(0xff))).toBe(true);
  });
});

describe('full FP8 decode tables against an independent bit-level construction', () => {
  // Normal codes re-biased into float32 bits (sign, exponent − bias + 127, mantissa shifted up);
  // subnormals as mantissa × 2^(1 − bias − mantissaBits): a route that shares no code with decodeFloat.
  function viaFloat32Bits(code: number, e: number, m: number, bias: number): number {
    const sign = (code >> (e + m)) & 1;
    const exp = (code >> m) & ((1 << e) - 1);
    const man = code & ((1 << m) - 1);
    if (exp === 0) return (sign ? -1 : 1) * man * 2 ** (1 - bias - m);
    const bits = new Uint32Array([(sign << 31) | ((exp - bias + 127) << 23) | (man << (23 - m))]);
    return new Float32Array(bits.buffer)[0] ?? NaN;
  }
  it.each([
    ['E4M3fn', E4M3, 4, 3, 7, [0x7f, 0xff]],
    ['E5M2', E5M2, 5, 2, 15, [0x7c, 0x7d, 0x7e, 0x7f, 0xfc, 0xfd, 0xfe, 0xff]],
  ] as const)('%s: all 256 codes', (_label, fmt, e, m, bias, special) => {
    const table = decodeTable(fmt);
    for (let code = 0; code < 256; code++) {
      if ((special as readonly number[]).includes(code)) continue;
      expect(Object.is(table[code], viaFloat32Bits(code, e, m, bias))).toBe(true);
    }
  });
});
