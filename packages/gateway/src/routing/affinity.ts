import { createHash } from 'node:crypto';

/** How long a provider prompt cache stays warm after its last use (Anthropic's default TTL is 5 minutes). */
export const WARM_CACHE_MS = 5 * 60_000;

/**
 * A conversation's identity: its route, system prompt and first message (what stays the same while the
 * conversation grows, and what the provider's prompt cache holds).
 */
export function conversationId(route: string, body: Readonly<Record<string, unknown>>): string | null {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length < 2) return null;
  const first: unknown = messages.find((m) => (m as { role?: unknown }).role !== 'system');
  const system = body['system'] ?? messages.filter((m) => (m as { role?: unknown }).role === 'system');
  return createHash('sha256')
    .update(JSON.stringify([route, system, first]))
    .digest('hex');
}

/** Which model each conversation last used, while its prompt cache is warm (bounded, in process). */
export class ConversationAffinity {
  private readonly last = new Map<string, { model: string; atMs: number }>();

  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  warmModel(id: string | null): string | null {
    if (id === null) return null;
    const e = this.last.get(id);
    if (e === undefined || this.clock() - e.atMs > WARM_CACHE_MS) return null;
    return e.model;
  }

  used(id: string | null, model: string): void {
    if (id === null) return;
    this.last.delete(id);
    if (this.last.size >= this.maxEntries) {
      const oldest = this.last.keys().next();
      if (oldest.done !== true) this.last.delete(oldest.value);
    }
    this.last.set(id, { model, atMs: this.clock() });
  }
}
