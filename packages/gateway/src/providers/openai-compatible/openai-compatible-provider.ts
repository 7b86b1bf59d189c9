import type { ProviderConfig } from '../../config/index.js';
import { openAiShapedProvider } from '../openai/index.js';
import type { Provider, ProviderCapabilities } from '../provider.js';

/**
 * vLLM, SGLang, Ollama, llama.cpp server, Together, Groq, …: OpenAI Chat Completions with an
 * optional key. All of them honour `stream_options.include_usage`; prompt caching (prefix caching) is
 * reported by some as `prompt_tokens_details.cached_tokens`. Prices: set `priceProvider` to the
 * genai-prices id (e.g. groq, together) or give `prices` on the model.
 */
export const OPENAI_COMPATIBLE_CAPABILITIES: ProviderCapabilities = {
  nativeApi: 'openai-chat',
  usageApi: 'openai-chat',
  usageIncludesCachedInput: true,
  streamUsageOnRequest: true,
  promptCaching: false,
  tools: true,
  images: true,
  priceProvider: 'openai-compatible',
};

export function openAiCompatibleProvider(config: ProviderConfig): Provider {
  return openAiShapedProvider(config, OPENAI_COMPATIBLE_CAPABILITIES);
}
