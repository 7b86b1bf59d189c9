import { createHash } from 'node:crypto';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Virtual keys looked up by their SHA-256 (no key compared byte by byte, none kept in logs). */
export class KeyRing {
  private readonly byHash = new Map<string, string>();

  constructor(keys: readonly { readonly name: string; readonly key: string }[]) {
    for (const k of keys) this.byHash.set(sha256(k.key), k.name);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The key's name, or null. */
  lookup(key: string | null): string | null {
    if (key === null || key === '') return null;
    return this.byHash.get(sha256(key)) ?? null;
  }
}

/** `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | null {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (m?.[1] !== undefined) return m[1].trim();
  }
  if (xApiKey !== undefined && xApiKey.trim() !== '') return xApiKey.trim();
  return null;
}
