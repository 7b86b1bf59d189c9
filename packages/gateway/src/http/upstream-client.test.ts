import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamClient, type UpstreamCall, type UpstreamResponse } from './upstream-client.js';

// A local server whose answer each test picks by path: whole bodies, chunked streams, slow and broken ones.
let server: Server;
let base: string;
const seen: { path: string; body: string; headers: IncomingMessage['headers'] }[] = [];

let connections = 0;
const perSocket = new WeakMap<object, number>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  perSocket.set(req.socket, (perSocket.get(req.socket) ?? 0) + 1);
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    seen.push({ path: req.url ?? '', body, headers: req.headers });
    const path = req.url ?? '';
    if (path.startsWith('/echo')) {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path, body, auth: req.headers.authorization ?? null }));
    } else if (path === '/chunks') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 20);
    } else if (path === '/silent') {
      // never answers: the first-byte time-out cuts it
    } else if (path === '/stalls') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    } else if (path === '/breaks') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 10);
    } else if (path === '/drop-reused' && (perSocket.get(req.socket) ?? 0) > 1) {
      // the keep-alive race: the server closes a kept-alive connection as a request arrives on it
      req.socket.destroy();
    } else if (path === '/drop-always') {
      req.socket.destroy();
    } else if (path.startsWith('/drop-')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`answered on connection ${String(connections)}`);
    } else if (path === '/utf8') {
      // a multi-byte character split across two writes must come out whole
      const bytes = Buffer.from('héllo €', 'utf8');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(bytes.subarray(0, 2));
      setTimeout(() => res.end(bytes.subarray(2)), 10);
    } else {
      res.writeHead(404);
      res.end('no such path');
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  server.on('connection', () => (connections += 1));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => {
    server.close(() => {
      r();
    });
  });
});

const client = createUpstreamClient();
const call = (url: string, over: Partial<UpstreamCall> = {}): UpstreamCall => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"q":"é"}',
  firstByteTimeoutMs: 2000,
  timeoutMs: 4000,
  ...over,
});

async function respond(c: UpstreamCall): Promise<UpstreamResponse> {
  const result = await client(c);
  if (!('response' in result)) throw new Error(`expected a response, got ${result.failure}`);
  return result.response;
}

describe('createUpstreamClient', () => {
  it('POSTs the body with its byte length and reads the whole answer, path and query kept', async () => {
    const res = await respond(call(`${base}/echo/v1/chat?x=1`));
    expect(res.status).toBe(201);
    expect(JSON.parse(await res.text())).toEqual({
      path: '/echo/v1/chat?x=1',
      body: '{"q":"é"}',
      auth: null,
    });
    const last = seen.at(-1);
    expect(last?.headers['content-length']).toBe(String(Buffer.byteLength('{"q":"é"}')));
    expect(last?.headers['content-type']).toBe('application/json');
  });

  it('keeps requests to different paths of one upstream apart on its shared connections', async () => {
    for (const path of ['/echo/a', '/echo/b', '/echo/a']) {
      const res = await respond(call(`${base}${path}`));
      expect((JSON.parse(await res.text()) as { path: string }).path).toBe(path);
    }
  });

  it('sends credentials written in the URL as basic auth', async () => {
    const withAuth = base.replace('http://', 'http://user:p%40ss@');
    const res = await respond(call(`${withAuth}/echo/auth`));
    const auth = (JSON.parse(await res.text()) as { auth: string }).auth;
    expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString()).toBe('user:p@ss');
  });

  it('hands a stream over chunk by chunk', async () => {
    const res = await respond(call(`${base}/chunks`));
    const got: string[] = [];
    for (let c = await res.chunks.next(); c.done !== true; c = await res.chunks.next()) got.push(c.value);
    expect(got.join('')).toBe('data: 1\n\ndata: 2\n\n');
    expect(got.length).toBeGreaterThanOrEqual(2);
  });

  it('decodes UTF-8 split across reads', async () => {
    const res = await respond(call(`${base}/utf8`));
    expect(await res.text()).toBe('héllo €');
  });

  it('answers an upstream error status with its body', async () => {
    const res = await respond(call(`${base}/missing`));
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('no such path');
  });

  it('reports a first-byte time-out as a time-out', async () => {
    const result = await client(call(`${base}/silent`, { firstByteTimeoutMs: 50 }));
    expect(result).toEqual({ failure: 'timeout', message: 'did not answer within its first byte time-out' });
  });

  it('rejects text() when the total time-out cuts a body short, and says which time-out', async () => {
    const res = await respond(call(`${base}/stalls`, { timeoutMs: 100 }));
    await expect(res.text()).rejects.toThrow();
    expect(res.timedOut()).toBe('total');
  });

  it('rejects text() when the upstream drops the connection mid-body', async () => {
    const res = await respond(call(`${base}/breaks`));
    await expect(res.text()).rejects.toThrow();
    expect(res.timedOut()).toBeNull();
  });

  it('rejects text() called after the connection was dropped', async () => {
    const res = await respond(call(`${base}/stalls`));
    res.abort();
    await expect(res.text()).rejects.toThrow(/closed before the body ended/);
  });

  it('sends a request again on a new connection when the server closed the kept-alive one it went out on', async () => {
    const first = await respond(call(`${base}/drop-first`));
    expect(await first.text()).toMatch(/^answered on connection \d+$/);
    const before = seen.length;
    // the same client reuses the socket; the server drops it; the client retries once on a new one
    const again = await respond(call(`${base}/drop-reused`));
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(`answered on connection ${String(connections)}`);
    expect(seen.length - before).toBe(2);
  });

  it('does not send again when a new connection breaks (the upstream may have the request)', async () => {
    const before = seen.length;
    const result = await createUpstreamClient()(call(`${base}/drop-always`));
    expect(result).toMatchObject({ failure: 'unreachable' });
    expect(seen.length - before).toBe(1);
  });

  it("drops idle connections before the server's announced keep-alive time-out", async () => {
    const fresh = createUpstreamClient();
    const short = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    short.keepAliveTimeout = 2000; // announced as `Keep-Alive: timeout=2`: the client keeps it 1 s
    let opened = 0;
    let closed = 0;
    short.on('connection', (socket) => {
      opened += 1;
      socket.on('close', () => (closed += 1));
    });
    await new Promise<void>((r) => short.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(short.address() as AddressInfo).port}/`;
    try {
      const res = await fresh(call(url));
      if (!('response' in res)) throw new Error('expected a response');
      expect(await res.response.text()).toBe('ok');
      await new Promise((r) => setTimeout(r, 1400));
      expect({ opened, closed }).toEqual({ opened: 1, closed: 1 });
    } finally {
      short.closeAllConnections();
      await new Promise<void>((r) => {
        short.close(() => {
          r();
        });
      });
    }
  });

  it('reports an unreachable upstream and a malformed URL without throwing', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => {
      closed.close(() => {
        r();
      });
    });
    const refused = await client(call(`http://127.0.0.1:${port}/v1`));
    expect(refused).toMatchObject({ failure: 'unreachable' });
    expect((refused as { message: string }).message).toMatch(/ECONNREFUSED/);
    expect(await client(call('not a url'))).toMatchObject({ failure: 'unreachable' });
  });
});
