import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import {
  EXAMPLE_CONFIG,
  gatewayConfigJsonSchema,
  loadConfig,
  startGateway,
  type GatewayConfig,
  type RunningGateway,
} from '@costwise/gateway';
import type { CliIo } from '../io.js';
import { parsePositiveInt } from '../options.js';

export interface ServeFlags {
  readonly config?: string;
  readonly port?: string;
  readonly schema?: boolean;
}

/** The config file: --config, else ./costwise.yaml when it exists, else none (defaults). */
export function configPath(flag: string | undefined, io: CliIo): string | null {
  if (flag !== undefined) return resolve(io.cwd, flag);
  const local = resolve(io.cwd, 'costwise.yaml');
  return existsSync(local) ? local : null;
}

/** Reads the config and applies --port (0 is allowed: any free port). */
export async function serveConfig(
  f: ServeFlags,
  io: CliIo,
): Promise<{ config: GatewayConfig; path: string | null }> {
  const path = configPath(f.config, io);
  const config = await loadConfig(path, io.env);
  const port = f.port === '0' ? 0 : parsePositiveInt('--port', f.port);
  return { config: port === undefined ? config : { ...config, server: { ...config.server, port } }, path };
}

/** The built web app (`npm run build` writes it): packages/web/dist, from src/commands or dist/commands. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Serves the built web app at `/`, after the gateway's own routes (which win); says so when it is not built. */
export function mountWebApp(app: Hono, distDir: string, io: Pick<CliIo, 'stderr'>): void {
  if (existsSync(resolve(distDir, 'index.html'))) app.use('/*', serveStatic({ root: distDir }));
  else io.stderr('costwise: the web app is not built (npm run build); serving the API only\n');
}

/** Starts the gateway and says where; the caller decides how long it runs. */
export async function startServe(f: ServeFlags, io: CliIo): Promise<RunningGateway> {
  const { config, path } = await serveConfig(f, io);
  if (path === null) {
    io.stderr(
      `costwise: no costwise.yaml here and no --config: serving with no providers, the ledger in ${config.storage.url}.\n` +
        `Fill in this example, save it as costwise.yaml, and start again:\n\n${EXAMPLE_CONFIG}\n`,
    );
  }
  const running = await startGateway(config, { cwd: io.cwd, defaultMetrics: true });
  // Before any request is handled (no await in between), while the router can still take routes.
  mountWebApp(running.gateway.app, WEB_DIST, io);
  io.stderr(
    `costwise gateway on http://${config.server.host}:${String(running.port)} — ${String(config.models.length)} models, ${String(config.keys.length)} keys, ledger ${running.gateway.context.store.kind}\n`,
  );
  return running;
}

/** `costwise serve`: runs until SIGINT or SIGTERM, then commits the ledger queue and exits. */
export async function serveCommand(f: ServeFlags, io: CliIo): Promise<number> {
  if (f.schema === true) {
    io.stdout(`${JSON.stringify(gatewayConfigJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const running = await startServe(f, io);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.stop();
  return 0;
}
