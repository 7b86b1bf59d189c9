import { GPU_DATA, GPU_SOURCES } from './_gpu-data.js';

export { GPU_SOURCES };

export type GpuId = keyof typeof GPU_DATA;
export type GpuSourceKey = keyof typeof GPU_SOURCES;

export interface GpuSpec {
  readonly id: string;
  /** The entry's id in shared/reference/gpus.json. */
  readonly referenceId: string;
  readonly name: string;
  readonly vendor: string;
  readonly formFactor: string | null;
  /** Vendor-decimal GB as printed on the datasheet (80 for an H100). */
  readonly memoryGB: number | null;
  readonly memoryType: string | null;
  readonly memoryBandwidthGBps: number | null;
  /** Dense (no 2:4 sparsity) peak rates; TOPS for integer formats; null when unsourced. */
  readonly denseTflops: Readonly<
    Record<'fp32' | 'tf32' | 'fp16' | 'bf16' | 'fp8' | 'int8' | 'int4' | 'fp4', number | null>
  >;
  readonly interconnect: { readonly type: string | null; readonly bandwidthGBps: number | null } | null;
  readonly tdpW: number | null;
  readonly cloudPrices: readonly {
    readonly provider: string;
    readonly usdPerGpuHour: number;
    readonly date: string | null;
    readonly source: string | null;
  }[];
  readonly sources: readonly string[];
  readonly notes: string;
}

export const GPUS: Readonly<Record<GpuId, GpuSpec>> = GPU_DATA;

/** Short forms PRODUCT.md promises. */
export const GPU_ALIASES: Readonly<Record<string, GpuId>> = { h100: 'h100-sxm', a100: 'a100-80gb' };

export function isGpuId(id: string): id is GpuId {
  return Object.hasOwn(GPUS, id);
}

/** A GPU by id or alias (case-insensitive); undefined when unknown. */
export function findGpu(idOrAlias: string): GpuSpec | undefined {
  const key = idOrAlias.trim().toLowerCase();
  const id = GPU_ALIASES[key] ?? key;
  return isGpuId(id) ? GPUS[id] : undefined;
}
