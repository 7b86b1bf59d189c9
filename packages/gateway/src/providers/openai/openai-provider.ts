import type { ProviderConfig } from '../../config/index.js';
import { joinUrl, type Provider, type ProviderCapabilities } from '../provider.js';
import { openAiPassthrough } from './openai-passthrough.js';
import { anthropicOverOpenAi } from './translate-anthropic.js';

export const OPENAI_CAPABILITIES: ProviderCapabilities = {
  nativeApi: 'openai-chat',
  usageApi: 'openai-chat',
  usageIncludesCachedInput: true,
  streamUsageOnRequest: true,
  promptCaching: true,
  tools: true,
  images: true,
  priceProvider: 'openai',
};

/**
 * Any upstream that speaks OpenAI Chat Completions at `<baseUrl>/chat/completions` with a Bearer key.
 * The openai, gemini and openai-compatible folders build on it with their own capabilities.
 */
export function openAiShapedProvider(config: ProviderConfig, capabilities: ProviderCapabilities): Provider {
  const passthrough = openAiPassthrough(capabilities.streamUsageOnRequest);
  const translated = anthropicOverOpenAi(capabilities.streamUsageOnRequest);
  const url = joinUrl(config.baseUrl, 'chat/completions');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.apiKey !== undefined && config.apiKey !== '')
    headers['authorization'] = `Bearer ${config.apiKey}`;
  return {
    id: config.id,
    kind: config.kind,
    capabilities: { ...capabilities, priceProvider: config.priceProvider ?? capabilities.priceProvider },
    timeoutMs: config.timeoutMs,
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    adapter: (client) => (client === 'openai-chat' ? passthrough : translated),
    upstreamRequest: (body) => ({ url, headers, body }),
  };
}

export function openAiProvider(config: ProviderConfig): Provider {
  return openAiShapedProvider(config, OPENAI_CAPABILITIES);
}
