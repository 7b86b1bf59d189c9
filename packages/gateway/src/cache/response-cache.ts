import { createHash } from 'node:crypto';
import type { CanonicalUsage } from '@costwise/core';

/** A response the gateway served once and may serve again. */
export interface CachedResponse {
  /** The client-shaped JSON body. */
  readonly body: string;
  readonly provider: string;
  readonly upstreamModel: string;
  readonly usage: CanonicalUsage;
  /** What the original upstream call cost (null = unknown): a hit's "would have cost". */
  readonly costNanoUsd: number | null;
}

/** Exact-match response cache (one implementation per store, one conformance suite). */
export interface ResponseCache {
  readonly kind: string;
  get(key: string): Promise<CachedResponse | null>;
  set(key: string, value: CachedResponse, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

// Fields that change how the answer is delivered or labelled, not what it says.
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata']);

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/**
 * The cache key of a request after routing: SHA-256 of the client shape, the provider and the native
 * body (model, messages, tools, sampling parameters) with its keys sorted and delivery fields dropped.
 */
export function responseCacheKey(
  clientApi: string,
  providerId: string,
  nativeBody: Readonly<Record<string, unknown>>,
): string {
  const kept = Object.fromEntries(Object.entries(nativeBody).filter(([k]) => !IGNORED.has(k)));
  return createHash('sha256')
    .update(JSON.stringify([clientApi, providerId, canonical(kept)]))
    .digest('hex');
}
