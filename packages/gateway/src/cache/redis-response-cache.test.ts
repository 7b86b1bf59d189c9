import { randomUUID } from 'node:crypto';
import { RedisResponseCache } from './redis-response-cache.js';
import { responseCacheSuite } from './_test-response-cache-suite.js';

const REDIS_URL = process.env['COSTWISE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

// keys expire on their own (the longest TTL in the suite is 60 s)
responseCacheSuite('redis', () => RedisResponseCache.open(REDIS_URL, `costwise-test-${randomUUID()}:`));
