/**
 * Typed errors with stable codes (STYLE.md §8). Front ends map codes to exit codes / HTTP statuses:
 * `INVALID_INPUT` and `UNKNOWN_MODEL` are the caller's fault (CLI exit 2), the rest are runtime failures.
 */
export type CostwiseErrorCode = 'INVALID_INPUT' | 'UNKNOWN_MODEL' | 'UNSUPPORTED' | 'INTERNAL';

export class CostwiseError extends Error {
  override readonly name = 'CostwiseError';
  constructor(
    readonly code: CostwiseErrorCode,
    message: string,
    /** Dotted path of the offending field or flag, e.g. `config.num_attention_heads`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Bad input: names the field and says how to fix it. */
export function invalidInput(field: string, problem: string): CostwiseError {
  return new CostwiseError('INVALID_INPUT', `${field}: ${problem}`, field);
}

export function isCostwiseError(value: unknown): value is CostwiseError {
  return value instanceof CostwiseError;
}
