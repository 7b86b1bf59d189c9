import type { EngineProfile, RuntimeMemory } from './engines.js';

/** Memory of one parallel layout for a batch and context: what the engine budget holds, and the GPU in all. */
export interface LayoutMemory {
  readonly perGpuBytes: number;
  /** Bytes counted against the engine's budget (weights, KV, and activations + in-budget runtime where it holds them). */
  readonly budgetBytes: number;
  /** The budget bytes that are not KV. */
  readonly nonKvBytes: number;
}

/** Whether a layout's memory fits a GPU under the engine's budget rule, and the headroom in that budget. */
export function fitsOnGpu(
  m: LayoutMemory,
  engine: EngineProfile,
  runtime: RuntimeMemory,
  capacity: number,
  gpus: number,
  memoryFraction?: number,
): { readonly fits: boolean; readonly usableBytes: number; readonly headroomBytes: number } {
  const cap = capacity - runtime.outOfBudgetBytes;
  const usable =
    engine.usableBytes === null
      ? cap - (m.perGpuBytes - runtime.outOfBudgetBytes - m.budgetBytes)
      : Math.min(
          engine.usableBytes(capacity, {
            gpus,
            nonKvBytes: m.nonKvBytes,
            ...(memoryFraction !== undefined ? { memoryFraction } : {}),
          }),
          cap,
        );
  return {
    fits: m.budgetBytes <= usable && m.perGpuBytes <= capacity,
    usableBytes: usable,
    headroomBytes: usable - m.budgetBytes,
  };
}
