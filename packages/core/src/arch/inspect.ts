import type { Architecture } from './architecture.js';
import { architectureFromConfig } from './build.js';
import { moeCostReduction } from './complexity.js';
import { flopsPerToken, flopsPerTokenAt } from './flops.js';
import { configFromGguf, type GgufHeader } from './gguf.js';
import { kvCache, stateBytesPerSequence16Bit, type KvLayer } from './kv-cache.js';
import { countParams } from './params.js';
import { countTensors, type TensorClass, type TensorInfo } from './tensors.js';

export const MODEL_FAMILIES = ['dense', 'moe', 'slm', 'ssm', 'hybrid', 'closed'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];
export type ModelSourceKind = 'catalog' | 'config' | 'safetensors' | 'gguf';

/** Below this many parameters a dense model counts as a small language model (the lecture's 1–4B class). */
export const SLM_MAX_PARAMS = 5e9;

export type ModelInput =
  | {
      readonly source: 'catalog' | 'config';
      readonly id: string;
      readonly name?: string;
      readonly family?: ModelFamily;
      readonly config: unknown;
      readonly contextTokens?: number | null;
    }
  | {
      readonly source: 'safetensors';
      readonly id: string;
      readonly name?: string;
      readonly config: unknown;
      readonly tensors: readonly TensorInfo[];
    }
  | { readonly source: 'gguf'; readonly id: string; readonly header: GgufHeader };

export interface InspectReport {
  readonly id: string;
  readonly name: string;
  readonly family: ModelFamily;
  readonly source: ModelSourceKind;
  readonly modelType: string;
  readonly contextTokens: number | null;
  readonly params: {
    readonly total: number;
    readonly activePerToken: number;
    readonly activePerTokenExcludingEmbeddings: number;
    readonly byComponent: Readonly<Record<string, number>>;
    readonly activeByComponent: Readonly<Record<string, number>>;
    /** From the config alone, when real tensors were counted too. */
    readonly configDerivedTotal: number;
  };
  readonly kvCache: {
    readonly bytesPerToken16Bit: number;
    readonly attentionLayers: number;
    readonly layers: readonly KvLayer[];
  };
  readonly stateBytesPerSequence16Bit: number;
  readonly flopsPerToken: number;
  readonly flops: {
    readonly matmulPerToken: number;
    readonly scanPerToken: number;
    readonly attentionPerContextToken: number;
    readonly perTokenAtContext: readonly { readonly contextTokens: number; readonly flops: number }[];
  };
  readonly moe: null | {
    readonly experts: number;
    readonly expertsPerToken: number;
    readonly sharedExperts: number;
    readonly moeLayers: number;
    readonly costReduction: number;
  };
  readonly layerKinds: Readonly<Record<string, number>>;
  readonly tensors: null | {
    readonly count: number;
    readonly params: number;
    readonly byClass: Readonly<Partial<Record<TensorClass, number>>>;
    readonly dtypes: Readonly<Record<string, number>>;
  };
  readonly warnings: readonly string[];
}

const CONTEXT_POINTS = [512, 2048, 8192, 32768, 131072] as const;

export function inferFamily(arch: Architecture, totalParams: number): Exclude<ModelFamily, 'closed'> {
  const mamba = arch.layers.some((l) => l.mixer.kind === 'mamba');
  const attention = arch.layers.some((l) => l.mixer.kind !== 'mamba' && l.mixer.kind !== 'none');
  if (mamba) return attention ? 'hybrid' : 'ssm';
  if (arch.layers.some((l) => l.mlp.kind === 'moe')) return 'moe';
  return totalParams < SLM_MAX_PARAMS ? 'slm' : 'dense';
}

function quantBits(config: unknown): number {
  const q = (config as { quantization_config?: { bits?: unknown } } | null)?.quantization_config;
  return typeof q?.bits === 'number' && q.bits > 0 ? q.bits : 4;
}

