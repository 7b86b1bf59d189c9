import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A recorded provider response: core's usage fixtures and the gateway's own, one format. */
export interface Fixture {
  readonly id: string;
  readonly api: string;
  readonly streaming: boolean;
  readonly body?: Record<string, unknown>;
  readonly events?: readonly Record<string, unknown>[];
  readonly status?: number;
  readonly dropAfterEvents?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const DIRS = [join(here, '../../core/src/pricing/__fixtures__/usage'), join(here, '__fixtures__/upstream')];

export function loadFixtures(): Map<string, Fixture> {
  const out = new Map<string, Fixture>();
  for (const dir of DIRS) {
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.json') || f === 'INDEX.json') continue;
      const fx = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture;
      out.set(fx.id, fx);
    }
  }
  return out;
}

// Recorded bodies that keep only `usage` get the rest of a minimal valid response around them.
function completeBody(fx: Fixture, model: string): Record<string, unknown> {
  const body = fx.body ?? {};
  if (fx.api === 'anthropic-messages')
    return {
      id: 'msg_fixture',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      ...body,
    };
  return {
    id: 'chatcmpl-fixture',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null },
    ],
    ...body,
  };
}

export interface FakeUpstream {
  readonly url: string;
  /** Bodies received, newest last. */
  readonly requests: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * Replays fixtures on loopback: the request's `model` names the fixture. OpenAI-shaped paths end in
 * /chat/completions, Anthropic's is /v1/messages. Streams are sent as SSE, event by event.
 */
export async function startFakeUpstream(
  fixtures: ReadonlyMap<string, Fixture>,
  opts: { readonly delayMs?: number } = {},
): Promise<FakeUpstream> {
  const requests: FakeUpstream['requests'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      res.writeHead(400).end('{"error":{"message":"bad json"}}');
      return;
    }
    requests.push({ path: req.url ?? '', headers: req.headers, body });
    const model = typeof body['model'] === 'string' ? body['model'] : '';
    const fx = fixtures.get(model);
    if (!fx) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `no fixture ${model}`, type: 'not_found' } }));
      return;
    }
    if (fx.status !== undefined && fx.status >= 400) {
      res.writeHead(fx.status, { 'content-type': 'application/json' }).end(JSON.stringify(fx.body ?? {}));
      return;
    }
    if (!fx.streaming || body['stream'] !== true) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completeBody(fx, model)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const events = fx.events ?? [];
    events.forEach((e, i) => {
      if (fx.dropAfterEvents !== undefined && i >= fx.dropAfterEvents) return;
      const name =
        fx.api === 'anthropic-messages' && typeof e['type'] === 'string' ? `event: ${e['type']}\n` : '';
      res.write(`${name}data: ${JSON.stringify(e)}\n\n`);
    });
    if (fx.dropAfterEvents !== undefined) {
      // let the events reach the gateway, then cut the connection without ending the stream
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (fx.api !== 'anthropic-messages') res.write('data: [DONE]\n\n');
    res.end();
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (opts.delayMs)
        setTimeout(() => {
          handle(req, res, text);
        }, opts.delayMs);
      else handle(req, res, text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
