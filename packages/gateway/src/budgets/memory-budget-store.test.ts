import { MemoryBudgetStore } from './memory-budget-store.js';
import { budgetStoreSuite } from './_test-budget-store-suite.js';

budgetStoreSuite('memory', () => Promise.resolve(new MemoryBudgetStore()));
