import type { ProviderConfig } from '../../config/index.js';
import { openAiShapedProvider } from '../openai/index.js';
import type { Provider, ProviderCapabilities } from '../provider.js';

/**
 * Gemini through its OpenAI-compatible endpoint
 * (`https://generativelanguage.googleapis.com/v1beta/openai`). Its usage is OpenAI-shaped, except that
 * thinking tokens are missing from completion_tokens and show only in total_tokens — core's OpenAI
 * normalizer counts them (provider-billing.md §2).
 * @see https://ai.google.dev/gemini-api/docs/openai
 */
export const GEMINI_CAPABILITIES: ProviderCapabilities = {
  nativeApi: 'openai-chat',
  usageApi: 'openai-chat',
  usageIncludesCachedInput: true,
  streamUsageOnRequest: true,
  promptCaching: true,
  tools: true,
  images: true,
  priceProvider: 'google',
};

export function geminiProvider(config: ProviderConfig): Provider {
  return openAiShapedProvider(config, GEMINI_CAPABILITIES);
}
