export { OPENAI_COMPATIBLE_CAPABILITIES, openAiCompatibleProvider } from './openai-compatible-provider.js';
