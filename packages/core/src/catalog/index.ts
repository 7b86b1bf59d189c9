import { inspectModel, type InspectReport } from '../arch/index.js';
import type { CatalogModel } from './catalog-model.js';
import { CLOSED_MODELS, resolveClosedModel, type ResolvedClosedModel } from './closed-models.js';
import { DEEPSEEK_MODELS } from './models/deepseek.js';
import { GOOGLE_MODELS } from './models/google.js';
import { META_MODELS } from './models/meta.js';
import { MICROSOFT_MODELS } from './models/microsoft.js';
import { MISTRAL_MODELS } from './models/mistral.js';
import { OTHERS_MODELS } from './models/others.js';
import { QWEN_MODELS } from './models/qwen.js';

export { CatalogModelSchema } from './catalog-model.js';
export type { CatalogModel, OpenModelFamily, PublishedActive, PublishedCount } from './catalog-model.js';
export { CLOSED_MODELS, resolveClosedModel } from './closed-models.js';
export type { ClosedModel, ResolvedClosedModel } from './closed-models.js';
export { findGpu, GPU_ALIASES, GPU_SOURCES, GPUS, isGpuId } from './gpus.js';
export type { GpuId, GpuSpec } from './gpus.js';
export {
  findGgmlType,
  GGML_TYPES,
  GGUF_RECIPES,
  ggmlTensorBytes,
  PRECISIONS,
  resolvePrecision,
  storedBitsPerWeight,
} from './precisions.js';
export type { GgmlType, PrecisionId, PrecisionSpec, ResolvedPrecision, TensorRole } from './precisions.js';

/** Every open-weight model of the landscape catalog. */
export const OPEN_MODELS: readonly CatalogModel[] = [
  ...META_MODELS,
  ...MISTRAL_MODELS,
  ...QWEN_MODELS,
  ...GOOGLE_MODELS,
  ...MICROSOFT_MODELS,
  ...DEEPSEEK_MODELS,
  ...OTHERS_MODELS,
];

export function findCatalogModel(id: string): CatalogModel | undefined {
  const key = id.trim().toLowerCase();
  return OPEN_MODELS.find((m) => m.id === key);
}

export function findClosedModel(id: string): ResolvedClosedModel | undefined {
  const key = id.trim().toLowerCase();
  const m = CLOSED_MODELS.find((c) => c.id === key);
  return m ? resolveClosedModel(m) : undefined;
}

/** The exact architecture report of a catalog model. */
export function inspectCatalogModel(m: CatalogModel): InspectReport {
  return inspectModel({
    source: 'catalog',
    id: m.id,
    name: m.name,
    family: m.family,
    config: m.config,
    contextTokens: m.contextTokens,
  });
}

/** One row of `costwise models --json` (a public contract: add fields, never rename). */
export interface LandscapeRow {
  readonly id: string;
  readonly name: string;
  readonly family: InspectReport['family'];
  readonly paramsTotal: number | null;
  readonly paramsActive: number | null;
  readonly contextTokens: number | null;
  readonly license: string;
  readonly source: string;
  readonly releaseDate: string | null;
  readonly hfRepo: string | null;
  readonly kvBytesPerToken16Bit: number | null;
  readonly pricesRecord: string | null;
}

/** The landscape: every catalog model with its exact counts (closed models: context and price link). */
export function landscape(filter?: { readonly family?: InspectReport['family'] }): LandscapeRow[] {
  const open: LandscapeRow[] = OPEN_MODELS.map((m) => {
    const r = inspectCatalogModel(m);
    return {
      id: m.id,
      name: m.name,
      family: m.family,
      paramsTotal: r.params.total,
      paramsActive: r.params.activePerToken,
      contextTokens: m.contextTokens,
      license: m.license,
      source: `https://huggingface.co/${m.hfRepo}`,
      releaseDate: m.releaseDate,
      hfRepo: m.hfRepo,
      kvBytesPerToken16Bit: r.kvCache.bytesPerToken16Bit,
      pricesRecord: null,
    };
  });
  const closed: LandscapeRow[] = CLOSED_MODELS.map((c) => {
    const r = resolveClosedModel(c);
    return {
      id: r.id,
      name: r.name,
      family: 'closed',
      paramsTotal: null,
      paramsActive: null,
      contextTokens: r.contextTokens,
      license: 'proprietary',
      source: `@pydantic/genai-prices ${r.prices.providerId}/${r.prices.modelId}`,
      releaseDate: null,
      hfRepo: null,
      kvBytesPerToken16Bit: null,
      pricesRecord: `${r.prices.providerId}/${r.prices.modelId}`,
    };
  });
  const rows = [...open, ...closed];
  return filter?.family ? rows.filter((r) => r.family === filter.family) : rows;
}
