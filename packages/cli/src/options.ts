import {
  ENGINE_PROFILES,
  invalidInput,
  isEngineId,
  isKvDtypeId,
  KV_DTYPES,
  resolvePrecision,
  type EngineId,
  type KvDtypeId,
  type ResolvedPrecision,
} from '@costwise/core';

/** A positive integer flag value: digits, optionally with k/K (×1024) or scientific notation (8e3). */
export function parsePositiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const kilo = /^(\d+)[kK]$/.exec(text);
  const n = kilo?.[1] ? Number(kilo[1]) * 1024 : Number(text);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 1) {
    throw invalidInput(flag, `"${value}" is not a positive integer (e.g. 4096, 8k or 7e9)`);
  }
  if (n > Number.MAX_SAFE_INTEGER) throw invalidInput(flag, `${value} is too large`);
  return n;
}

export function parseNonNegative(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!Number.isFinite(n) || n < 0) throw invalidInput(flag, `"${value}" is not a non-negative number`);
  return n;
}

export function parseChoice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (!(choices as readonly string[]).includes(v))
    throw invalidInput(flag, `"${value}" is not one of ${choices.join(', ')}`);
  return v as T;
}

/** `--precision`: a precision id or gguf:<TYPE>, resolved to its bits and block layout. */
export function parsePrecision(value: string | undefined, fallback = 'bf16'): ResolvedPrecision {
  const id = value ?? fallback;
  const precision = resolvePrecision(id);
  if (!precision)
    throw invalidInput(
      '--precision',
      `unknown precision "${id}"; use fp32, fp16, bf16, fp8, int8, int4, nf4, fp4, ternary or gguf:<TYPE>`,
    );
  return precision;
}

/** `--engine` and `--kv-dtype` together: the KV dtype defaults to fp16 on llama.cpp, bf16 elsewhere. */
export function parseEngineAndKv(
  engineFlag: string | undefined,
  kvFlag: string | undefined,
): { readonly engine: EngineId; readonly kvDtype: KvDtypeId } {
  const engine = engineFlag ?? 'vllm';
  if (!isEngineId(engine))
    throw invalidInput('--engine', `"${engine}" is not one of ${Object.keys(ENGINE_PROFILES).join(', ')}`);
  const kvDtype = kvFlag ?? (engine === 'llamacpp' ? 'fp16' : 'bf16');
  if (!isKvDtypeId(kvDtype))
    throw invalidInput('--kv-dtype', `"${kvDtype}" is not one of ${Object.keys(KV_DTYPES).join(', ')}`);
  return { engine, kvDtype };
}
