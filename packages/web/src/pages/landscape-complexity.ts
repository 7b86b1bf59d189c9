import {
  architectureFromConfig,
  complexityCurve,
  findCatalogModel,
  flopsCrossoverTokens,
  landscape,
  moeCostReduction,
  stateBytesPerSequence16Bit,
  type Architecture,
  type ComplexityPoint,
  type LandscapeRow,
} from '@costwise/core';

/** The shortest sequence the complexity chart starts at. */
export const MIN_SEQUENCE_TOKENS = 256;

/**
 * Sequence lengths of the chart: powers of two from 256 up to `maxTokens`, and `maxTokens` itself
 * (so the last point is the context the user asked for).
 */
export function sequenceLengths(maxTokens: number): number[] {
  const lengths: number[] = [];
  for (let n = MIN_SEQUENCE_TOKENS; n < maxTokens; n *= 2) lengths.push(n);
  lengths.push(Math.max(1, maxTokens));
  return lengths;
}

export interface ModelComplexity {
  readonly id: string;
  /** Recurrent (SSM) state bytes per sequence at 16 bits: constant in n; 0 for pure attention. */
  readonly stateBytes16Bit: number;
  readonly curve: readonly ComplexityPoint[];
  /** The last point: the chosen context. */
  readonly atContext: ComplexityPoint;
}

// Catalog configs never change: each architecture is built once (changing the context stays fast).
const ARCHS = new Map<string, Architecture>();

function archOf(id: string): Architecture {
  const known = ARCHS.get(id);
  if (known !== undefined) return known;
  const m = findCatalogModel(id);
  if (m === undefined) throw new Error(`model: "${id}" is not in the catalog`);
  const arch = architectureFromConfig(m.config);
  ARCHS.set(id, arch);
  return arch;
}

/** Prefill FLOPs and cache bytes of a catalog model against sequence length, from core's complexityCurve. */
export function modelComplexity(id: string, lengths: readonly number[]): ModelComplexity {
  const arch = archOf(id);
  const curve = complexityCurve(arch, lengths);
  const atContext = curve[curve.length - 1];
  if (atContext === undefined) throw new Error('context: give at least one sequence length');
  return { id, stateBytes16Bit: stateBytesPerSequence16Bit(arch), curve, atContext };
}

/** Shortest sequence at which model `a` costs more prefill FLOPs than `b` (core's flopsCrossoverTokens). */
export function crossoverTokens(a: string, b: string, maxTokens: number): number | null {
  return flopsCrossoverTokens(archOf(a), archOf(b), maxTokens);
}

export interface MoeRow {
  readonly id: string;
  readonly family: LandscapeRow['family'];
  readonly paramsTotal: number;
  readonly paramsActive: number;
  /** Share of parameters idle per token, 1 − active / total (core's moeCostReduction). */
  readonly saving: number;
}

/** The mixture-of-experts models of core's landscape (MoE and MoE hybrids), largest saving first. */
export function moeRows(): MoeRow[] {
  const rows: MoeRow[] = [];
  for (const r of landscape()) {
    if (r.family !== 'moe' && r.family !== 'hybrid') continue;
    if (r.paramsTotal === null || r.paramsActive === null || r.paramsActive >= r.paramsTotal) continue;
    rows.push({
      id: r.id,
      family: r.family,
      paramsTotal: r.paramsTotal,
      paramsActive: r.paramsActive,
      saving: moeCostReduction(r.paramsActive, r.paramsTotal),
    });
  }
  return rows.sort((x, y) => y.saving - x.saving);
}
