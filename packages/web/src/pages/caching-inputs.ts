import {
  cachedTrafficCost,
  CACHE_POLICIES,
  compareTtls,
  invalidInput,
  requestCost,
  resolvePrice,
  simulateCache,
  ZERO_USAGE,
  type ArrivalProcess,
  type CachedTrafficCost,
  type CachePolicy,
  type PromptShape,
  type ResolvedPrice,
  type SimulatedCache,
} from '@costwise/core';
import type { Route } from '../url-state.js';
import { numberField, splitModelRef } from './forecast-fields.js';

export const CACHING_DEFAULTS = {
  model: 'anthropic:claude-sonnet-4-5',
  prefix: '10000',
  dynamic: '500',
  output: '300',
  arrival: 'poisson',
  rate: '12',
  jitter: '0',
  ttl: '5m',
} as const;
export type CachingField = keyof typeof CACHING_DEFAULTS;

export const ARRIVAL_KINDS = ['poisson', 'periodic'] as const;
export type ArrivalKind = (typeof ARRIVAL_KINDS)[number];
/** No caching: every request pays the whole prompt at the input price. */
export const NO_TTL = 'none';
/** The simulation's seed and length: reproducible numbers, small enough to rerun as the inputs change. */
export const SIMULATION_SEED = 1;
export const SIMULATED_REQUESTS = 20_000;
/** Arrival rates of the chart, requests per hour. */
export const SWEEP_RATES_PER_HOUR = [
  0.25, 0.5, 1, 2, 4, 8, 12, 20, 30, 60, 120, 300, 600, 1800, 3600,
] as const;
const MAX_TOKENS = 10_000_000;

