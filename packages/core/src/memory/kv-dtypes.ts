/**
 * KV-cache element formats: bytes per cached element, plus any per-(token, head) scale.
 * @see memory-notes.md §6 (vLLM AttentionSpec page size, int8/fp8 per-token-head scales) and §7
 *   (llama.cpp `ggml_row_size`: q8_0 = 34/32 B, q4_0 = 18/32 B per element)
 */
export interface KvDtype {
  readonly id: string;
  readonly bytesPerElement: number;
  /** Scale bytes per cached token per KV head, for K and for V separately (0: per-tensor or none). */
  readonly scaleBytesPerTokenHead: number;
  readonly source: string;
}

export const KV_DTYPES = {
  fp32: { id: 'fp32', bytesPerElement: 4, scaleBytesPerTokenHead: 0, source: 'IEEE binary32' },
  bf16: { id: 'bf16', bytesPerElement: 2, scaleBytesPerTokenHead: 0, source: 'bfloat16' },
  fp16: {
    id: 'fp16',
    bytesPerElement: 2,
    scaleBytesPerTokenHead: 0,
    source: 'IEEE binary16 (llama.cpp default f16)',
  },
  fp8: {
    id: 'fp8',
    bytesPerElement: 1,
    scaleBytesPerTokenHead: 0,
    source: 'vLLM kv_cache_dtype fp8 (e4m3/e5m2): per-tensor scales only',
  },
  int8: {
    id: 'int8',
    bytesPerElement: 1,
    scaleBytesPerTokenHead: 4,
    source:
      'vLLM AttentionSpec: + 2·block·Hkv·4 B fp32 scales for per-token-head int8 KV (memory-notes.md §6)',
  },
  q8: {
    id: 'q8',
    bytesPerElement: 34 / 32,
    scaleBytesPerTokenHead: 0,
    source: 'llama.cpp -ctk/-ctv q8_0: 34 bytes per 32 elements',
  },
  q4: {
    id: 'q4',
    bytesPerElement: 18 / 32,
    scaleBytesPerTokenHead: 0,
    source: 'llama.cpp -ctk/-ctv q4_0: 18 bytes per 32 elements',
  },
} as const satisfies Record<string, KvDtype>;

export type KvDtypeId = keyof typeof KV_DTYPES;

export function isKvDtypeId(id: string): id is KvDtypeId {
  return Object.hasOwn(KV_DTYPES, id);
}
