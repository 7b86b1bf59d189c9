import {
  chooseThreshold,
  requestCost,
  scorePrompt,
  ZERO_USAGE,
  type RouterModel,
  type ThresholdTarget,
} from '@costwise/core';
import type { RouteConfig } from '../config/index.js';
import type { RoutedModel } from '../http/gateway-context.js';
import { conversationId, type ConversationAffinity } from './affinity.js';
import type { CircuitBreakers } from './circuit-breaker.js';

/** Where a request goes: its targets in the order to try them, and why. */
export interface RoutePlan {
  readonly route: string | null;
  readonly strategy: RouteConfig['strategy'] | null;
  /** e.g. `strong`, `weak`, `cheapest`, `fallback` (the proxy appends the target that answered). */
  readonly decision: string | null;
  readonly reason: string | null;
  readonly targets: readonly RoutedModel[];
  readonly backoffMs: number;
  readonly conversation: string | null;
}

/** Sizes of a request, estimated from its body before any tokenizer runs. */
export interface RequestEstimate {
  /** UTF-8 bytes of the body: an upper bound on text input tokens (a token is at least one byte). */
  readonly inputTokensBound: number;
  /** Expected input tokens: bytes / 4 (OpenAI's rule of thumb of ~4 characters per token in English). */
  readonly inputTokens: number;
  /** Expected tokens of every message but the last: what a warm prompt cache can serve. */
  readonly prefixTokens: number;
  /** The request's max_tokens or max_completion_tokens, if any. */
  readonly maxTokens: number | null;
}

const BYTES_PER_TOKEN = 4;

export function estimateRequest(body: Readonly<Record<string, unknown>>, bodyBytes: number): RequestEstimate {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  const last = messages.length > 0 ? JSON.stringify(messages[messages.length - 1]).length : 0;
  const max = body['max_completion_tokens'] ?? body['max_tokens'];
  return {
    inputTokensBound: bodyBytes,
    inputTokens: Math.ceil(bodyBytes / BYTES_PER_TOKEN),
    prefixTokens: Math.max(0, Math.floor((bodyBytes - last) / BYTES_PER_TOKEN)),
    maxTokens: typeof max === 'number' && Number.isFinite(max) && max > 0 ? Math.floor(max) : null,
  };
}

/** The text of the last user message (both client shapes: a string or text parts). */
export function lastUserText(body: Readonly<Record<string, unknown>>): string {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content))
      return m.content
        .map((p: unknown) => {
          const t = (p as { text?: unknown }).text;
          return typeof t === 'string' ? t : '';
        })
        .join('\n');
  }
  return '';
}

/** A complexity route's router and its score threshold (fixed at start). */
export interface ComplexityRouter {
  readonly model: RouterModel;
  readonly threshold: number;
  readonly thresholdReason: string;
}

export function complexityRouter(model: RouterModel, threshold: number | ThresholdTarget): ComplexityRouter {
  if (typeof threshold === 'number') return { model, threshold, thresholdReason: 'threshold given' };
  const calibration = model.file.calibration;
  if (calibration === null) {
    if ('threshold' in threshold)
      return { model, threshold: threshold.threshold, thresholdReason: 'threshold given' };
    throw new Error('the router file has no calibration curve: give routes[].threshold as a number');
  }
  const c = chooseThreshold(calibration, threshold);
  return { model, threshold: c.threshold, thresholdReason: c.reason };
}

export interface PlannerDeps {
  readonly models: ReadonlyMap<string, RoutedModel>;
  readonly routes: ReadonlyMap<string, RouteConfig>;
  readonly routers: ReadonlyMap<string, ComplexityRouter>;
  readonly breakers: CircuitBreakers;
  readonly affinity: ConversationAffinity;
}

