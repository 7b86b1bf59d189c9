// The gateway's HTTP server keeps idle client connections open for server.keepAliveTimeoutMs (65 s by
// default, over the 60 s idle time-out of AWS's load balancers), not Node's 5 s.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from './config/index.js';
import { createLogger } from './gateway.js';
import { startGateway, type RunningGateway } from './server.js';

let running: RunningGateway | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function start(server: Record<string, unknown>): Promise<RunningGateway> {
  const config = validateConfig(
    { server: { port: 0, ...server }, storage: { url: 'sqlite::memory:' }, providers: [], models: [] },
    {},
  );
  running = await startGateway(config, { logger: createLogger('silent') });
  return running;
}

/** One keep-alive GET /healthz on a raw socket; resolves with the socket once the response is in. */
async function healthzOnKeptAliveSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n') && text.includes('"ok"')) resolve();
    });
    socket.once('error', reject);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  });
  return socket;
}

const closedWithin = (socket: Socket, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('startGateway keep-alive', () => {
  it('defaults to 65 s idle (Node would close after 5 s)', async () => {
    const gw = await start({});
    expect((gw.server as unknown as { keepAliveTimeout: number }).keepAliveTimeout).toBe(65_000);
  });

  it('closes an idle client connection after server.keepAliveTimeoutMs, and not before', async () => {
    const gw = await start({ keepAliveTimeoutMs: 1_500 });
    const socket = await healthzOnKeptAliveSocket(gw.port);
    expect(await closedWithin(socket, 500)).toBe(false);
    expect(await closedWithin(socket, 5_000)).toBe(true);
  });

  it('refuses a keepAliveTimeoutMs that is not a positive whole number, naming the key', () => {
    expect(() =>
      validateConfig({ server: { keepAliveTimeoutMs: -1 }, providers: [], models: [] }, {}),
    ).toThrow(/server\.keepAliveTimeoutMs/);
  });
});
