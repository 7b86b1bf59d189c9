export { ConversationAffinity, conversationId, WARM_CACHE_MS } from './affinity.js';
export { CircuitBreakers } from './circuit-breaker.js';
export {
  complexityRouter,
  estimateRequest,
  expectedCostUsd,
  lastUserText,
  planRoute,
  type ComplexityRouter,
  type PlannerDeps,
  type RequestEstimate,
  type RoutePlan,
} from './route-planner.js';
