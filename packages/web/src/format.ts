const GB = 1e9;

// One formatter per number of digits: toLocaleString with options builds a new Intl.NumberFormat on
// every call (about 0.1 ms each, a fit table makes hundreds); format() gives the same text.
const formatters = new Map<number, Intl.NumberFormat>();

function decimals(n: number, digits: number): string {
  let f = formatters.get(digits);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    formatters.set(digits, f);
  }
  return f.format(n);
}

/** Bytes in decimal GB (as GPU datasheets print them). */
export const formatBytes = (bytes: number): string =>
  bytes >= 1e8 ? `${decimals(bytes / GB, 2)} GB` : `${decimals(bytes / 1e6, 1)} MB`;

export const formatMs = (ms: number): string => `${decimals(ms, ms < 10 ? 2 : 1)} ms`;

export const formatUsd = (usd: number): string => `$${decimals(usd, usd < 1 ? 4 : 2)}`;

export const formatPerSecond = (n: number, unit: string): string => `${decimals(n, 0)} ${unit}/s`;

/** A count with a B/M/K suffix (8.03 B parameters). */
export function formatCount(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e9) return `${decimals(n / 1e9, 2)} B`;
  if (n >= 1e6) return `${decimals(n / 1e6, 1)} M`;
  if (n >= 1e3) return `${decimals(n / 1e3, 1)} K`;
  return String(n);
}

export const formatTokens = (n: number | null): string =>
  n === null ? '—' : `${n.toLocaleString('en-US')} tokens`;
