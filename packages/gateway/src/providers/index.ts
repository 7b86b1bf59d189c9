import type { ProviderConfig, ProviderKind } from '../config/index.js';
import { anthropicProvider } from './anthropic/index.js';
import { geminiProvider } from './gemini/index.js';
import { openAiProvider } from './openai/index.js';
import { openAiCompatibleProvider } from './openai-compatible/index.js';
import type { Provider, ProviderFactory } from './provider.js';

export type {
  Adapter,
  ClientApi,
  Provider,
  ProviderCapabilities,
  ProviderFactory,
  StreamContext,
  StreamTranslator,
  UpstreamRequest,
} from './provider.js';

/** One factory per kind: adding a kind fails to compile until it has one. */
export const PROVIDER_FACTORIES: Readonly<Record<ProviderKind, ProviderFactory>> = {
  openai: openAiProvider,
  anthropic: (c) => anthropicProvider(c),
  gemini: geminiProvider,
  'openai-compatible': openAiCompatibleProvider,
};

export function createProvider(config: ProviderConfig): Provider {
  return PROVIDER_FACTORIES[config.kind](config);
}
