/**
 * Anthropic's minimum cacheable prompt length by model, tokens: 4,096 for Claude Opus 4.5 and Haiku 4.5,
 * 2,048 for the older Haiku models, 1,024 for the others.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#cache-limitations
 */
export function minCacheableTokens(model: string): number {
  if (/opus-4-5|haiku-4-5/.test(model)) return 4096;
  if (/haiku/.test(model)) return 2048;
  return 1024;
}

/** At most four breakpoints per request (Anthropic's limit). */
const MAX_BREAKPOINTS = 4;
/** Characters per token for the length estimate (the usual ~4 for English text). */
const CHARS_PER_TOKEN = 4;
const EPHEMERAL = { type: 'ephemeral' } as const;
const UNCACHEABLE_BLOCKS = new Set(['thinking', 'redacted_thinking']);

type Json = Record<string, unknown>;

const tokensOf = (v: unknown): number => Math.ceil(JSON.stringify(v ?? '').length / CHARS_PER_TOKEN);

function hasCacheControl(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasCacheControl);
  if (v !== null && typeof v === 'object')
    return 'cache_control' in v || Object.values(v).some(hasCacheControl);
  return false;
}

/** Content (a string or blocks) with a breakpoint on its last block; null when that block cannot take one. */
function markContent(content: unknown): unknown {
  if (typeof content === 'string') return [{ type: 'text', text: content, cache_control: EPHEMERAL }];
  if (!Array.isArray(content) || content.length === 0) return null;
  const blocks = content as unknown[];
  const last = blocks[blocks.length - 1];
  if (last === null || typeof last !== 'object') return null;
  if (UNCACHEABLE_BLOCKS.has(String((last as Json)['type']))) return null;
  // not `{ ...last, cache_control }`: a spread's copy gets a new V8 hidden class for each added key
  return [...blocks.slice(0, -1), Object.assign({}, last, { cache_control: EPHEMERAL })];
}

/**
 * Places `cache_control` breakpoints on the static prefix of a Messages request that has none: after the
 * tools, after the system prompt, after the first message and after the message before the last — each
 * only where the prefix up to it reaches the model's minimum cacheable length, at most four. The last
 * message (the new turn) is left unmarked: writing it would cost 1.25× with no reader when the
 * conversation ends. A request that already has a breakpoint is returned unchanged.
 */
export function placeCacheBreakpoints(body: Readonly<Json>, minTokens: number): Readonly<Json> {
  if (hasCacheControl(body)) return body;
  const out: Json = { ...body };
  let placed = 0;
  let prefix = 0;
  const tools = Array.isArray(body['tools']) ? (body['tools'] as Json[]) : [];
  prefix += tokensOf(tools);
  if (tools.length > 0 && prefix >= minTokens) {
    out['tools'] = [...tools.slice(0, -1), { ...tools[tools.length - 1], cache_control: EPHEMERAL }];
    placed++;
  }
  const system = body['system'];
  prefix += tokensOf(system);
  if (system !== undefined && prefix >= minTokens) {
    const marked = markContent(system);
    if (marked !== null) {
      out['system'] = marked;
      placed++;
    }
  }
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Json[]) : [];
  const candidates = [...new Set([0, messages.length - 2])].filter((i) => i >= 0 && i < messages.length - 1);
  const marked = [...messages];
  let seen = 0;
  for (const i of candidates) {
    if (placed >= MAX_BREAKPOINTS) break;
    for (; seen <= i; seen++) prefix += tokensOf(messages[seen]);
    const m = messages[i];
    if (m === undefined || prefix < minTokens) continue;
    const content = markContent(m['content']);
    if (content === null) continue;
    marked[i] = { ...m, content };
    placed++;
  }
  out['messages'] = marked;
  return placed === 0 ? body : out;
}
