import { readFile } from 'node:fs/promises';
import { invalidInput } from '@costwise/core';
import type { GatewayConfig } from './config-schema.js';
import { parseConfigText, validateConfig } from './validate-config.js';

/** Reads and validates a config file; `null` path → the defaults (SQLite, no providers). */
export async function loadConfig(
  path: string | null,
  env: Readonly<Record<string, string | undefined>>,
): Promise<GatewayConfig> {
  if (path === null) return validateConfig({}, env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw invalidInput('--config', `${path}: file not found or not readable`);
  }
  return parseConfigText(text, env, path);
}
