import type { CachedResponse, ResponseCache } from './response-cache.js';

/** Responses in this process, oldest stored dropped first beyond `maxEntries`. */
export class MemoryResponseCache implements ResponseCache {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { value: CachedResponse; untilMs: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): Promise<CachedResponse | null> {
    const e = this.entries.get(key);
    if (e === undefined) return Promise.resolve(null);
    if (e.untilMs <= this.clock()) {
      this.entries.delete(key);
      return Promise.resolve(null);
    }
    return Promise.resolve(e.value);
  }

  set(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, untilMs: this.clock() + ttlMs });
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
