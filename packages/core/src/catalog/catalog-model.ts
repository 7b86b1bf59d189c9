import { z } from 'zod';
import type { ModelFamily } from '../arch/index.js';

export type OpenModelFamily = Exclude<ModelFamily, 'closed'>;

/** A published parameter count, as its publisher states it. */
export interface PublishedCount {
  readonly value: number;
  /** How it was published: a safetensors total, the Hub's parameter count, a model card's rounded figure, … */
  readonly kind: string;
  readonly note?: string;
}

export interface PublishedActive {
  readonly value: number;
  /** The unit the figure is rounded to (1e8 for "12.9B"). */
  readonly roundedTo: number;
  /** Whether the publisher counts the input embedding matrix; null when it does not say. */
  readonly includesInputEmbedding?: boolean | null;
  readonly source?: string;
  readonly note?: string;
}

/** An open-weight model: its config.json fields (verbatim) and where every fact came from. */
export interface CatalogModel {
  readonly id: string;
  readonly name: string;
  readonly family: OpenModelFamily;
  readonly hfRepo: string;
  readonly license: string;
  readonly releaseDate: string | null;
  /** Longest supported context in tokens; null for state-space models without a fixed limit. */
  readonly contextTokens: number | null;
  readonly config: Readonly<Record<string, unknown>>;
  readonly sources: { readonly config: string; readonly params: string | null };
  readonly published: {
    readonly totalParams: PublishedCount | null;
    readonly activeParams: PublishedActive | null;
  };
  readonly notes: string;
}

/** Schema of a catalog entry (the data files are checked against it in tests). */
export const CatalogModelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  name: z.string().min(1),
  family: z.enum(['dense', 'moe', 'slm', 'ssm', 'hybrid']),
  hfRepo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  license: z.string().min(1),
  releaseDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  contextTokens: z.number().int().positive().nullable(),
  config: z.record(z.string(), z.unknown()),
  sources: z.object({ config: z.string().min(10), params: z.string().min(10).nullable() }),
  published: z.object({
    totalParams: z
      .object({ value: z.number().positive(), kind: z.string(), note: z.string().optional() })
      .nullable(),
    activeParams: z
      .object({
        value: z.number().positive(),
        roundedTo: z.number().positive(),
        includesInputEmbedding: z.boolean().nullable().optional(),
        source: z.string().optional(),
        note: z.string().optional(),
      })
      .nullable(),
  }),
  notes: z.string(),
});
