import { readFileSync } from 'node:fs';
import {
  architectureFromConfig,
  blendedUsdPerMTok,
  breakEven,
  cachedTrafficCost,
  CACHE_POLICIES,
  cheapestGpuHour,
  compareTtls,
  findCatalogModel,
  findGpu,
  fixedMonthlyUsd,
  HOURS_PER_MONTH,
  forecast,
  KV_DTYPES,
  parseWorkload,
  predictPerf,
  resolvePrecision,
  resolvePrice,
  simulateCache,
} from '@costwise/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildApp,
  CHROMIUM_PATH,
  expectNoSidewaysScroll,
  hasChromium,
  screenshot,
  serveBuilt,
  valueOf,
  type BuiltApp,
} from '../_test-web-server.js';

const RAG_YAML = readFileSync(new URL('../../../../examples/rag.yaml', import.meta.url), 'utf8');

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'costs pages end to end in Chromium'
    : `costs pages end to end: SKIPPED, ${CHROMIUM_PATH} is missing (apt-get install chromium)`,
  () => {
    let app: BuiltApp;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      app = await serveBuilt(await buildApp());
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(10_000);
    }, 120_000);

    afterAll(async () => {
      await browser.close();
      await app.close();
    });

    it('forecast: after editing the form, shows core.forecast for that workload, as a waterfall', async () => {
      await page.goto(`${app.url}#/forecast`);
      await page.getByLabel('Requests per day (requests)').fill('10000');
      await page.getByLabel('Static prefix (tokens)').fill('4000');
      await page.getByLabel('Prompt caching TTL').selectOption('1h');
      await page.getByLabel('Routing', { exact: true }).uncheck();
      await page.getByLabel('Batch API', { exact: true }).check();
      await page.getByLabel('Batch share (0–1)').fill('0.4');
      await expect
        .poll(() => page.url())
        .toContain('batch=1&batchShare=0.4&caching=1h&perDay=10000&prefix=4000&routing=0');

      const f = forecast(
        parseWorkload({
          traffic: { requestsPerDay: 10_000 },
          prompt: { staticPrefixTokens: 4000, dynamicTokens: { mean: 8000 } },
          output: { tokens: { mean: 500 } },
          options: [{ name: 'Claude 3.5 Sonnet', api: 'anthropic:claude-3-5-sonnet' }],
          levers: { caching: { ttl: '1h' }, batchShare: 0.4, maxTokens: 600, contextKept: 0.25 },
        }),
      );
      const o = must(f.options[0], 'an option');
      expect(o.steps.map((s) => s.lever)).toEqual(['baseline', 'caching', 'batch', 'maxTokens', 'context']);
      expect(o.finalUsd).toBeLessThan(o.baselineUsd);
      expect(await valueOf(page, 'forecast-final-usd')).toBe(o.finalUsd);
      expect(await valueOf(page, 'forecast-baseline-usd')).toBe(o.baselineUsd);
      expect(await page.getByTestId('forecast-final-usd').textContent()).toMatch(/^\$[\d,.]+\/month$/);
      const rows = page.getByTestId('forecast-steps').locator('tbody tr');
      expect(await rows.count()).toBe(o.steps.length);
      for (const [i, s] of o.steps.entries())
        expect(Number(await rows.nth(i).locator('td').nth(1).getAttribute('data-value'))).toBe(s.usd);
      await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);

      // The forecast survives a reload: its inputs are in the URL.
      await page.reload();
      expect(await valueOf(page, 'forecast-final-usd')).toBe(o.finalUsd);
      await screenshot(page, 'forecast');

      // A bad field is an error naming its schema path, not a crash.
      await page.getByLabel('Requests per day (requests)').fill('-5');
      expect(await page.getByRole('alert').textContent()).toContain('workload.traffic.requestsPerDay');
      await page.getByLabel('Requests per day (requests)').fill('10000');
      expect(await valueOf(page, 'forecast-final-usd')).toBe(o.finalUsd);

      // A pasted workload file replaces the form: examples/rag.yaml, as `costwise forecast` prices it.
      await page.getByLabel(/paste a workload file/).fill(RAG_YAML);
      const rag = must(forecast(parseWorkload(parseYaml(RAG_YAML))).options[0], 'the rag option');
      expect(await valueOf(page, 'forecast-final-usd')).toBe(rag.finalUsd);
      expect(Math.round(rag.finalUsd)).toBe(1589); // docs/workload.md
      // Several options: a table of all, and the waterfall of the one chosen (examples/self-host.yaml).
      const selfHostYaml = readFileSync(
        new URL('../../../../examples/self-host.yaml', import.meta.url),
        'utf8',
      );
      await page.getByLabel(/paste a workload file/).fill(selfHostYaml);
      const both = forecast(parseWorkload(parseYaml(selfHostYaml))).options;
      expect(both).toHaveLength(2);
      expect(await page.getByTestId('forecast-options').locator('tbody tr').count()).toBe(2);
      expect(await valueOf(page, 'forecast-final-usd')).toBe(both[0]?.finalUsd);
      await page.getByLabel('Waterfall of option').selectOption('1');
      expect(await valueOf(page, 'forecast-final-usd')).toBe(both[1]?.finalUsd);
      await expect.poll(() => page.url()).toContain('option=1');
      await page.getByLabel(/paste a workload file/).fill('traffic: [1, 2');
      expect(await page.getByRole('alert').textContent()).toContain('workload: is not valid YAML');
      await page.getByRole('button', { name: 'Clear the pasted workload' }).click();
      expect(await valueOf(page, 'forecast-final-usd')).toBe(o.finalUsd);

      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoSidewaysScroll(page);
      await screenshot(page, 'forecast-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it("caching: shows core's hit rate, costs and TTL comparison, and the seeded simulation", async () => {
      await page.goto(`${app.url}#/caching?model=anthropic:claude-3-5-sonnet`);
      await page.getByLabel('Static prefix (tokens)').fill('6000');
      await page.getByLabel('Arrival rate (requests/hour)').fill('3');
      await page.getByLabel('TTL', { exact: true }).selectOption('1h');

      const price = resolvePrice('anthropic', 'claude-3-5-sonnet');
      const policy = must(CACHE_POLICIES.anthropic, 'the anthropic policy');
      const prompt = { prefixTokens: 6000, dynamicTokens: 500, outputTokens: 300 };
      const arrivals = { kind: 'poisson', requestsPerSecond: 3 / 3600 } as const;
      const c = cachedTrafficCost(price, policy, prompt, arrivals, '1h');
      expect(c.hitRate).toBeGreaterThan(0.9);
      expect(await valueOf(page, 'caching-hit-rate')).toBe(c.hitRate);
      expect(await valueOf(page, 'caching-cost-usd')).toBe(c.usdPerRequest);
      expect(await valueOf(page, 'caching-uncached-usd')).toBe(c.uncachedUsdPerRequest);
      expect(await valueOf(page, 'caching-saving-usd')).toBeCloseTo(
        c.uncachedUsdPerRequest - c.usdPerRequest,
        12,
      );
      expect(await page.getByTestId('caching-cost-usd').textContent()).toMatch(/ per request$/);
      const ttls = compareTtls(price, policy, prompt, arrivals);
      const ttlRows = await page.getByTestId('caching-ttls').locator('tbody tr').all();
      expect(await Promise.all(ttlRows.map((r) => r.getAttribute('data-ttl')))).toEqual(
        ttls.map((t) => t.ttl),
      );
      expect(Number(await ttlRows[0]?.locator('td').nth(3).getAttribute('data-value'))).toBe(
        ttls[0]?.usdPerRequest,
      );
      // The simulation is a deferred render: wait for it to catch up.
      const sim = simulateCache(arrivals, 3600, 20_000, 1);
      await expect.poll(() => valueOf(page, 'caching-simulated-hit-rate')).toBe(sim.hitRate);
      await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
      await expect.poll(() => page.url()).toContain('prefix=6000&rate=3&ttl=1h');

      await page.reload();
      expect(await valueOf(page, 'caching-cost-usd')).toBe(c.usdPerRequest);
      await screenshot(page, 'caching');

      await page.getByLabel('Model (provider:model)').fill('groq:gemma2-9b-it');
      expect(await page.getByRole('alert').textContent()).toContain('model: no prompt-cache policy');
      await page.getByLabel('Model (provider:model)').fill('anthropic:claude-3-5-sonnet');
      await page.getByLabel('Arrival rate (requests/hour)').fill('0');
      expect(await page.getByRole('alert').textContent()).toContain('rate: "0" must be a number > 0');
      await page.getByLabel('Arrival rate (requests/hour)').fill('3');
      await page.getByLabel('TTL', { exact: true }).selectOption('none');
      expect(await valueOf(page, 'caching-hit-rate')).toBe(0);
      expect(await valueOf(page, 'caching-cost-usd')).toBe(c.uncachedUsdPerRequest);

      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoSidewaysScroll(page);
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('break-even: shows core.breakEven of the API price and predictPerf self-hosting', async () => {
      await page.goto(`${app.url}#/breakeven`);
      await page.getByLabel('Self-hosted model').selectOption('llama-3.1-8b');
      await page.getByLabel('GPU', { exact: true }).selectOption('a100-80gb');
      await page.getByLabel('Tensor parallel (GPUs)').fill('1');
      await page.getByLabel('Precision').selectOption('bf16');
      await page.getByLabel('Utilization (0–1)').fill('0.6');
      await page.getByLabel('Operations (USD/month)').fill('5000');

      const entry = must(findCatalogModel('llama-3.1-8b'), 'llama-3.1-8b');
      const gpu = must(findGpu('a100-80gb'), 'a100-80gb');
      const r = predictPerf({
        arch: architectureFromConfig(entry.config),
        precision: must(resolvePrecision('bf16'), 'bf16'),
        kvDtype: KV_DTYPES.bf16,
        gpu,
        tp: 1,
        engine: 'vllm',
        batch: 'max',
        inputTokens: 768,
        outputTokens: 256,
        gpuHourlyUsd: must(cheapestGpuHour(gpu), 'an A100 price').usd,
        utilization: 0.6,
      });
      if (!r.ok) throw new Error(r.message);
      const self = blendedUsdPerMTok(
        must(r.result.usdPerMillionInputTokens, '$/M in'),
        must(r.result.usdPerMillionOutputTokens, '$/M out'),
        0.25,
      );
      const api = resolvePrice('openai', 'gpt-4o');
      const b = breakEven({
        apiUsdPerMTok: blendedUsdPerMTok(api.record.inputMtok, api.record.outputMtok, 0.25),
        selfHostUsdPerMTok: self,
        selfHostFixedUsdPerMonth: fixedMonthlyUsd({ opsUsdPerMonth: 5000 }),
        // the page's default: one always-on replica of 1 GPU for a month
        selfHostMinimumUsdPerMonth: must(cheapestGpuHour(gpu), 'an A100 price').usd * HOURS_PER_MONTH,
      });
      const tokens = must(b.breakEvenTokensPerMonth, 'a break-even');
      expect(await valueOf(page, 'breakeven-tokens')).toBe(tokens);
      expect(await valueOf(page, 'breakeven-self-usd-per-mtok')).toBe(self);
      expect(await valueOf(page, 'breakeven-api-usd-per-mtok')).toBe(b.apiUsdPerMTok);
      expect(await valueOf(page, 'breakeven-gpu-floor-usd')).toBe(b.selfHostMinimumUsdPerMonth);
      expect(await page.getByTestId('breakeven-tokens').textContent()).toMatch(/ B tokens per month$/);
      await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);

      await page.reload();
      expect(await valueOf(page, 'breakeven-tokens')).toBe(tokens);
      await screenshot(page, 'breakeven');

      await page.getByLabel('Utilization (0–1)').fill('0');
      expect(await page.getByRole('alert').textContent()).toContain('utilization: "0" must be a number > 0');
      await page.getByLabel('Utilization (0–1)').fill('0.6');
      expect(await valueOf(page, 'breakeven-tokens')).toBe(tokens);

      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoSidewaysScroll(page);
      await screenshot(page, 'breakeven-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  },
);
