export { blendedUsdPerMTok, breakEven, fixedMonthlyUsd } from './breakeven.js';
export type { BreakEven, BreakEvenInput, BreakEvenPoint } from './breakeven.js';
