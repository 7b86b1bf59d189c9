export { MemoryResponseCache } from './memory-response-cache.js';
export { RedisResponseCache } from './redis-response-cache.js';
export { responseCacheKey, type CachedResponse, type ResponseCache } from './response-cache.js';
export { SingleFlight } from './single-flight.js';
export { SqliteResponseCache } from './sqlite-response-cache.js';
