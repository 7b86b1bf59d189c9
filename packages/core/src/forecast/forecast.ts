import { invalidInput } from '../errors.js';
import { requestCost } from '../pricing/cost.js';
import { resolvePrice, type ResolvedPrice } from '../pricing/prices.js';
import { rulesFor } from '../pricing/rules.js';
import { ZERO_USAGE, type CanonicalUsage } from '../pricing/usage.js';
import { DAYS_PER_MONTH, HOURS_PER_MONTH } from './month.js';
import { cacheableTokens, cacheHitRate, CACHE_POLICIES, type CachePolicy } from './cache-sim.js';
import { selfHostedPrices } from './self-hosted.js';
import { cappedMean, mean, type Workload } from './workload.js';

const SECONDS_PER_MONTH = DAYS_PER_MONTH * 86_400;
/** 22 working days × 10 hours. */
const BUSINESS_SECONDS_PER_MONTH = 22 * 10 * 3600;

export type Lever = 'baseline' | 'caching' | 'batch' | 'routing' | 'maxTokens' | 'context';

export interface ForecastStep {
  readonly lever: Lever;
  /** Monthly cost with this lever and every earlier one applied (the running total). */
  readonly usd: number;
  readonly savedUsd: number;
  readonly assumption: string;
}

export interface OptionForecast {
  readonly option: string;
  readonly api: string;
  readonly baselineUsd: number;
  readonly steps: readonly ForecastStep[];
  readonly finalUsd: number;
}

export interface Forecast {
  readonly period: { readonly days: number; readonly requests: number };
  readonly options: readonly OptionForecast[];
  readonly assumptions: readonly string[];
}

interface Settings {
  readonly ttl: string | null;
  readonly batchShare: number;
  readonly routing: { readonly price: ResolvedPrice; readonly share: number } | null;
  readonly maxTokens: number | null;
  readonly contextKept: number;
}

interface Model {
  readonly price: ResolvedPrice;
  readonly policy: CachePolicy | undefined;
  /** Self-hosting: GPUs kept running whatever the traffic (always-on replicas), USD per month. */
  readonly floorUsdPerMonth?: number;
}

function modelFor(api: string, prices?: Readonly<Record<string, number | undefined>>): Model {
  const i = api.indexOf(':');
  const providerId = api.slice(0, i);
  const overrides = prices
    ? Object.fromEntries(Object.entries(prices).filter(([, v]) => v !== undefined))
    : undefined;
  const price = resolvePrice(
    providerId,
    api.slice(i + 1),
    overrides && Object.keys(overrides).length > 0 ? { overrides } : {},
  );
  return { price, policy: CACHE_POLICIES[providerId] };
}

/**
 * Expected cost of one request on `model` carrying `share` of the traffic: averaged over the turns of
 * a conversation, with caching of the static prefix (hit when any request sharing it came within the
 * TTL: Poisson arrivals at the model's request rate) and of the conversation so far (hit when the
 * previous turn came within the TTL); writes where the provider bills them.
 */