/** Expected cost of a request on a model, USD (null without a price), with a warm prompt cache counted. */
export function expectedCostUsd(
  m: RoutedModel,
  est: RequestEstimate,
  outputTokens: number,
  warm: boolean,
): number | null {
  if (m.price === null) return null;
  const cacheRead = warm && m.provider.capabilities.promptCaching ? est.prefixTokens : 0;
  return requestCost(
    { ...ZERO_USAGE, inputTokens: est.inputTokens, cacheReadTokens: cacheRead, outputTokens },
    m.price,
  ).totalUsd;
}

const pick = (models: ReadonlyMap<string, RoutedModel>, names: readonly string[]): RoutedModel[] =>
  names.flatMap((n) => {
    const m = models.get(n);
    return m === undefined ? [] : [m];
  });

/** Null when the name is neither a route nor a model. */
export function planRoute(
  d: PlannerDeps,
  name: string,
  body: Readonly<Record<string, unknown>>,
  est: RequestEstimate,
): RoutePlan | null {
  const model = d.models.get(name);
  const route = d.routes.get(name);
  if (route === undefined) {
    if (model === undefined) return null;
    return {
      route: null,
      strategy: null,
      decision: null,
      reason: null,
      targets: [model],
      backoffMs: 0,
      conversation: null,
    };
  }
  const conversation = conversationId(route.name, body);
  const warm = d.affinity.warmModel(conversation);
  const base = { route: route.name, strategy: route.strategy, conversation, backoffMs: 0 };
  if (route.strategy === 'fallback') {
    const all = pick(d.models, route.targets);
    const closed = all.filter((m) => !d.breakers.isOpen(m.provider.id));
    const open = all.filter((m) => d.breakers.isOpen(m.provider.id));
    return {
      ...base,
      backoffMs: route.backoffMs,
      decision: 'fallback',
      reason:
        open.length > 0
          ? `circuit open for ${open.map((m) => m.provider.id).join(', ')}: tried last`
          : 'targets in order',
      targets: [...closed, ...open],
    };
  }
  if (route.strategy === 'cheapest') {
    const out = est.maxTokens ?? route.expectedOutputTokens;
    const scored = pick(d.models, route.candidates).map((m) => {
      const fits = m.contextTokens === null || est.inputTokens + (est.maxTokens ?? 0) <= m.contextTokens;
      const isWarm = warm === m.config.name;
      return { m, fits, isWarm, usd: fits ? expectedCostUsd(m, est, out, isWarm) : null };
    });
    const ranked = scored
      .filter((s) => s.fits)
      .sort((a, b) => (a.usd ?? Number.POSITIVE_INFINITY) - (b.usd ?? Number.POSITIVE_INFINITY));
    const best = ranked[0];
    if (best === undefined)
      return {
        ...base,
        decision: 'cheapest',
        reason: `no candidate's context window fits ~${String(est.inputTokens)} input tokens`,
        targets: [],
      };
    const listed = scored
      .map(
        (s) =>
          `${s.m.config.name} ${s.fits ? (s.usd === null ? 'no price' : `$${s.usd.toPrecision(3)}`) : 'too long'}${s.isWarm ? ' (warm cache)' : ''}`,
      )
      .join(', ');
    return { ...base, decision: 'cheapest', reason: `expected ${listed}`, targets: [best.m] };
  }
  const weak = d.models.get(route.weak);
  const strong = d.models.get(route.strong);
  const router = d.routers.get(route.name);
  if (weak === undefined || strong === undefined || router === undefined) return null;
  if (warm === weak.config.name || warm === strong.config.name) {
    const tier = warm === strong.config.name ? 'strong' : 'weak';
    return {
      ...base,
      decision: tier,
      reason: `conversation affinity: the prompt cache on ${warm} is warm`,
      targets: [tier === 'strong' ? strong : weak],
    };
  }
  const { score } = scorePrompt(router.model, lastUserText(body));
  const toStrong = score >= router.threshold;
  return {
    ...base,
    decision: toStrong ? 'strong' : 'weak',
    reason: `score ${score.toFixed(3)} ${toStrong ? '≥' : '<'} threshold ${router.threshold.toFixed(3)} (${router.thresholdReason})`,
    targets: [toStrong ? strong : weak],
  };
}
