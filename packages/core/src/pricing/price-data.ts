import { REMOTE_DATA_JSON_URL, updatePrices, waitForUpdate, type Provider } from '@pydantic/genai-prices';
import { z } from 'zod';
import { invalidInput } from '../errors.js';

/** Where genai-prices publishes its newest data (the CLI's --refresh-prices fetches it). */
export const PRICE_DATA_URL = REMOTE_DATA_JSON_URL;

// The shape calcPrice needs from each provider, checked before it replaces the bundled data: a wrong
// file must not silently price everything at zero.
const ProviderData = z
  .array(
    z
      .object({
        id: z.string().min(1),
        name: z.string(),
        api_pattern: z.string(),
        models: z.array(z.object({ id: z.string().min(1), match: z.unknown(), prices: z.unknown() }).loose()),
      })
      .loose(),
  )
  .min(1, 'holds no providers');

/**
 * Replaces the price data @pydantic/genai-prices bundles with `raw` (its data.json: a list of
 * providers) for every later price lookup; returns the number of providers. Throws INVALID_INPUT
 * naming `field` when the data is not of that shape.
 */
export async function usePriceData(raw: unknown, field: string): Promise<number> {
  const r = ProviderData.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(
      field,
      `is not genai-prices data (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); expected the file published at ${PRICE_DATA_URL}`,
    );
  }
  const data = raw as Provider[];
  updatePrices(({ setProviderData }) => {
    setProviderData(data);
  });
  await waitForUpdate();
  return data.length;
}
