export { GEMINI_CAPABILITIES, geminiProvider } from './gemini-provider.js';
