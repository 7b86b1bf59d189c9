export { ANTHROPIC_CAPABILITIES, ANTHROPIC_VERSION, anthropicProvider } from './anthropic-provider.js';
export { toAnthropicUsage } from './anthropic-usage.js';
