/**
 * Small floating-point formats, encoded and decoded bit-exactly: IEEE binary16, bfloat16, OCP FP8
 * (E4M3 "fn", E5M2), OCP FP4 (E2M1) and the E8M0 shared scale of the MX formats.
 * Rounding is round-to-nearest, ties to even, from the exact value of the input (a float32 or float64).
 * @see IEEE 754-2019 §4.3.1; OCP 8-bit Floating Point Specification (OFP8) rev 1.0 (2023);
 *      OCP Microscaling Formats (MX) v1.0 (2023) §5
 */

/** How a format spends its all-ones exponent. */
export type SpecialValues =
  /** IEEE: all-ones exponent is ±inf (mantissa 0) or NaN. */
  | 'ieee'
  /** OCP E4M3 "fn": finite only; only S.1111.111 is NaN. */
  | 'fn'
  /** OCP E2M1: every code is a finite number. */
  | 'none';

export interface FloatFormat {
  readonly id: string;
  readonly exponentBits: number;
  readonly mantissaBits: number;
  readonly bias: number;
  readonly special: SpecialValues;
  /** Largest finite magnitude. */
  readonly maxFinite: number;
}

function format(
  id: string,
  exponentBits: number,
  mantissaBits: number,
  bias: number,
  special: SpecialValues,
): FloatFormat {
  const topExponent = 2 ** exponentBits - 1 - bias;
  const mantissaMax = 2 - 2 ** -mantissaBits;
  let maxFinite: number;
  if (special === 'ieee') maxFinite = mantissaMax * 2 ** (topExponent - 1);
  else if (special === 'fn') maxFinite = (mantissaMax - 2 ** -mantissaBits) * 2 ** topExponent;
  else maxFinite = mantissaMax * 2 ** topExponent;
  return { id, exponentBits, mantissaBits, bias, special, maxFinite };
}

export const FLOAT_FORMATS = {
  fp16: format('fp16', 5, 10, 15, 'ieee'),
  bf16: format('bf16', 8, 7, 127, 'ieee'),
  e4m3: format('e4m3', 4, 3, 7, 'fn'),
  e5m2: format('e5m2', 5, 2, 15, 'ieee'),
  e2m1: format('e2m1', 2, 1, 1, 'none'),
} as const satisfies Record<string, FloatFormat>;

export type FloatFormatId = keyof typeof FLOAT_FORMATS;

/** Round half to even. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const F64 = new Float64Array(1);
const F64_BITS = new Uint32Array(F64.buffer);

/** floor(log2(a)) for a finite a > 0, exactly (from the float64 exponent field). */
export function exponentOf(a: number): number {
  F64[0] = a;
  const biased = ((F64_BITS[1] ?? 0) >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  return Math.floor(Math.log2(a)); // float64 subnormal: never reached by these formats' inputs
}

/**
 * Encodes `x` into the format's bit pattern (sign in the top bit).
 * `saturate`: overflow goes to ±maxFinite (as FP8 checkpoints cast); otherwise to ±inf, or NaN
 * where the format has no infinity (E4M3fn). E2M1 has neither, so it always saturates.
 * NaN encodes as the format's NaN (E2M1: +0, it has none).
 */
export function encodeFloat(fmt: FloatFormat, x: number, saturate = true): number {
  const m = fmt.mantissaBits;
  const signBit = 1 << (fmt.exponentBits + m);
  const expAllOnes = (1 << fmt.exponentBits) - 1;
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const nanCode =
    fmt.special === 'fn' ? (expAllOnes << m) | ((1 << m) - 1) : (expAllOnes << m) | (1 << (m - 1));
  if (Number.isNaN(x)) return fmt.special === 'none' ? 0 : nanCode;
  const a = Math.abs(x);
  const overflow = (): number => {
    if (saturate || fmt.special === 'none') return sign | encodeFloat(fmt, fmt.maxFinite);
    return fmt.special === 'ieee' ? sign | (expAllOnes << m) : sign | nanCode;
  };
  if (a === Infinity) return overflow();
  if (a === 0) return sign;
  const minExponent = 1 - fmt.bias;
  const e = Math.max(exponentOf(a), minExponent);
  const quantum = 2 ** (e - m);
  const value = roundHalfEven(a / quantum) * quantum;
  if (value > fmt.maxFinite) return overflow();
  if (value === 0) return sign;
  if (value < 2 ** minExponent) return sign | (value / 2 ** (minExponent - m));
  const ve = exponentOf(value);
  const mantissa = value / 2 ** ve - 1;
  return sign | ((ve + fmt.bias) << m) | (mantissa * 2 ** m);
}

/** Decodes a bit pattern of the format into its value (NaN and ±inf included). */
export function decodeFloat(fmt: FloatFormat, bits: number): number {
  const m = fmt.mantissaBits;
  const expAllOnes = (1 << fmt.exponentBits) - 1;
  const sign = (bits >> (fmt.exponentBits + m)) & 1 ? -1 : 1;
  const exp = (bits >> m) & expAllOnes;
  const mantissa = bits & ((1 << m) - 1);
  if (exp === expAllOnes && fmt.special === 'ieee') return mantissa === 0 ? sign * Infinity : NaN;
  if (exp === expAllOnes && fmt.special === 'fn' && mantissa === (1 << m) - 1) return NaN;
  if (exp === 0) return sign * mantissa * 2 ** (1 - fmt.bias - m);
  return sign * (1 + mantissa / 2 ** m) * 2 ** (exp - fmt.bias);
}

/** Every code of an 8-bit-or-narrower format, decoded (index = bit pattern). */
export function decodeTable(fmt: FloatFormat): Float32Array {
  const bits = 1 + fmt.exponentBits + fmt.mantissaBits;
  if (bits > 8) throw new RangeError(`${fmt.id}: decode tables are for formats of 8 bits or fewer`);
  return Float32Array.from({ length: 2 ** bits }, (_, code) => decodeFloat(fmt, code));
}

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

/** float32 → bfloat16 bits, round to nearest even (NaN stays a quiet NaN). */
export function encodeBf16(x: number): number {
  F32[0] = x;
  const u = F32_BITS[0] ?? 0;
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits → value: the top half of a float32. */
export function decodeBf16(bits: number): number {
  F32_BITS[0] = (bits & 0xffff) << 16;
  return F32[0] ?? 0;
}

/** float → IEEE binary16 bits (round to nearest even; overflow → ±inf). */
export function encodeFp16(x: number): number {
  return encodeFloat(FLOAT_FORMATS.fp16, x, false);
}

const FP16_TABLE = Float32Array.from({ length: 65536 }, (_, code) => decodeFloat(FLOAT_FORMATS.fp16, code));

/** IEEE binary16 bits → value. */
export function decodeFp16(bits: number): number {
  return FP16_TABLE[bits & 0xffff] ?? 0;
}

/** A value rounded through binary16 (what storing it as fp16 keeps). */
export function toFp16(x: number): number {
  return decodeFp16(encodeFp16(x));
}

/** OCP MX E8M0 scale: 2^(bits − 127); 0xFF is NaN. */
export function decodeE8m0(bits: number): number {
  return bits === 0xff ? NaN : 2 ** (bits - 127);
}

/** The E8M0 code of 2^exponent, clamped to the representable −127…127. */
export function encodeE8m0(exponent: number): number {
  return Math.max(-127, Math.min(127, exponent)) + 127;
}