function requestUsd(
  w: Workload,
  model: Model,
  s: Settings,
  share: number,
  requestsPerMonth: number,
  batch: boolean,
): number {
  const turns = Math.max(1, Math.round(w.traffic.conversations?.turnsPerConversation ?? 1));
  const gap = w.traffic.conversations?.secondsBetweenTurns ?? Number.POSITIVE_INFINITY;
  const prefix = w.prompt.staticPrefixTokens;
  const dynamic = mean(w.prompt.dynamicTokens) * s.contextKept;
  const historyPerTurn = w.prompt.historyTokensPerTurn * s.contextKept;
  const output = s.maxTokens === null ? mean(w.output.tokens) : cappedMean(w.output.tokens, s.maxTokens);
  const ttlSeconds = s.ttl !== null && model.policy ? model.policy.ttls[s.ttl] : undefined;
  // Business hours: the month's requests arrive within 22 working days of 10 hours.
  const activeSeconds =
    w.traffic.arrival === 'business-hours' ? BUSINESS_SECONDS_PER_MONTH : SECONDS_PER_MONTH;
  const rate = (requestsPerMonth * share) / activeSeconds;
  let total = 0;
  for (let k = 1; k <= turns; k++) {
    const history = (k - 1) * historyPerTurn;
    const usage: { -readonly [K in keyof CanonicalUsage]: number } = {
      ...ZERO_USAGE,
      inputTokens: prefix + history + dynamic,
      outputTokens: output,
    };
    if (ttlSeconds !== undefined && model.policy) {
      const policy = model.policy;
      const writeKey = ttlSeconds > 300 ? 'cacheWrite1hTokens' : 'cacheWrite5mTokens';
      const continuing = k > 1 && gap < ttlSeconds;
      const cachedConversation = continuing ? cacheableTokens(policy, prefix + history) : 0;
      const staticCached = cacheableTokens(policy, prefix);
      const staticHit = continuing
        ? 0
        : cacheHitRate({ kind: 'poisson', requestsPerSecond: rate }, ttlSeconds);
      usage.cacheReadTokens = cachedConversation + (continuing ? 0 : staticHit * staticCached);
      if (policy.writesBilled) {
        // a static miss writes the prefix; a turn that has a next turn writes what it adds
        const newTail =
          k < turns
            ? cacheableTokens(policy, prefix + history + dynamic) - Math.max(cachedConversation, staticCached)
            : 0;
        usage[writeKey] = (continuing ? 0 : (1 - staticHit) * staticCached) + Math.max(0, newTail);
      }
    }
    total += requestCost(usage, model.price, { batch, expected: true }).totalUsd;
  }
  return total / turns;
}

function monthlyUsd(w: Workload, main: Model, s: Settings, requests: number): number {
  const routed = s.routing?.share ?? 0;
  const models: [Model, number][] = [[main, 1 - routed]];
  if (s.routing)
    models.push([{ price: s.routing.price, policy: CACHE_POLICIES[s.routing.price.providerId] }, routed]);
  let usd = 0;
  for (const [m, share] of models) {
    if (share <= 0) continue;
    const batchable = rulesFor(m.price.providerId).batchDiscount !== null ? s.batchShare : 0;
    const perRequest =
      (1 - batchable) * requestUsd(w, m, s, share, requests, false) +
      (batchable > 0 ? batchable * requestUsd(w, m, s, share, requests, true) : 0);
    usd += Math.max(requests * share * perRequest, m.floorUsdPerMonth ?? 0);
  }
  return usd;
}

/**
 * The monthly bill of each option, then the levers applied one at a time in a fixed order — prompt
 * caching, batch, routing, max_tokens, context reduction — each step the running total with every
 * earlier lever applied, so the savings add up to baseline − final.
 */

