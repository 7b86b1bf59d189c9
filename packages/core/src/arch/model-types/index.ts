import type { ModelTypeAdapter } from './_shared.js';
import { falcon, gpt2 } from './classic-decoders.js';
import { deepseekV2, deepseekV3 } from './deepseek.js';
import { gemma, gemma2, gemma3Text, llama, mistral, phi3, qwen2, qwen3 } from './dense-decoders.js';
import { gptOss } from './gpt-oss.js';
import { llama4, llama4Text } from './llama4.js';
import { dbrx, mixtral, phimoe, qwen2Moe, qwen3Moe } from './moe-decoders.js';
import { gemma3 } from './multimodal.js';
import { jamba, mamba } from './state-space.js';

export type { ModelTypeAdapter } from './_shared.js';
export { siglipVisionParams } from './multimodal.js';

/**
 * Every model_type Costwise counts exactly. Adding one is adding a row: shared code never branches on
 * the name (STYLE.md §4).
 */
export const MODEL_TYPES = {
  llama,
  mistral,
  mixtral,
  qwen2,
  qwen2_moe: qwen2Moe,
  qwen3,
  qwen3_moe: qwen3Moe,
  gemma,
  gemma2,
  gemma3,
  gemma3_text: gemma3Text,
  phi3,
  phimoe,
  falcon,
  RefinedWebModel: falcon,
  RefinedWeb: falcon,
  gpt2,
  dbrx,
  deepseek_v2: deepseekV2,
  deepseek_v3: deepseekV3,
  kimi_k2: deepseekV3,
  gpt_oss: gptOss,
  llama4,
  llama4_text: llama4Text,
  mamba,
  falcon_mamba: mamba,
  jamba,
} as const satisfies Record<string, ModelTypeAdapter>;

export type ModelType = keyof typeof MODEL_TYPES;

export function isKnownModelType(name: string): name is ModelType {
  return Object.hasOwn(MODEL_TYPES, name);
}
