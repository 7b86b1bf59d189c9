import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountWebApp } from './commands/serve.js';
import type { CliIo } from './io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costwise-web-dist-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function quietIo(): { io: Pick<CliIo, 'stderr'>; stderr: () => string } {
  let err = '';
  const io = {
    stderr: (s: string) => {
      err += s;
    },
  };
  return { io, stderr: () => err };
}

describe('costwise serve: the web app at /', () => {
  it('serves index.html and assets, after the gateway routes (which still win)', async () => {
    await writeFile(join(dir, 'index.html'), '<div id="root"></div>');
    await writeFile(join(dir, 'app.js'), 'export {};');
    const app = new Hono();
    app.get('/healthz', (c) => c.json({ status: 'ok' }));
    app.notFound((c) => c.json({ error: 'none' }, 404));
    mountWebApp(app, dir, quietIo().io);
    const index = await app.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toBe('<div id="root"></div>');
    expect((await app.request('/app.js')).headers.get('content-type')).toContain('javascript');
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.request('/nope.js')).status).toBe(404);
  });

  it('says the web app is not built, and serves the API only, when dist has no index.html', async () => {
    const { io, stderr } = quietIo();
    const app = new Hono();
    mountWebApp(app, join(dir, 'missing'), io);
    expect(stderr()).toContain('the web app is not built');
    expect((await app.request('/')).status).toBe(404);
  });
});
