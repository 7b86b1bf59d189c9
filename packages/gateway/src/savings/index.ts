export { ledgerSavings, pricedModels, savingsContext } from './ledger-savings.js';
export {
  savingsReport,
  strongestOf,
  type PricedModel,
  type SavingsReport,
  type SavingsRow,
} from './savings-report.js';
