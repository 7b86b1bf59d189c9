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
  // headers of a request on a kept-alive connection must be allowed to arrive as late as the connection
  // may idle; Node's headersTimeout (60 s) under keepAliveTimeout would cut such a request short
  const http = server as { keepAliveTimeout: number; headersTimeout: number };
  http.keepAliveTimeout = config.server.keepAliveTimeoutMs;
  http.headersTimeout = Math.max(http.headersTimeout, config.server.keepAliveTimeoutMs + 1000);
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
