import { Hono } from 'hono';
import { CLIENT_APIS } from './client-apis.js';
import {
  adminCreateKey,
  adminDeleteKey,
  adminListKeys,
  adminRequests,
  adminSavings,
  adminUsage,
} from './admin.js';
import type { GatewayContext } from './gateway-context.js';
import { presentedKey } from './keys.js';
import { handleLlmRequest } from './proxy.js';

/** The gateway's HTTP routes (Hono); test in-process with `app.request()`. */
export function createApp(g: GatewayContext): Hono {
  const app = new Hono();
  app.post('/v1/chat/completions', (c) => handleLlmRequest(g, c, 'openai-chat'));
  app.post('/v1/messages', (c) => handleLlmRequest(g, c, 'anthropic-messages'));
  app.get('/v1/models', async (c) => {
    if (
      (await g.keys.lookup(presentedKey(c.req.header('authorization'), c.req.header('x-api-key')))) === null
    ) {
      g.metrics.authFailures.inc();
      return c.json(
        CLIENT_APIS['openai-chat'].errorBody('authentication', 'missing or invalid API key'),
        401,
      );
    }
    // One list both SDKs read: OpenAI's { object, data: [{ id, object, owned_by }] } and Anthropic's
    // { data: [{ type, id, display_name }], has_more }.
    const names = [
      ...[...g.models.values()].map((m) => ({ name: m.config.name, owner: m.provider.id })),
      ...[...g.routes.values()].map((r) => ({ name: r.name, owner: `route:${r.strategy}` })),
    ];
    const data = names.map((m) => ({
      id: m.name,
      object: 'model',
      type: 'model',
      created: 0,
      created_at: '1970-01-01T00:00:00Z',
      display_name: m.name,
      owned_by: m.owner,
    }));
    return c.json({
      object: 'list',
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    });
  });
  app.get('/healthz', (c) => c.json({ status: 'ok', models: g.models.size, ledger: g.store.kind }));
  app.get('/metrics', async (c) => {
    c.header('content-type', g.metrics.registry.contentType);
    return c.body(await g.metrics.registry.metrics());
  });
  app.get('/admin/usage', (c) => adminUsage(g, c));
  app.get('/admin/requests', (c) => adminRequests(g, c));
  app.get('/admin/keys', (c) => adminListKeys(g, c));
  app.post('/admin/keys', (c) => adminCreateKey(g, c));
  app.delete('/admin/keys/:id', (c) => adminDeleteKey(g, c));
  app.get('/admin/savings', (c) => adminSavings(g, c));
  app.notFound((c) =>
    c.json(
      { error: { message: `no route ${c.req.method} ${c.req.path}`, type: 'invalid_request_error' } },
      404,
    ),
  );
  app.onError((error, c) => {
    g.logger.error({ err: error.message, path: c.req.path }, 'unhandled error');
    g.metrics.errors.inc({ type: 'internal' });
    return c.json({ error: { message: 'internal gateway error', type: 'api_error' } }, 500);
  });
  return app;
}
