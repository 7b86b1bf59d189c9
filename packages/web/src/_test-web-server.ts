import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** The end-to-end suites skip (and say why in their name) where Debian's chromium is not installed. */
export const hasChromium = existsSync(CHROMIUM_PATH);
// `npm run screenshots:web` sets this: each test then saves its page, with the numbers it checked, there.
const SCREENSHOT_DIR = process.env.COSTWISE_SCREENSHOTS;

/** Saves the page as docs/screenshots/<name>.png when `npm run screenshots:web` runs the suites. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR === undefined || SCREENSHOT_DIR === '') return;
  await page.locator('h1').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(300); // the charts draw on the next frame
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** The raw number a key output holds in its data-value attribute. */
export async function valueOf(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value');
  expect(raw, `${testId} has a data-value`).not.toBeNull();
  return Number(raw);
}
const WEB_ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface BuiltApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the app with its own vite.config.ts into a temporary folder; returns the folder. */
export async function buildApp(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'costwise-web-'));
  await build({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Serves a built app on loopback; close() also removes the folder. */
export async function serveBuilt(outDir: string): Promise<BuiltApp> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    const file = join(outDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(outDir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      },
      () => {
        res.writeHead(404).end();
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => {
          done();
        });
      });
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** On a phone-sized viewport: the page does not scroll sideways (wide tables scroll in their own box). */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  // The charts resize on the window's resize event, which may come after setViewportSize resolves.
  await expect
    .poll(() => page.evaluate<number>('document.documentElement.scrollWidth'), { timeout: 3000 })
    .toBeLessThanOrEqual(width)
    .catch(() => undefined);
  // A string, run in the page: this file is type-checked without the DOM library.
  const { scrollWidth, offenders } = await page.evaluate<{
    scrollWidth: number;
    offenders: string[];
  }>(`(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter(
      (e) => e.getBoundingClientRect().right > width + 1 && e.closest('.scroll') === null,
    );
    return {
      scrollWidth: document.documentElement.scrollWidth,
      offenders: wide.slice(0, 5).map((e) => e.tagName + '.' + e.className + ': ' + (e.textContent ?? '').slice(0, 40)),
    };
  })()`);
  expect(scrollWidth, offenders.join(' | ')).toBeLessThanOrEqual(width);
}
