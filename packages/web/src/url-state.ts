/** A page and its inputs, as kept in the URL hash (`#/memory?model=llama-3.1-8b&batch=8`). */
export interface Route {
  readonly page: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What every page component receives: its route, and a setter that merges parameters into the URL. */
export interface PageProps {
  readonly route: Route;
  readonly setParams: (params: Readonly<Record<string, string>>) => void;
}

/** The route of a `location.hash`; an empty or unknown hash is the landing page (''). */
export function parseHash(hash: string): Route {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = body.indexOf('?');
  const path = q === -1 ? body : body.slice(0, q);
  const params: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(body.slice(q + 1))) params[k] = v;
  return { page: path.replace(/^\/+|\/+$/g, ''), params };
}

/** The hash of a route; parameters are sorted and empty ones left out, so one plan has one link. */
export function formatHash(route: Route): string {
  const entries = Object.entries(route.params)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => a.localeCompare(b));
  const qs = new URLSearchParams(entries).toString();
  return `#/${route.page}${qs === '' ? '' : `?${qs}`}`;
}

/** A parameter that must be one of `choices`; anything else (or nothing) gives the fallback. */
export function choiceParam<T extends string>(
  params: Route['params'],
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const v = params[key];
  return v !== undefined && (choices as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** A positive integer parameter clamped to [1, max]; not a number gives the fallback. */
export function intParam(params: Route['params'], key: string, fallback: number, max: number): number {
  const v = params[key];
  if (v === undefined || !/^\d+$/.test(v.trim())) return fallback;
  return Math.min(Math.max(1, Number(v)), max);
}

/** A non-negative integer parameter (a token count) capped at max; not a number gives the fallback. */
export function countParam(params: Route['params'], key: string, fallback: number, max: number): number {
  const v = params[key];
  if (v === undefined || !/^\d+$/.test(v.trim())) return fallback;
  return Math.min(Number(v), max);
}