/** The fields as typed, defaults filled in. */
export function cachingForm(params: Route['params']): Record<CachingField, string> {
  const out = { ...CACHING_DEFAULTS } as Record<CachingField, string>;
  for (const k of Object.keys(CACHING_DEFAULTS) as CachingField[]) {
    const v = params[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The provider's cache policy, looked up from the model reference's provider (capabilities as data). */
export function policyOf(ref: string): { providerId: string; modelId: string; policy: CachePolicy } {
  const { providerId, modelId } = splitModelRef(ref, 'model');
  const policy = CACHE_POLICIES[providerId];
  if (policy === undefined)
    throw invalidInput(
      'model',
      `no prompt-cache policy is recorded for "${providerId}"; use a model of ${Object.keys(CACHE_POLICIES).join(', ')}`,
    );
  return { providerId, modelId, policy };
}

/** Requests per hour as the core's arrival process: Poisson at that rate, or one every 3600/rate s ± jitter. */
export function arrivalsOf(kind: ArrivalKind, ratePerHour: number, jitterSeconds: number): ArrivalProcess {
  return kind === 'poisson'
    ? { kind: 'poisson', requestsPerSecond: ratePerHour / 3600 }
    : { kind: 'periodic', intervalSeconds: 3600 / ratePerHour, jitterSeconds };
}

export interface CachingInputs {
  readonly ref: string;
  readonly policy: CachePolicy;
  readonly price: ResolvedPrice;
  readonly prompt: PromptShape;
  readonly arrivalKind: ArrivalKind;
  readonly ratePerHour: number;
  readonly jitterSeconds: number;
  readonly arrivals: ArrivalProcess;
  /** A TTL the provider offers, or NO_TTL. */
  readonly ttl: string;
}

/** The page's inputs, checked; a bad one throws an error naming its field and the fix. */
export function cachingInputs(params: Route['params']): CachingInputs {
  const f = cachingForm(params);
  const ref = f.model.trim();
  const { providerId, modelId, policy } = policyOf(ref);
  const price = resolvePrice(providerId, modelId);
  const tokens = (key: CachingField): number =>
    numberField(params, key, CACHING_DEFAULTS[key], { min: 0, max: MAX_TOKENS, integer: true });
  const prompt = {
    prefixTokens: tokens('prefix'),
    dynamicTokens: tokens('dynamic'),
    outputTokens: tokens('output'),
  };
  if (!(ARRIVAL_KINDS as readonly string[]).includes(f.arrival))
    throw invalidInput('arrival', `"${f.arrival}" must be one of ${ARRIVAL_KINDS.join(', ')}`);
  const arrivalKind = f.arrival as ArrivalKind;
  const ratePerHour = numberField(params, 'rate', CACHING_DEFAULTS.rate, {
    min: 0,
    aboveMin: true,
    max: 3.6e7,
  });
  const jitterSeconds =
    arrivalKind === 'periodic'
      ? numberField(params, 'jitter', CACHING_DEFAULTS.jitter, { min: 0, max: 3600 / ratePerHour })
      : 0;
  const offered = [NO_TTL, ...Object.keys(policy.ttls)];
  if (!offered.includes(f.ttl))
    throw invalidInput('ttl', `${providerId} offers ${offered.join(', ')}; pick one of them`);
  return {
    ref,
    policy,
    price,
    prompt,
    arrivalKind,
    ratePerHour,
    jitterSeconds,
    arrivals: arrivalsOf(arrivalKind, ratePerHour, jitterSeconds),
    ttl: f.ttl,
  };
}

export interface CachingResult {
  readonly inputs: CachingInputs;
  /** The chosen TTL's expected cost per request (null with no caching). */
  readonly chosen: CachedTrafficCost | null;
  readonly hitRate: number;
  readonly usdPerRequest: number;
  readonly uncachedUsdPerRequest: number;
  /** Every TTL the provider offers, cheapest first (compareTtls). */
  readonly comparison: readonly CachedTrafficCost[];
}

/** The prompt-caching simulator's figures: cachedTrafficCost at the chosen TTL, compareTtls over all. */
export function computeCaching(params: Route['params']): CachingResult {
  const i = cachingInputs(params);
  const comparison = compareTtls(i.price, i.policy, i.prompt, i.arrivals);
  const uncachedUsdPerRequest = requestCost(
    {
      ...ZERO_USAGE,
      inputTokens: i.prompt.prefixTokens + i.prompt.dynamicTokens,
      outputTokens: i.prompt.outputTokens,
    },
    i.price,
  ).totalUsd;
  if (i.ttl === NO_TTL)
    return {
      inputs: i,
      chosen: null,
      hitRate: 0,
      usdPerRequest: uncachedUsdPerRequest,
      uncachedUsdPerRequest,
      comparison,
    };
  const chosen = cachedTrafficCost(i.price, i.policy, i.prompt, i.arrivals, i.ttl);
  return {
    inputs: i,
    chosen,
    hitRate: chosen.hitRate,
    usdPerRequest: chosen.usdPerRequest,
    uncachedUsdPerRequest: chosen.uncachedUsdPerRequest,
    comparison,
  };
}

/** The discrete-event simulation of the chosen TTL (simulateCache), with a fixed seed. */
export function simulateChosen(i: CachingInputs): SimulatedCache | null {
  const ttlSeconds = i.policy.ttls[i.ttl];
  if (ttlSeconds === undefined) return null;
  return simulateCache(i.arrivals, ttlSeconds, SIMULATED_REQUESTS, SIMULATION_SEED);
}

/** Expected cost per request of each TTL at each arrival rate of the sweep, for the chart. */
export function rateSweep(i: CachingInputs): { ttl: string; usdPerRequest: number[] }[] {
  return Object.keys(i.policy.ttls).map((ttl) => ({
    ttl,
    usdPerRequest: SWEEP_RATES_PER_HOUR.map(
      (r) =>
        cachedTrafficCost(
          i.price,
          i.policy,
          i.prompt,
          arrivalsOf(i.arrivalKind, r, Math.min(i.jitterSeconds, 3600 / r)),
          ttl,
        ).usdPerRequest,
    ),
  }));
}
