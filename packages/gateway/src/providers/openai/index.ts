export { OPENAI_CAPABILITIES, openAiProvider, openAiShapedProvider } from './openai-provider.js';
export { toOpenAiUsage } from './_openai-shapes.js';
