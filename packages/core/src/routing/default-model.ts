import { loadRouterModel, type RouterModel } from './model.js';

let cached: Promise<RouterModel> | undefined;

/**
 * The router trained by `npm run train:router` on data/routing/train.jsonl (RouteLLM's MMLU + GSM8K labels
 * for Mixtral-8x7B-Instruct vs GPT-4 Turbo). Loaded on first use: the file is large and most callers never
 * route.
 */
export function defaultRouterModel(): Promise<RouterModel> {
  cached ??= import('./default-model.json', { with: { type: 'json' } }).then((m) =>
    loadRouterModel(m.default),
  );
  return cached;
}
