import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { GatewayConfig } from './config/index.js';
import { createGateway, type Gateway, type GatewayOptions } from './gateway.js';

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly server: ServerType;
  readonly port: number;
  /** Stops accepting, commits the ledger queue, closes the store. */
  stop(): Promise<void>;
}

/** Starts the gateway on `config.server.host:port` (port 0 picks a free one). */
export async function startGateway(
  config: GatewayConfig,
  opts: GatewayOptions = {},
): Promise<RunningGateway> {
  const gateway = await createGateway(config, opts);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      { fetch: gateway.app.fetch, port: config.server.port, hostname: config.server.host },
      () => {
        resolve(s);
      },
    );
    s.once('error', reject);
  });
  // Node's headersTimeout counts from a request's first byte, not from when its connection went idle
  // (checked on Node 20: a kept-alive connection idle past it still serves its next request), so only
  // the keep-alive time-out needs setting
  (server as { keepAliveTimeout: number }).keepAliveTimeout = config.server.keepAliveTimeoutMs;
  const port = (server.address() as AddressInfo).port;
  return {
    gateway,
    server,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await gateway.close();
    },
  };
}
