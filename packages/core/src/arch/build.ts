import { CostwiseError, invalidInput } from '../errors.js';
import type { Architecture } from './architecture.js';
import { isKnownModelType, MODEL_TYPES } from './model-types/index.js';

/**
 * Builds the per-layer architecture from a Hugging Face config.json object. An unknown `model_type`
 * with the standard fields is read as a generic decoder (Llama layout; Mixtral layout when it
 * declares experts) with a warning; the original mamba_ssm config (no model_type, `d_model` +
 * `n_layer`) is recognised as Mamba.
 */
export function architectureFromConfig(raw: unknown, prefix = 'config'): Architecture {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidInput(prefix, 'must be a JSON object (the contents of config.json)');
  }
  const config = raw as Record<string, unknown>;
  let modelType = config['model_type'];
  if (modelType === undefined && 'd_model' in config && 'n_layer' in config) modelType = 'mamba';
  if (typeof modelType !== 'string' || modelType.length === 0) {
    throw invalidInput(
      `${prefix}.model_type`,
      'missing; config.json must name its model_type (e.g. "llama")',
    );
  }
  if (isKnownModelType(modelType)) return MODEL_TYPES[modelType].build(config, prefix);
  const moe = ['num_local_experts', 'num_experts', 'n_routed_experts'].some((k) => {
    const v = config[k];
    return typeof v === 'number' && v > 1;
  });
  const generic = moe
    ? {
        ...config,
        num_local_experts: config['num_local_experts'] ?? config['num_experts'] ?? config['n_routed_experts'],
        intermediate_size: config['moe_intermediate_size'] ?? config['intermediate_size'],
      }
    : config;
  try {
    const arch = (moe ? MODEL_TYPES.mixtral : MODEL_TYPES.llama).build(generic, prefix);
    return {
      ...arch,
      modelType,
      warnings: [
        ...arch.warnings,
        `unknown model_type "${modelType}": counted as a generic ${moe ? 'MoE ' : ''}decoder (Llama layout: ` +
          'GQA attention, SwiGLU MLP, 2 RMSNorms per layer, no biases unless attention_bias/mlp_bias); check against safetensors',
      ],
    };
  } catch (error) {
    if (error instanceof CostwiseError) {
      throw new CostwiseError(
        error.code,
        `${error.message} (model_type "${modelType}" is not known, so the standard transformers fields are required)`,
        error.field,
      );
    }
    throw error;
  }
}