export function forecast(w: Workload): Forecast {
  const requests = w.traffic.requestsPerMonth ?? (w.traffic.requestsPerDay ?? 0) * DAYS_PER_MONTH;
  const routingModel = w.levers.routing ? modelFor(w.levers.routing.to) : null;
  const assumptions = [
    `a month is ${DAYS_PER_MONTH} days; ${Math.round(requests).toLocaleString('en-US')} requests`,
    w.traffic.arrival === 'business-hours'
      ? 'requests sharing the static prefix arrive as a Poisson process within 22 working days of 10 hours'
      : 'requests sharing the static prefix arrive as a Poisson process at the monthly mean rate',
    'token counts are the workload means (an output sample is cut at max_tokens value by value)',
  ];
  const turns = Math.max(1, Math.round(w.traffic.conversations?.turnsPerConversation ?? 1));
  const meanInputTokens =
    w.prompt.staticPrefixTokens +
    mean(w.prompt.dynamicTokens) +
    (w.prompt.historyTokensPerTurn * (turns - 1)) / 2;
  const meanOutputTokens = mean(w.output.tokens);
  const options = w.options.map((o, i): OptionForecast => {
    let api: string;
    let model: Model;
    if ('selfHosted' in o) {
      const self = selfHostedPrices(
        o.selfHosted,
        meanInputTokens,
        meanOutputTokens,
        `options.${i}.selfHosted`,
      );
      api = `self:${o.selfHosted.model}`;
      // no cache or batch discounts are recorded for self-hosting: those levers count no saving
      const floorUsdPerMonth =
        o.selfHosted.minimumReplicas * o.selfHosted.gpus * o.selfHosted.gpuHourlyUsd * HOURS_PER_MONTH;
      model = {
        ...modelFor(api, { inputMtok: self.inputMtok, outputMtok: self.outputMtok }),
        floorUsdPerMonth,
      };
      assumptions.push(
        `${o.name}: ${self.note}; at least ${o.selfHosted.minimumReplicas} always-on replica(s) of ${o.selfHosted.gpus} GPU(s) for ${HOURS_PER_MONTH} h a month ($${floorUsdPerMonth.toFixed(0)}): the bill is the larger of the two`,
      );
    } else {
      api = o.api;
      model = modelFor(o.api, o.prices);
    }
    const settings: Settings = { ttl: null, batchShare: 0, routing: null, maxTokens: null, contextKept: 1 };
    const baselineUsd = monthlyUsd(w, model, settings, requests);
    const steps: ForecastStep[] = [
      {
        lever: 'baseline',
        usd: baselineUsd,
        savedUsd: 0,
        assumption:
          model.floorUsdPerMonth === undefined
            ? `list prices (${model.price.source}), no caching`
            : 'GPU time from the performance model, or the always-on replicas if more',
      },
    ];
    let current = settings;
    const push = (lever: Lever, next: Settings, assumption: string): void => {
      const prev = steps[steps.length - 1]?.usd ?? baselineUsd;
      const usd = monthlyUsd(w, model, next, requests);
      steps.push({ lever, usd, savedUsd: prev - usd, assumption });
      current = next;
    };
    if (w.levers.caching) {
      const policy = model.policy;
      if (!policy) {
        push(
          'caching',
          current,
          `no prompt-cache policy recorded for ${model.price.providerId}: no saving counted`,
        );
      } else {
        const ttls = w.levers.caching.ttl === 'auto' ? Object.keys(policy.ttls) : [w.levers.caching.ttl];
        if (ttls.some((t) => policy.ttls[t] === undefined)) {
          throw invalidInput(
            'levers.caching.ttl',
            `${model.price.providerId} offers ${Object.keys(policy.ttls).join(', ')}`,
          );
        }
        const best = ttls
          .map((ttl) => ({ ttl, usd: monthlyUsd(w, model, { ...current, ttl }, requests) }))
          .reduce((a, b) => (b.usd < a.usd * (1 - 1e-9) ? b : a));
        push(
          'caching',
          { ...current, ttl: best.ttl },
          `prompt caching with a ${best.ttl} TTL (${policy.source})`,
        );
      }
    }
    if (w.levers.batchShare !== undefined) {
      const rules = rulesFor(model.price.providerId);
      push(
        'batch',
        { ...current, batchShare: w.levers.batchShare },
        rules.batchDiscount === null
          ? `${model.price.providerId} has no batch API: no saving`
          : `${(w.levers.batchShare * 100).toFixed(0)}% of requests through the batch API (−${rules.batchDiscount * 100}%; ${rules.source})`,
      );
    }
    if (w.levers.routing && routingModel) {
      push(
        'routing',
        { ...current, routing: { price: routingModel.price, share: w.levers.routing.share } },
        `${(w.levers.routing.share * 100).toFixed(0)}% of requests routed to ${w.levers.routing.to} (quality assumed equal for them)`,
      );
    }
    if (w.levers.maxTokens !== undefined) {
      push(
        'maxTokens',
        { ...current, maxTokens: w.levers.maxTokens },
        `output capped at max_tokens ${w.levers.maxTokens}`,
      );
    }
    if (w.levers.contextKept !== undefined) {
      push(
        'context',
        { ...current, contextKept: w.levers.contextKept },
        `${(w.levers.contextKept * 100).toFixed(0)}% of the history and dynamic context kept (the static prefix unchanged)`,
      );
    }
    const finalUsd = steps[steps.length - 1]?.usd ?? baselineUsd;
    return { option: o.name, api, baselineUsd, steps, finalUsd };
  });
  return { period: { days: DAYS_PER_MONTH, requests }, options, assumptions };
}
