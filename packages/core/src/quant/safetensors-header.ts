/**
 * Validation of a safetensors header (pure: the CLI reads the bytes). A file is an 8-byte
 * little-endian u64 header length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin,
 * end] }, "__metadata__"?: { string: string } }`, then the data; offsets are relative to the data
 * start, and every tensor's byte range must match shape × dtype size, lie inside the file and not
 * overlap another's.
 * @see huggingface/safetensors README.md "Format"; safetensors/src/tensor.rs (validation rules)
 */
import { z } from 'zod';
import { invalidInput } from '../errors.js';

/** Bytes per element of every safetensors dtype. */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** The dtypes whose values `costwise quant` reads as weights. */
export const FLOAT_SOURCE_DTYPES = ['F32', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2'] as const;
export type FloatSourceDtype = (typeof FLOAT_SOURCE_DTYPES)[number];

export function isFloatSourceDtype(d: string): d is FloatSourceDtype {
  return (FLOAT_SOURCE_DTYPES as readonly string[]).includes(d);
}

/** The largest header the reference implementation accepts (100 MB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte range relative to the start of the data section. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly tensors: readonly SafetensorsTensor[];
  readonly metadata: Readonly<Record<string, string>>;
}

const entrySchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

const metadataSchema = z.record(z.string(), z.string());

function isDtype(d: string): d is SafetensorsDtype {
  return Object.hasOwn(SAFETENSORS_DTYPE_BYTES, d);
}

/**
 * Checks the declared header length against the file before reading it: it must leave room for
 * the JSON inside the file and stay under the reference limit.
 */
export function checkSafetensorsHeaderLength(field: string, headerBytes: bigint, fileBytes: number): number {
  if (fileBytes < 8)
    throw invalidInput(
      field,
      `${fileBytes} bytes is too short for a safetensors file (8-byte header length)`,
    );
  if (headerBytes > BigInt(fileBytes - 8))
    throw invalidInput(
      field,
      `bad header length: ${headerBytes} bytes declared, but only ${fileBytes - 8} follow the 8-byte length; not a safetensors file, or truncated`,
    );
  if (headerBytes > BigInt(MAX_SAFETENSORS_HEADER_BYTES))
    throw invalidInput(field, `header length ${headerBytes} exceeds the 100 MB safetensors limit`);
  if (headerBytes < 2n) throw invalidInput(field, `header length ${headerBytes} cannot hold a JSON object`);
  return Number(headerBytes);
}

/**
 * Parses and validates the header JSON; `dataBytes` is the file size minus 8 minus the header length.
 * Throws INVALID_INPUT naming the file (`field`) and the tensor at fault.
 */
export function validateSafetensorsHeader(field: string, json: string, dataBytes: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw invalidInput(
      field,
      `header is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalidInput(field, 'header must be a JSON object of tensors');
  const tensors: SafetensorsTensor[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata__') {
      const m = metadataSchema.safeParse(value);
      if (!m.success) throw invalidInput(`${field}: __metadata__`, 'must map strings to strings');
      metadata = m.data;
      continue;
    }
    const r = entrySchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw invalidInput(
        `${field}: tensor "${name}"`,
        `${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid entry'}; expected { dtype, shape: [ints], data_offsets: [begin, end] }`,
      );
    }
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = r.data;
    if (!isDtype(dtype))
      throw invalidInput(
        `${field}: tensor "${name}"`,
        `unknown dtype "${dtype}"; safetensors dtypes are ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')}`,
      );
    const elements = shape.reduce((a, b) => a * b, 1);
    const expected = elements * SAFETENSORS_DTYPE_BYTES[dtype];
    if (end < begin || end - begin !== expected)
      throw invalidInput(
        `${field}: tensor "${name}"`,
        `data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} [${shape.join(', ')}] needs ${expected}`,
      );
    if (end > dataBytes)
      throw invalidInput(
        `${field}: tensor "${name}"`,
        `data_offsets end ${end} lies beyond the ${dataBytes} data bytes in the file (truncated?)`,
      );
    tensors.push({ name, dtype, shape, begin, end });
  }
  // Empty tensors take no bytes; every other range must start at or after the furthest end so far.
  const byOffset = tensors.filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  let furthest: SafetensorsTensor | null = null;
  for (const cur of byOffset) {
    if (furthest && cur.begin < furthest.end)
      throw invalidInput(
        field,
        `tensors "${furthest.name}" [${furthest.begin}, ${furthest.end}) and "${cur.name}" [${cur.begin}, ${cur.end}) overlap`,
      );
    if (!furthest || cur.end > furthest.end) furthest = cur;
  }
  return { tensors, metadata };
}
