import { invalidInput } from '@costwise/core';
import { parse as parseYaml } from 'yaml';
import { GatewayConfigSchema, type GatewayConfig } from './config-schema.js';
import { interpolateEnv } from './interpolate.js';

/** `providers[1].baseUrl` from a zod issue path. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '<root>';
}

/**
 * Validates a parsed `costwise.yaml` (after `${ENV}` interpolation): pure, no file access. Throws
 * INVALID_INPUT naming the key path of the first problem, e.g. `providers[1].baseUrl: must be …`.
 */
export function validateConfig(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
): GatewayConfig {
  const interpolated = interpolateEnv(raw ?? {}, env);
  const r = GatewayConfigSchema.safeParse(interpolated);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw invalidInput(keyPath(issue?.path ?? []), issue?.message ?? 'invalid');
}

const ENV_REF = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ENV_MARK = '__costwise_env__';
const MARKED = new RegExp(`${ENV_MARK}([A-Za-z_][A-Za-z0-9_]*?)${ENV_MARK}`, 'g');

function restoreEnvRefs(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(MARKED, (_m, name: string) => `\${${name}}`);
  if (Array.isArray(value)) return value.map(restoreEnvRefs);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreEnvRefs(v)]));
  return value;
}

/** Parses the text of a `costwise.yaml`, then validates it. */
export function parseConfigText(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  source = 'costwise.yaml',
): GatewayConfig {
  let raw: unknown;
  try {
    // `${NAME}` is not a valid plain scalar inside a YAML flow map ({ apiKey: ${KEY} }): hide the
    // braces from the YAML parser, and interpolate on the parsed values (never on the text).
    raw = restoreEnvRefs(
      parseYaml(
        text.replace(ENV_REF, (m, name: string) =>
          m.startsWith('$$') ? m : `${ENV_MARK}${name}${ENV_MARK}`,
        ),
      ) as unknown,
    );
  } catch (error) {
    throw invalidInput(source, `is not valid YAML (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  return validateConfig(raw, env);
}

/** The example printed by `costwise serve` when there is no config file. */
export const EXAMPLE_CONFIG = `# costwise.yaml — fill in, then: costwise serve --config costwise.yaml
server: { port: 8787, maxBodyBytes: 10485760 }
storage: { url: sqlite://.costwise/costwise.db }
adminKey: '\${COSTWISE_ADMIN_KEY}'
providers:
  - { id: openai, kind: openai, baseUrl: https://api.openai.com/v1, apiKey: '\${OPENAI_API_KEY}' }
  - { id: anthropic, kind: anthropic, baseUrl: https://api.anthropic.com, apiKey: '\${ANTHROPIC_API_KEY}' }
models:   # the names clients ask for
  - { name: gpt-4o-mini, provider: openai, model: gpt-4o-mini }
  - { name: claude-sonnet, provider: anthropic, model: claude-3-5-sonnet-20241022,
      prices: { inputMtok: 3, outputMtok: 15, cacheReadMtok: 0.3, cacheWriteMtok: 3.75 } }
keys:     # virtual keys
  - { name: team-a, key: '\${TEAM_A_KEY}' }
`;
