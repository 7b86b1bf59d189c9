import {
  architectureFromConfig,
  configFromGguf,
  ggufWeightsBytes,
  invalidInput,
  type Architecture,
  type ModelInput,
} from '@costwise/core';
import type { CliIo } from './io.js';
import { loadModel } from './load-model.js';
import { parsePositiveInt } from './options.js';

export interface ResolvedModel {
  readonly id: string;
  readonly arch: Architecture | null;
  readonly contextTokens: number | null;
  readonly paramsOverride?: number;
  readonly weightsBytesOverride?: number;
  readonly notes: readonly string[];
}

export interface HypotheticalFlags {
  readonly params?: string;
  readonly layers?: string;
  readonly hidden?: string;
  readonly heads?: string;
  readonly kvHeads?: string;
  readonly headDim?: string;
  readonly vocab?: string;
  readonly intermediate?: string;
}

function contextOf(input: ModelInput, arch: Architecture): number | null {
  if (input.source === 'catalog' || input.source === 'config')
    return input.contextTokens ?? arch.maxPositionEmbeddings;
  return arch.maxPositionEmbeddings;
}

/**
 * The model a memory or fit command is about: a model reference, or a hypothetical model described
 * by `--params` (weights only) plus, optionally, `--layers/--hidden/--heads/--kv-heads/--head-dim/--vocab`
 * (a Llama-layout architecture for the KV cache and activations, as the lecture's examples give them).
 */
export async function resolveModel(
  reference: string | undefined,
  flags: HypotheticalFlags,
  io: CliIo,
): Promise<ResolvedModel> {
  const params = parsePositiveInt('--params', flags.params);
  if (reference !== undefined) {
    const input = await loadModel(reference, io);
    const arch =
      input.source === 'gguf'
        ? architectureFromConfig(configFromGguf(input.header).config, 'gguf')
        : architectureFromConfig(input.config);
    return {
      id: input.id,
      arch,
      contextTokens: contextOf(input, arch),
      ...(params !== undefined ? { paramsOverride: params } : {}),
      ...(input.source === 'gguf'
        ? { weightsBytesOverride: ggufWeightsBytes(input.header.tensors).bytes }
        : {}),
      notes: [],
    };
  }
  if (params === undefined)
    throw invalidInput('<model>', 'give a model (catalog id, path, hf:org/name, .gguf) or --params N');
  const layers = parsePositiveInt('--layers', flags.layers);
  if (layers === undefined) {
    return {
      id: `${(params / 1e9).toFixed(1)}B parameters`,
      arch: null,
      contextTokens: null,
      paramsOverride: params,
      notes: [],
    };
  }
  const hidden = parsePositiveInt('--hidden', flags.hidden);
  const heads = parsePositiveInt('--heads', flags.heads);
  if (hidden === undefined || heads === undefined) {
    throw invalidInput(
      hidden === undefined ? '--hidden' : '--heads',
      'is needed with --layers to describe the architecture',
    );
  }
  const config = {
    model_type: 'llama',
    hidden_size: hidden,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: parsePositiveInt('--kv-heads', flags.kvHeads) ?? heads,
    head_dim: parsePositiveInt('--head-dim', flags.headDim) ?? Math.floor(hidden / heads),
    vocab_size: parsePositiveInt('--vocab', flags.vocab) ?? 32000,
    intermediate_size: parsePositiveInt('--intermediate', flags.intermediate) ?? 4 * hidden,
  };
  return {
    id: `${(params / 1e9).toFixed(1)}B (${layers} layers, hidden ${hidden}, ${heads} heads)`,
    arch: architectureFromConfig(config, '--layers/--hidden/--heads'),
    contextTokens: null,
    paramsOverride: params,
    notes: [
      `hypothetical Llama-layout model: ${layers} layers, hidden ${hidden}, ${config.num_attention_heads} heads, ${config.num_key_value_heads} KV heads, head_dim ${config.head_dim}, vocab ${config.vocab_size}, MLP ${config.intermediate_size}; weights from --params`,
    ],
  };
}
