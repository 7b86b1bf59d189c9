import { architectureFromConfig, type Architecture } from '@costwise/core';

/** Hugging Face repository ids: `org/name` (or a legacy bare `name`), letters, digits, `-`, `_`, `.`. */
const HF_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

/** The repository id of `hf:org/name` or `org/name`; an error naming the field when it is not one. */
export function parseHfId(text: string): { ok: true; id: string } | { ok: false; message: string } {
  const id = text.trim().replace(/^hf:/, '');
  if (id === '' || !HF_ID.test(id) || id.includes('..'))
    return {
      ok: false,
      message: `Hugging Face id: "${text.trim()}" is not a repository id; give org/name, e.g. hf:Qwen/Qwen2.5-7B-Instruct`,
    };
  return { ok: true, id };
}

/** Where the browser reads a model's config.json on the Hub (the main branch). */
export function hfConfigUrl(id: string): string {
  return `https://huggingface.co/${id}/resolve/main/config.json`;
}

export type HfConfigResult =
  | { readonly ok: true; readonly id: string; readonly arch: Architecture }
  | { readonly ok: false; readonly id: string; readonly message: string };

/**
 * Fetches `hf:<id>`'s config.json and builds its architecture with core's architectureFromConfig.
 * Every failure is a value with a message that names the cause and the fix; an abort rejects (the
 * caller has moved on and shows nothing).
 */
export async function fetchHfConfig(
  id: string,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<HfConfigResult> {
  const fail = (message: string): HfConfigResult => ({ ok: false, id, message: `hf:${id}: ${message}` });
  let res: Response;
  try {
    res = await fetchImpl(hfConfigUrl(id), { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    return fail(
      `could not reach huggingface.co (${(error as Error).message}); check the connection or paste its config.json instead`,
    );
  }
  // The Hub answers 401 for gated and private repositories as well as 404 for missing ones.
  if (res.status === 404 || res.status === 401 || res.status === 403)
    return fail(`no such model or it is gated (HTTP ${String(res.status)}): paste its config.json instead`);
  if (!res.ok)
    return fail(`huggingface.co answered HTTP ${String(res.status)}; try again or paste its config.json`);
  const text = await res.text();
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    return fail(`config.json is not JSON (${(error as Error).message}); paste its config.json instead`);
  }
  try {
    return { ok: true, id, arch: architectureFromConfig(config, `hf:${id}/config.json`) };
  } catch (error) {
    return { ok: false, id, message: (error as Error).message };
  }
}