/** Everything `costwise inspect` reports, from a config (and, when given, the real tensors). */
export function inspectModel(input: ModelInput): InspectReport {
  const warnings: string[] = [];
  let arch: Architecture;
  let tensors: readonly TensorInfo[] | null = null;
  let config: unknown;
  if (input.source === 'gguf') {
    const g = configFromGguf(input.header);
    warnings.push(...g.warnings);
    config = g.config;
    arch = architectureFromConfig(g.config, 'gguf');
    tensors = input.header.tensors;
  } else {
    config = input.config;
    arch = architectureFromConfig(input.config);
    if (input.source === 'safetensors') tensors = input.tensors;
  }
  warnings.push(...arch.warnings);
  const counted = countParams(arch);
  let byComponent = counted.byComponent;
  let total = counted.total;
  let tensorReport: InspectReport['tensors'] = null;
  if (tensors) {
    const t = countTensors(tensors, { mainLayers: arch.layers.length, quantBits: quantBits(config) });
    tensorReport = { count: t.tensors, params: t.total, byClass: t.byClass, dtypes: t.dtypes };
    const fromTensors: Record<string, number> = {};
    for (const [k, v] of Object.entries(t.byClass)) {
      if (k !== 'quantization' && k !== 'buffer') fromTensors[k] = v;
    }
    for (const k of new Set([...Object.keys(fromTensors), ...Object.keys(counted.byComponent)])) {
      const real = fromTensors[k] ?? 0;
      const derived = counted.byComponent[k] ?? 0;
      if (real !== derived) {
        warnings.push(
          `${k}: the tensors hold ${real.toLocaleString('en-US')} parameters, the config implies ` +
            `${derived.toLocaleString('en-US')} (${real > derived ? '+' : ''}${(real - derived).toLocaleString('en-US')}); the tensors are used`,
        );
      }
    }
    byComponent = fromTensors;
    total = t.total;
  }
  const kv = kvCache(arch);
  const flops = flopsPerToken(arch);
  const moeLayers = arch.layers.filter((l) => l.mlp.kind === 'moe');
  const firstMoe = moeLayers[0]?.mlp;
  const layerKinds: Record<string, number> = {};
  for (const l of arch.layers) layerKinds[l.mixer.kind] = (layerKinds[l.mixer.kind] ?? 0) + 1;
  // Active = the tensor total minus what the config says a token skips (inactive experts, vision).
  const skipped = counted.total - counted.activePerToken;
  const activePerToken = total - skipped;
  const excluded = counted.activePerToken - counted.activePerTokenExcludingEmbeddings;
  const name = input.source === 'gguf' ? input.id : (input.name ?? input.id);
  const family = input.source === 'gguf' || input.source === 'safetensors' ? undefined : input.family;
  const contextTokens =
    input.source === 'catalog' || input.source === 'config'
      ? (input.contextTokens ?? arch.maxPositionEmbeddings)
      : arch.maxPositionEmbeddings;
  return {
    id: input.id,
    name,
    family: family ?? inferFamily(arch, total),
    source: input.source,
    modelType: arch.modelType,
    contextTokens,
    params: {
      total,
      activePerToken,
      activePerTokenExcludingEmbeddings: activePerToken - excluded,
      byComponent,
      activeByComponent: counted.activeByComponent,
      configDerivedTotal: counted.total,
    },
    kvCache: {
      bytesPerToken16Bit: kv.bytesPerToken16Bit,
      attentionLayers: kv.layers.filter((l) => l.kind !== 'none').length,
      layers: kv.layers,
    },
    stateBytesPerSequence16Bit: stateBytesPerSequence16Bit(arch),
    flopsPerToken: flops.perToken,
    flops: {
      matmulPerToken: flops.matmul,
      scanPerToken: flops.scan,
      attentionPerContextToken: flops.attentionPerContextToken,
      perTokenAtContext: CONTEXT_POINTS.map((c) => ({ contextTokens: c, flops: flopsPerTokenAt(arch, c) })),
    },
    moe:
      firstMoe?.kind === 'moe'
        ? {
            experts: firstMoe.experts,
            expertsPerToken: firstMoe.expertsPerToken,
            sharedExperts: firstMoe.sharedExperts,
            moeLayers: moeLayers.length,
            costReduction: moeCostReduction(activePerToken, total),
          }
        : null,
    layerKinds,
    tensors: tensorReport,
    warnings,
  };
}
