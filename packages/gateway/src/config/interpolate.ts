import { invalidInput } from '@costwise/core';

/**
 * Replaces `${NAME}` in every string of a parsed YAML document with the environment variable; `$${`
 * escapes a literal `${`. A variable that is not set is an error naming the key path and the variable.
 */
export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path = '',
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string) => {
      if (match.startsWith('$$')) return match.slice(1);
      const v = env[name];
      if (v === undefined)
        throw invalidInput(
          path || '<root>',
          `environment variable ${name} is not set (referenced as \${${name}})`,
        );
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}
