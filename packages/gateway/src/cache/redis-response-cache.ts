import { Redis } from 'ioredis';
import type { CachedResponse, ResponseCache } from './response-cache.js';

/** Responses in Redis (SET with PX), shared by every gateway instance pointing at it. */
export class RedisResponseCache implements ResponseCache {
  readonly kind = 'redis';

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  static async open(url: string, prefix = 'costwise:'): Promise<RedisResponseCache> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    return new RedisResponseCache(redis, `${prefix}response:`);
  }

  async get(key: string): Promise<CachedResponse | null> {
    const text = await this.redis.get(this.prefix + key);
    return text === null ? null : (JSON.parse(text) as CachedResponse);
  }

  async set(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', ttlMs);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
