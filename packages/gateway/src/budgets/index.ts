export {
  minuteOf,
  type Admission,
  type AdmissionRequest,
  type BudgetBalance,
  type BudgetStore,
  type DenyCode,
  type Settlement,
} from './budget-store.js';
export {
  DENY_MESSAGES,
  KeyBudgets,
  periodOf,
  worstCaseNanoUsd,
  type BudgetPeriod,
  type KeyPolicy,
  type Reservation,
} from './key-budgets.js';
export { MemoryBudgetStore } from './memory-budget-store.js';
export { RedisBudgetStore } from './redis-budget-store.js';
