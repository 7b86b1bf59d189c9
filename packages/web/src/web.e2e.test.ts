import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, startGateway, validateConfig } from '@costwise/gateway';
import { serveStatic } from '@hono/node-server/serve-static';
import {
  allGpus,
  architectureFromConfig,
  cheapestGpuHour,
  ENGINE_PROFILES,
  findCatalogModel,
  findGpu,
  fitModel,
  INFERENCE_PLAN_DEFAULTS,
  KV_DTYPES,
  landscape,
  parseCanonicalUsage,
  parsePriceOverrides,
  planMemory,
  predictPerf,
  requestCost,
  resolvePrecision,
  resolvePrice,
} from '@costwise/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, CHROMIUM_PATH, serveBuilt, type BuiltApp } from './_test-web-server.js';

const hasChromium = existsSync(CHROMIUM_PATH);
// `npm run screenshots:web` sets this: each test then saves its page, with the numbers it checked, there.
const SCREENSHOT_DIR = process.env.COSTWISE_SCREENSHOTS;

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR === undefined || SCREENSHOT_DIR === '') return;
  await page.locator('h1').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300); // the charts draw on the next frame
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

function catalogArch(id: string) {
  const m = findCatalogModel(id);
  if (m === undefined) throw new Error(`no catalog model ${id}`);
  const arch = architectureFromConfig(m.config);
  return { m, arch, contextTokens: m.contextTokens ?? arch.maxPositionEmbeddings };
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

async function valueOf(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value');
  expect(raw, `${testId} has a data-value`).not.toBeNull();
  return Number(raw);
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'web app end to end in Chromium'
    : `web app end to end: SKIPPED, ${CHROMIUM_PATH} is missing (apt-get install chromium)`,
  () => {
    let outDir: string;
    let app: BuiltApp;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      outDir = await buildApp();
      app = await serveBuilt(outDir);
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(10_000);
    }, 120_000);

    afterAll(async () => {
      await browser.close();
      await app.close();
    });

    it('landscape: filters by family and sorts, showing exactly core.landscape()', async () => {
      await page.goto(`${app.url}#/`);
      await page.getByLabel('Family').selectOption('moe');
      const moe = landscape({ family: 'moe' });
      await expect.poll(() => page.locator('tbody tr').count()).toBe(moe.length);
      const families = await Promise.all(
        (await page.locator('tbody tr').all()).map((r) => r.getAttribute('data-family')),
      );
      expect(new Set(families)).toEqual(new Set(['moe']));
      expect(page.url()).toContain('family=moe');
      // Default sort: total parameters, largest first.
      const largest = [...moe].sort((a, b) => (b.paramsTotal ?? 0) - (a.paramsTotal ?? 0))[0];
      expect(await page.locator('tbody tr').first().getAttribute('data-id')).toBe(largest?.id);
      await page.getByRole('button', { name: /^params/ }).click();
      const smallest = [...moe].sort((a, b) => (a.paramsTotal ?? 0) - (b.paramsTotal ?? 0))[0];
      expect(await page.locator('tbody tr').first().getAttribute('data-id')).toBe(smallest?.id);
      // Compare two MoE models side by side: the saving per token is core's 1 − active / total.
      const pair = moe.filter((r) => r.paramsTotal !== null && r.paramsActive !== null).slice(0, 2);
      for (const r of pair) await page.getByLabel(`compare ${r.id}`).check();
      expect(page.url()).toContain(`compare=${pair.map((r) => r.id).join('%2C')}`);
      const compare = page.getByTestId('compare-table');
      expect(await compare.locator('thead th').allTextContents()).toEqual([
        'compared',
        ...pair.map((r) => r.id),
      ]);
      const saving = compare.locator('tbody tr', { hasText: 'MoE saving' }).locator('td');
      expect(await saving.allTextContents()).toEqual(
        pair.map((r) => `${(100 * (1 - (r.paramsActive ?? 0) / (r.paramsTotal ?? 1))).toFixed(1)} %`),
      );
      await page.getByLabel('Family').selectOption('all');
      await screenshot(page, 'landscape');
    });

    it('memory planner: after changing inputs, shows core.planMemory and core.fitModel for them', async () => {
      await page.goto(`${app.url}#/memory?model=llama-3.1-8b`);
      await page.getByLabel('Precision').selectOption('fp8');
      await page.getByLabel('Context (tokens)').fill('8192');
      await page.getByLabel('Batch (sequences)').fill('4');
      await page.getByLabel('GPU', { exact: true }).selectOption('a100-80gb');
      expect(page.url()).toContain('batch=4&context=8192&gpu=a100-80gb&model=llama-3.1-8b&precision=fp8');

      const { m, arch, contextTokens } = catalogArch('llama-3.1-8b');
      const plan = planMemory({
        ...INFERENCE_PLAN_DEFAULTS,
        modelId: m.id,
        arch,
        precision: must(resolvePrecision('fp8'), 'fp8'),
        contextTokens: 8192,
        batch: 4,
        gpu: findGpu('a100-80gb') ?? null,
      });
      expect(await valueOf(page, 'memory-total-bytes')).toBe(plan.bytes.total);
      expect(await valueOf(page, 'memory-weights-bytes')).toBe(plan.bytes.weights);
      expect(await valueOf(page, 'memory-kv-bytes')).toBe(plan.bytes.kvCache);
      expect(plan.bytes.kvCache).toBeGreaterThan(0);

      const fit = fitModel(arch, {
        gpus: allGpus(),
        precisions: ['fp8'],
        maxContextTokens: contextTokens,
        workload: {
          contextTokens: 8192,
          batch: 4,
          kvDtype: KV_DTYPES.bf16,
          engine: ENGINE_PROFILES.vllm,
          maxBatchedTokens: Math.min(ENGINE_PROFILES.vllm.defaultMaxBatchedTokens, 1 << 20),
          flashAttention: true,
        },
      });
      // The fit table is a deferred render: wait until it has caught up with the inputs.
      await page.locator('[data-testid="fit-table"][aria-busy="false"]').waitFor();
      const rows = page.getByTestId('fit-table').locator('tbody tr');
      expect(await rows.count()).toBe(fit.options.length);
      const first = must(fit.options[0], 'a fit option');
      expect(await rows.first().getAttribute('data-gpu')).toBe(first.gpu);
      expect(Number(await rows.first().locator('td').nth(4).getAttribute('data-value'))).toBe(
        first.perGpuBytes,
      );

      // The plan survives a reload: its inputs are in the URL.
      await page.reload();
      expect(await valueOf(page, 'memory-total-bytes')).toBe(plan.bytes.total);
      await screenshot(page, 'memory');
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'memory-phone');
      await page.setViewportSize({ width: 1280, height: 900 });

      // A pasted config.json replaces the catalog choice: the plan is core's for that config.
      const qwen = catalogArch('qwen2.5-7b');
      await page.getByLabel(/paste a config\.json/).fill(JSON.stringify(qwen.m.config));
      const pasted = planMemory({
        ...INFERENCE_PLAN_DEFAULTS,
        modelId: 'pasted config.json',
        arch: architectureFromConfig(qwen.m.config, 'config.json'),
        precision: must(resolvePrecision('fp8'), 'fp8'),
        contextTokens: 8192,
        batch: 4,
        gpu: findGpu('a100-80gb') ?? null,
      });
      expect(pasted.bytes.weights).not.toBe(plan.bytes.weights);
      expect(await valueOf(page, 'memory-weights-bytes')).toBe(pasted.bytes.weights);
      expect(await valueOf(page, 'memory-total-bytes')).toBe(pasted.bytes.total);
      await page.getByLabel(/paste a config\.json/).fill('{ not json');
      expect(await page.getByRole('alert').textContent()).toContain('config.json: not valid JSON');
      await page.getByLabel(/paste a config\.json/).fill('');
      expect(await valueOf(page, 'memory-total-bytes')).toBe(plan.bytes.total);
    });

    it('performance: after changing inputs, shows core.predictPerf for them', async () => {
      await page.goto(`${app.url}#/perf`);
      await page.getByLabel('GPU', { exact: true }).selectOption('a100-80gb');
      await page.getByLabel('Batch (sequences)').fill('8');
      await page.getByLabel('Output (tokens)').fill('128');
      const gpu = must(findGpu('a100-80gb'), 'a100-80gb');
      const { arch } = catalogArch('llama-3.1-8b');
      const price = cheapestGpuHour(gpu);
      const r = predictPerf({
        arch,
        precision: must(resolvePrecision('bf16'), 'bf16'),
        kvDtype: KV_DTYPES.bf16,
        gpu,
        tp: 1,
        engine: 'vllm',
        batch: 8,
        inputTokens: 512,
        outputTokens: 128,
        ...(price ? { gpuHourlyUsd: price.usd } : {}),
      });
      if (!r.ok) throw new Error(r.message);
      expect(await valueOf(page, 'perf-ttft-ms')).toBe(r.result.ttftMs);
      expect(await valueOf(page, 'perf-tpot-ms')).toBe(r.result.tpotMs);
      expect(await valueOf(page, 'perf-throughput')).toBe(r.result.outputTokensPerSecond);
      expect(await page.getByTestId('perf-ttft-ms').textContent()).toMatch(/ ms$/);
      await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
      await screenshot(page, 'performance');
    });

    it('cost: after changing the usage, shows core.requestCost at core.resolvePrice', async () => {
      await page.goto(`${app.url}#/cost?model=openai:gpt-4o`);
      await page.getByLabel('Input (tokens)').fill('20000');
      await page.getByLabel('Cache reads (tokens)').fill('8000');
      await page.getByLabel('Output (tokens)').fill('700');
      const usage = parseCanonicalUsage(
        { inputTokens: 20_000, cacheReadTokens: 8000, outputTokens: 700 },
        'test usage',
      );
      const cost = requestCost(usage, resolvePrice('openai', 'gpt-4o'));
      expect(cost.totalUsd).toBeGreaterThan(0);
      expect(await valueOf(page, 'cost-total-usd')).toBe(cost.totalUsd);
      await page.getByLabel('Batch API').check();
      const batch = requestCost(usage, resolvePrice('openai', 'gpt-4o'), { batch: true });
      expect(await valueOf(page, 'cost-total-usd')).toBe(batch.totalUsd);
      expect(page.url()).toContain('batch=1');
      await screenshot(page, 'cost');
    });

    it('dashboard: requests sent through a running gateway appear with their cost', async () => {
      const usage = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 };
      const upstream = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'chatcmpl-web-test',
              object: 'chat.completion',
              created: 0,
              model: 'gpt-4o',
              choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
              usage,
            }),
          );
        });
      });
      await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
      const upstreamPort = (upstream.address() as AddressInfo).port;
      const prices = { inputMtok: 2.5, outputMtok: 10 };
      const adminKey = 'admin-web-test-0123456789';
      const teamKey = 'sk-cw-web-test-0123456789';
      const gw = await startGateway(
        validateConfig(
          {
            server: { port: 0 },
            storage: { url: 'sqlite::memory:' },
            adminKey,
            providers: [
              {
                id: 'oa',
                kind: 'openai',
                baseUrl: `http://127.0.0.1:${String(upstreamPort)}/v1`,
                apiKey: 'sk-up',
              },
            ],
            models: [{ name: 'gpt-4o', provider: 'oa', model: 'gpt-4o', prices }],
            keys: [{ name: 'team', key: teamKey }],
          },
          {},
        ),
        { logger: createLogger('silent') },
      );
      gw.gateway.app.use('/*', serveStatic({ root: outDir }));
      const base = `http://127.0.0.1:${String(gw.port)}`;
      try {
        await page.goto(`${base}/#/dashboard`);
        await page.getByLabel(/^Admin key/).fill(adminKey);
        await page.getByRole('button', { name: 'Show usage' }).click();
        await expect.poll(() => valueOf(page, 'dashboard-total-cost-usd')).toBe(0);
        for (let n = 0; n < 2; n++) {
          const res = await fetch(`${base}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${teamKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] }),
          });
          expect(res.status).toBe(200);
        }
        const one = requestCost(
          parseCanonicalUsage({ inputTokens: 1200, outputTokens: 300 }, 'test usage'),
          resolvePrice('openai', 'gpt-4o', { overrides: parsePriceOverrides(prices) }),
        );
        // The page refreshes on its own: no reload, no click.
        await expect
          .poll(() => valueOf(page, 'dashboard-total-cost-usd'), { timeout: 10_000 })
          .toBeCloseTo(2 * one.totalUsd, 9);
        expect(await page.getByTestId('recent-requests').locator('tbody tr').count()).toBe(2);
        await screenshot(page, 'dashboard');
      } finally {
        await gw.stop();
        await new Promise<void>((done) => {
          upstream.close(() => {
            done();
          });
        });
      }
    });
  },
);
