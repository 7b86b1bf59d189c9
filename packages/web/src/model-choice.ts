import {
  allGpus,
  architectureFromConfig,
  ENGINE_PROFILES,
  findCatalogModel,
  KV_DTYPES,
  OPEN_MODELS,
  PRECISIONS,
  type Architecture,
  type EngineId,
  type KvDtypeId,
} from '@costwise/core';
import { choiceParam, type Route } from './url-state.js';

export const DEFAULT_MODEL = 'llama-3.1-8b';
export const DEFAULT_GPU = 'h100-sxm';

export const MODEL_OPTIONS = OPEN_MODELS.map((m) => ({ value: m.id, label: `${m.name} (${m.family})` }));
export const MODEL_IDS = OPEN_MODELS.map((m) => m.id);
export const GPU_OPTIONS = allGpus().map((g) => ({ value: g.id, label: g.name }));
export const GPU_IDS = allGpus().map((g) => g.id);
export const PRECISION_IDS = Object.keys(PRECISIONS) as (keyof typeof PRECISIONS)[];
export const KV_DTYPE_IDS = Object.keys(KV_DTYPES) as KvDtypeId[];
export const ENGINE_IDS = Object.keys(ENGINE_PROFILES) as EngineId[];

export interface ChosenModel {
  readonly id: string;
  readonly arch: Architecture;
  /** The model's context window, from the catalog or its config. */
  readonly contextTokens: number | null;
}

export const PASTED_CONFIG_ID = 'pasted config.json';

/** A model whose config.json the page fetched from the Hugging Face Hub (the `hf` parameter). */
export interface FetchedModel {
  /** The repository id, `org/name`. */
  readonly id: string;
  readonly arch: Architecture;
}

/**
 * The model of a page: a pasted Hugging Face config.json (the `config` parameter) when one is given,
 * else a config fetched from the Hub for the `hf` parameter (passed in once fetched), else the catalog
 * model named by `model`, as the CLI resolves a config path, an `hf:` id or a catalog id.
 */
export function chosenModel(params: Route['params'], fetched?: FetchedModel): ChosenModel {
  const pasted = params.config?.trim() ?? '';
  if (pasted !== '') {
    let config: unknown;
    try {
      config = JSON.parse(pasted);
    } catch (error) {
      throw new Error(`config.json: not valid JSON (${(error as Error).message}); paste the whole file`);
    }
    const arch = architectureFromConfig(config, 'config.json');
    return { id: PASTED_CONFIG_ID, arch, contextTokens: arch.maxPositionEmbeddings };
  }
  if (fetched !== undefined)
    return { id: `hf:${fetched.id}`, arch: fetched.arch, contextTokens: fetched.arch.maxPositionEmbeddings };
  const id = choiceParam(params, 'model', MODEL_IDS, DEFAULT_MODEL);
  const m = findCatalogModel(id);
  if (m === undefined) throw new Error(`model: "${id}" is not in the catalog`);
  const arch = architectureFromConfig(m.config);
  return { id: m.id, arch, contextTokens: m.contextTokens ?? arch.maxPositionEmbeddings };
}

/** Engine and KV dtype as the CLI pairs them: the KV dtype defaults to fp16 on llama.cpp, bf16 elsewhere. */
export function engineAndKv(params: Route['params']): { engine: EngineId; kvDtype: KvDtypeId } {
  const engine = choiceParam(params, 'engine', ENGINE_IDS, 'vllm');
  const kvDtype = choiceParam(params, 'kv', KV_DTYPE_IDS, engine === 'llamacpp' ? 'fp16' : 'bf16');
  return { engine, kvDtype };
}
