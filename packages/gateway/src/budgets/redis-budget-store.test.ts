import { randomUUID } from 'node:crypto';
import { RedisBudgetStore } from './redis-budget-store.js';
import { budgetStoreSuite } from './_test-budget-store-suite.js';

/** A real Redis (CI and development: 127.0.0.1:6379, or COSTWISE_TEST_REDIS_URL), keys under a per-run prefix. */
export const TEST_REDIS_URL = process.env['COSTWISE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

budgetStoreSuite('redis', async () => {
  const store = await RedisBudgetStore.open(TEST_REDIS_URL, `costwise-test-${randomUUID()}:`);
  const close = store.close.bind(store);
  return Object.assign(store, {
    close: async () => {
      await store.clear();
      await close();
    },
  });
});
