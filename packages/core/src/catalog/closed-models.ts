import { findProvider } from '@pydantic/genai-prices';

/**
 * A closed API model. Its prices and context window live in @pydantic/genai-prices; the catalog
 * only links to that record (`prices.providerId` / `prices.modelId`), so the numbers have one source.
 */
export interface ClosedModel {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly prices: { readonly providerId: string; readonly modelId: string };
  /** Why it is in the catalog (named by the lecture, or a current flagship). */
  readonly note: string;
}

export const CLOSED_MODELS = [
  {
    id: 'gpt-4-turbo',
    name: 'GPT-4 Turbo',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-4-turbo' },
    note: 'named by the lecture',
  },
  {
    id: 'gpt-4o',
    name: 'GPT-4o',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-4o' },
    note: 'named by the lecture',
  },
  {
    id: 'gpt-4o-mini',
    name: 'GPT-4o mini',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-4o-mini' },
    note: 'the usual "weak" model of routing examples',
  },
  {
    id: 'gpt-4.1',
    name: 'GPT-4.1',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-4.1' },
    note: '1M-token context',
  },
  {
    id: 'gpt-5',
    name: 'GPT-5',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-5' },
    note: 'flagship generation',
  },
  {
    id: 'gpt-5.5',
    name: 'GPT-5.5',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-5.5' },
    note: 'flagship generation',
  },
  {
    id: 'gpt-6-astra',
    name: 'GPT-6 Astra',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-6-astra' },
    note: "current flagship (OpenAI's most capable in the price data)",
  },
  {
    id: 'gpt-6-sol',
    name: 'GPT-6 Sol',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-6-sol' },
    note: 'current generation',
  },
  {
    id: 'gpt-6-luna',
    name: 'GPT-6 Luna',
    vendor: 'OpenAI',
    prices: { providerId: 'openai', modelId: 'gpt-6-luna' },
    note: 'current generation, high-volume tier',
  },
  {
    id: 'claude-3.5-sonnet',
    name: 'Claude 3.5 Sonnet',
    vendor: 'Anthropic',
    prices: { providerId: 'anthropic', modelId: 'claude-3-5-sonnet' },
    note: 'named by the lecture (its "175B" configuration is hypothetical: Anthropic publishes no architecture)',
  },
  {
    id: 'claude-haiku-4.5',
    name: 'Claude Haiku 4.5',
    vendor: 'Anthropic',
    prices: { providerId: 'anthropic', modelId: 'claude-haiku-4-5' },
    note: 'fast tier',
  },
  {
    id: 'claude-sonnet-4.5',
    name: 'Claude Sonnet 4.5',
    vendor: 'Anthropic',
    prices: { providerId: 'anthropic', modelId: 'claude-sonnet-4-5' },
    note: 'flagship generation',
  },
  {
    id: 'claude-sonnet-5',
    name: 'Claude Sonnet 5',
    vendor: 'Anthropic',
    prices: { providerId: 'anthropic', modelId: 'claude-sonnet-5' },
    note: 'current generation',
  },
  {
    id: 'claude-opus-5.5',
    name: 'Claude Opus 5.5',
    vendor: 'Anthropic',
    prices: { providerId: 'anthropic', modelId: 'claude-opus-5-5' },
    note: 'current flagship',
  },
  {
    id: 'claude-fable-5.1',
    name: 'Claude Fable 5.1',
    vendor: 'Anthropic',
    prices: { providerId: 'anthropic', modelId: 'claude-fable-5-1' },
    note: "current flagship (Anthropic's most capable widely released model in the price data)",
  },
  {
    id: 'gemini-2.0-flash',
    name: 'Gemini 2.0 Flash',
    vendor: 'Google',
    prices: { providerId: 'google', modelId: 'gemini-2.0-flash' },
    note: 'named by the lecture (its $0.075/$0.30 are Gemini 1.5 Flash rates)',
  },
  {
    id: 'gemini-1.5-flash',
    name: 'Gemini 1.5 Flash',
    vendor: 'Google',
    prices: { providerId: 'google', modelId: 'gemini-1.5-flash' },
    note: 'the rates the lecture printed for 2.0 Flash',
  },
  {
    id: 'gemini-2.5-flash',
    name: 'Gemini 2.5 Flash',
    vendor: 'Google',
    prices: { providerId: 'google', modelId: 'gemini-2.5-flash' },
    note: 'flagship generation',
  },
  {
    id: 'gemini-3.5-flash',
    name: 'Gemini 3.5 Flash',
    vendor: 'Google',
    prices: { providerId: 'google', modelId: 'gemini-3.5-flash' },
    note: 'current generation',
  },
  {
    id: 'gemini-3.8-flash',
    name: 'Gemini 3.8 Flash',
    vendor: 'Google',
    prices: { providerId: 'google', modelId: 'gemini-3.8-flash' },
    note: 'current flagship Flash',
  },
  {
    id: 'deepseek-chat',
    name: 'DeepSeek Chat (API)',
    vendor: 'DeepSeek',
    prices: { providerId: 'deepseek', modelId: 'deepseek-chat' },
    note: 'API price of an open-weight model, for self-host comparisons',
  },
] as const satisfies readonly ClosedModel[];

export interface ResolvedClosedModel extends ClosedModel {
  readonly family: 'closed';
  /** From the linked genai-prices record; null when the record has none. */
  readonly contextTokens: number | null;
  readonly priceRecordFound: boolean;
}

/** Joins a closed model with its genai-prices record (context window). */
export function resolveClosedModel(m: ClosedModel): ResolvedClosedModel {
  const record = findProvider({ providerId: m.prices.providerId })?.models.find(
    (r) => r.id === m.prices.modelId,
  );
  return {
    ...m,
    family: 'closed',
    contextTokens: record?.context_window ?? null,
    priceRecordFound: record !== undefined,
  };
}
