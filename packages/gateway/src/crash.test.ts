import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteLedgerStore } from './ledger/index.js';

// kill -9 under load: every request whose response the client received completely must be in the
// ledger. The gateway runs as its own process from the build (scripts/bench-gateway.mjs gateway),
// so this test builds core and gateway first.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const script = join(root, 'scripts/bench-gateway.mjs');
const KEY = 'sk-bench-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'costwise-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"benchPort"'));
      if (line) resolve({ proc, port: (JSON.parse(line) as { benchPort: number }).benchPort });
    });
    proc.on('exit', (code) => {
      reject(new Error(`${args[0] ?? ''} exited with ${String(code)}`));
    });
  });
}

/** One request; resolves with the request id only when the whole response arrived with status 200. */
function request(port: number, agent: http.Agent, stream: boolean): Promise<string | null> {
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hi' }], stream });
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          const complete = stream ? text.trimEnd().endsWith('data: [DONE]') : text.endsWith('}');
          resolve(res.statusCode === 200 && complete ? String(res.headers['x-costwise-request-id']) : null);
        });
        res.on('error', () => {
          resolve(null);
        });
      },
    );
    req.on('error', () => {
      resolve(null);
    });
    req.end(body);
  });
}

describe('crash safety', () => {
  it('kill -9 under load: every acknowledged request is in the ledger', { timeout: 240_000 }, async () => {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core', 'packages/gateway'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    const db = join(dir, 'crash.db');
    const upstream = await start(['upstream']);
    const gateway = await start(['gateway', `http://127.0.0.1:${String(upstream.port)}`, db]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const worker = async (w: number): Promise<void> => {
      while (!killed) {
        const id = await request(gateway.port, agent, (sent++ + w) % 3 === 0);
        if (id !== null) acknowledged.push(id);
      }
    };
    const workers = Array.from({ length: 32 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 1500));
    gateway.proc.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    agent.destroy();
    expect(acknowledged.length).toBeGreaterThan(50);
    // opening the ledger inserts the rows the killed gateway acknowledged from its pending journal
    // (26-32 of them in the runs of 2026-11-27) and says so
    const warnings: string[] = [];
    const store = await openSqliteLedgerStore(db, { onWarning: (m) => warnings.push(m) });
    for (const w of warnings) expect(w).toMatch(/^ledger: \d+ of \d+ acknowledged rows recovered from /);
    const ids = new Set((await store.recent(1_000_000)).map((r) => r.id));
    await store.close();
    const missing = acknowledged.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    expect(sent).toBeGreaterThan(acknowledged.length - 1);
  });
});
