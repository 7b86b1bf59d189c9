import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, startGateway, validateConfig } from '@costwise/gateway';
import { serveStatic } from '@hono/node-server/serve-static';
import {
  allGpus,
  architectureFromConfig,
  cheapestGpuHour,
  complexityCurve,
  flopsCrossoverTokens,
  moeCostReduction,
  stateBytesPerSequence16Bit,
  ENGINE_PROFILES,
  findCatalogModel,
  findGpu,
  fitModel,
  INFERENCE_PLAN_DEFAULTS,
  KV_DTYPES,
  landscape,
  normalizeOpenAiChat,
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
import {
  buildApp,
  CHROMIUM_PATH,
  expectNoSidewaysScroll,
  hasChromium,
  screenshot,
  serveBuilt,
  valueOf,
  type BuiltApp,
} from './_test-web-server.js';

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
      const catalog = page.getByTestId('landscape-table').locator('tbody tr');
      await expect.poll(() => catalog.count()).toBe(moe.length);
      const families = await Promise.all((await catalog.all()).map((r) => r.getAttribute('data-family')));
      expect(new Set(families)).toEqual(new Set(['moe']));
      await expect.poll(() => page.url()).toContain('family=moe');
      // Default sort: total parameters, largest first.
      const largest = [...moe].sort((a, b) => (b.paramsTotal ?? 0) - (a.paramsTotal ?? 0))[0];
      expect(await catalog.first().getAttribute('data-id')).toBe(largest?.id);
      await page.getByRole('button', { name: /^params/ }).click();
      const smallest = [...moe].sort((a, b) => (a.paramsTotal ?? 0) - (b.paramsTotal ?? 0))[0];
      expect(await catalog.first().getAttribute('data-id')).toBe(smallest?.id);
      // Compare two MoE models side by side: the saving per token is core's 1 − active / total.
      const pair = moe.filter((r) => r.paramsTotal !== null && r.paramsActive !== null).slice(0, 2);
      for (const r of pair) await page.getByLabel(`compare ${r.id}`).check();
      await expect.poll(() => page.url()).toContain(`compare=${pair.map((r) => r.id).join('%2C')}`);
      const compare = page.getByTestId('compare-table');
      expect(await compare.locator('thead th').allTextContents()).toEqual([
        'compared',
        ...pair.map((r) => r.id),
      ]);
      const saving = compare.locator('tbody tr', { hasText: 'MoE saving' }).locator('td');
      expect(await saving.allTextContents()).toEqual(
        pair.map((r) => `${(100 * moeCostReduction(r.paramsActive ?? 0, r.paramsTotal ?? 1)).toFixed(1)} %`),
      );
      await page.getByLabel('Family').selectOption('all');
      await screenshot(page, 'landscape');
    });

    it('landscape: attention against SSM and the MoE view show core.complexityCurve and moeCostReduction', async () => {
      await page.goto(`${app.url}#/`);
      await page.getByLabel('Attention model').selectOption('qwen2.5-7b');
      await page.getByLabel('State-space model').selectOption('mamba-2.8b');
      await page.getByLabel('Context (tokens)').fill('32768');
      await expect.poll(() => page.url()).toContain('a=qwen2.5-7b&b=mamba-2.8b&context=32768');
      const qwen = catalogArch('qwen2.5-7b').arch;
      const mamba = catalogArch('mamba-2.8b').arch;
      const check = async (n: number): Promise<void> => {
        const [a] = complexityCurve(qwen, [n]);
        const [b] = complexityCurve(mamba, [n]);
        expect(await valueOf(page, 'complexity-a-flops')).toBe(a?.flops);
        expect(await valueOf(page, 'complexity-b-flops')).toBe(b?.flops);
        expect(await valueOf(page, 'complexity-a-cache-bytes')).toBe(a?.cacheBytes16Bit);
        expect(await valueOf(page, 'complexity-b-cache-bytes')).toBe(b?.cacheBytes16Bit);
        expect(await valueOf(page, 'complexity-attention-scores')).toBe(n * n);
        const crossover = flopsCrossoverTokens(qwen, mamba, n);
        expect(await page.getByTestId('complexity-crossover-tokens').getAttribute('data-value')).toBe(
          crossover === null ? '' : String(crossover),
        );
      };
      await check(32768);
      // The SSM keeps a constant state: the same bytes at 32K and 1M tokens; the KV cache grows 32×.
      expect(await valueOf(page, 'complexity-b-cache-bytes')).toBe(stateBytesPerSequence16Bit(mamba));
      await page.reload();
      await check(32768);
      await page.getByLabel('Context (tokens)').fill('1048576');
      await check(1_048_576);
      expect(await valueOf(page, 'complexity-b-cache-bytes')).toBe(stateBytesPerSequence16Bit(mamba));
      await expect.poll(() => page.getByTestId('complexity-chart').locator('.chart canvas').count()).toBe(2);

      // The MoE view: every MoE and hybrid model of the landscape, saving = core's 1 − active / total.
      const view = page.getByTestId('moe-view').locator('tbody tr');
      const expected = landscape().filter(
        (r) =>
          (r.family === 'moe' || r.family === 'hybrid') &&
          r.paramsTotal !== null &&
          r.paramsActive !== null &&
          r.paramsActive < r.paramsTotal,
      );
      expect(await view.count()).toBe(expected.length);
      for (const r of expected.slice(0, 5)) {
        const cells = page.getByTestId('moe-view').locator(`tr[data-id="${r.id}"] td`);
        expect(Number(await cells.nth(2).getAttribute('data-value'))).toBe(r.paramsTotal);
        expect(Number(await cells.nth(3).getAttribute('data-value'))).toBe(r.paramsActive);
        expect(Number(await cells.nth(4).getAttribute('data-value'))).toBe(
          moeCostReduction(r.paramsActive ?? 0, r.paramsTotal ?? 1),
        );
      }
      await page.getByTestId('complexity-chart').scrollIntoViewIfNeeded();
      await screenshot(page, 'landscape-complexity');

      // A context that is not a number falls back to the default, never a crash.
      await page.getByLabel('Context (tokens)').fill('');
      expect(await valueOf(page, 'complexity-attention-scores')).toBe(131_072 * 131_072);
      // On a phone the page does not scroll sideways: wide tables scroll in their own box.
      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoSidewaysScroll(page);
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('memory planner: after changing inputs, shows core.planMemory and core.fitModel for them', async () => {
      await page.goto(`${app.url}#/memory?model=llama-3.1-8b`);
      await page.getByLabel('Precision').selectOption('fp8');
      await page.getByLabel('Context (tokens)').fill('8192');
      await page.getByLabel('Batch (sequences)').fill('4');
      await page.getByLabel('GPU', { exact: true }).selectOption('a100-80gb');
      await expect
        .poll(() => page.url())
        .toContain('batch=4&context=8192&gpu=a100-80gb&model=llama-3.1-8b&precision=fp8');

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

    it('memory planner: an hf: id reads config.json from the Hub and plans it with core', async () => {
      const qwen = catalogArch('qwen2.5-7b');
      const asked: string[] = [];
      await page.route('https://huggingface.co/**', async (route) => {
        const url = route.request().url();
        asked.push(`${route.request().method()} ${url}`);
        if (url === 'https://huggingface.co/Qwen/Qwen2.5-7B/resolve/main/config.json')
          await route.fulfill({ status: 200, contentType: 'application/json', json: qwen.m.config });
        else if (url.includes('/not-json/')) await route.fulfill({ status: 200, body: '<html>' });
        else await route.fulfill({ status: 404, body: 'Repository not found' });
      });
      try {
        await page.goto(`${app.url}#/memory?batch=2&context=16384`);
        await page.getByLabel(/Hugging Face id/).fill('hf:Qwen/Qwen2.5-7B');
        // The keyboard alone loads it: Enter in the field submits the id.
        await page.getByLabel(/Hugging Face id/).press('Enter');
        await expect.poll(() => page.url()).toContain('hf=hf%3AQwen%2FQwen2.5-7B');
        const plan = planMemory({
          ...INFERENCE_PLAN_DEFAULTS,
          modelId: 'hf:Qwen/Qwen2.5-7B',
          arch: architectureFromConfig(qwen.m.config, 'hf:Qwen/Qwen2.5-7B/config.json'),
          precision: must(resolvePrecision('bf16'), 'bf16'),
          contextTokens: 16384,
          batch: 2,
          gpu: findGpu('h100-sxm') ?? null,
        });
        await expect.poll(() => valueOf(page, 'memory-total-bytes')).toBe(plan.bytes.total);
        expect(await valueOf(page, 'memory-weights-bytes')).toBe(plan.bytes.weights);
        expect(await valueOf(page, 'memory-kv-bytes')).toBe(plan.bytes.kvCache);
        expect(await page.getByTestId('memory-model').textContent()).toContain('hf:Qwen/Qwen2.5-7B');
        await screenshot(page, 'memory-hf');
        await page.setViewportSize({ width: 390, height: 844 });
        await expectNoSidewaysScroll(page);
        await page.setViewportSize({ width: 1280, height: 900 });
        // The link reproduces the plan: a reload fetches the same config.json again.
        const before = asked.length;
        await page.reload();
        await expect.poll(() => valueOf(page, 'memory-total-bytes')).toBe(plan.bytes.total);
        expect(before).toBeGreaterThanOrEqual(1);
        expect(asked.length).toBeGreaterThan(before);
        expect(new Set(asked)).toEqual(
          new Set(['GET https://huggingface.co/Qwen/Qwen2.5-7B/resolve/main/config.json']),
        );

        // A missing or gated repository, a body that is not JSON, an id that is not one: an alert, no crash.
        const alertFor = async (id: string): Promise<string | null> => {
          await page.getByLabel(/Hugging Face id/).fill(id);
          await page.getByRole('button', { name: 'Load config.json' }).click();
          await page.getByRole('alert').waitFor();
          return page.getByRole('alert').textContent();
        };
        expect(await alertFor('org/no-such-model')).toBe(
          'hf:org/no-such-model: no such model or it is gated (HTTP 404): paste its config.json instead',
        );
        expect(await alertFor('org/not-json')).toContain('hf:org/not-json: config.json is not JSON');
        expect(await alertFor('not an id')).toContain('Hugging Face id: "not an id" is not a repository id');
        // Clearing the id goes back to the catalog model.
        await page.getByLabel(/Hugging Face id/).fill('');
        await page.getByRole('button', { name: 'Load config.json' }).click();
        const { m, arch } = catalogArch('llama-3.1-8b');
        const catalogPlan = planMemory({
          ...INFERENCE_PLAN_DEFAULTS,
          modelId: m.id,
          arch,
          precision: must(resolvePrecision('bf16'), 'bf16'),
          contextTokens: 16384,
          batch: 2,
          gpu: findGpu('h100-sxm') ?? null,
        });
        await expect.poll(() => valueOf(page, 'memory-total-bytes')).toBe(catalogPlan.bytes.total);
        await expect.poll(() => page.url()).not.toContain('hf=');
      } finally {
        await page.unroute('https://huggingface.co/**');
      }
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
      await expect.poll(() => page.url()).toContain('batch=1');
      await screenshot(page, 'cost');
    });

    it('dashboard: requests through a running gateway show their cost, tokens, routes, key budget and savings', async () => {
      // The fake upstream reports 400 of the 1,200 input tokens as read from the provider's prompt cache.
      const usage = {
        prompt_tokens: 1200,
        completion_tokens: 300,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 400 },
      };
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
      const prices = { inputMtok: 2.5, cacheReadMtok: 1.25, outputMtok: 10 };
      const miniPrices = { inputMtok: 0.15, cacheReadMtok: 0.075, outputMtok: 0.6 };
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
            models: [
              { name: 'gpt-4o', provider: 'oa', model: 'gpt-4o', prices },
              { name: 'gpt-4o-mini', provider: 'oa', model: 'gpt-4o-mini', prices: miniPrices },
            ],
            routes: [{ name: 'auto', strategy: 'cheapest', candidates: ['gpt-4o', 'gpt-4o-mini'] }],
            keys: [{ name: 'team', key: teamKey }],
          },
          {},
        ),
        { logger: createLogger('silent') },
      );
      gw.gateway.app.use('/*', serveStatic({ root: outDir }));
      const base = `http://127.0.0.1:${String(gw.port)}`;
      const send = async (key: string, model: string): Promise<void> => {
        const res = await fetch(`${base}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
        });
        expect(res.status).toBe(200);
        await res.text();
      };
      try {
        await page.goto(`${base}/#/dashboard`);
        await page.getByLabel(/^Admin key/).fill(adminKey);
        await page.getByRole('button', { name: 'Show usage' }).click();
        await expect.poll(() => valueOf(page, 'dashboard-total-cost-usd')).toBe(0);

        // A key made through the admin API, with a budget; its requests go through the `auto` route.
        const created = await fetch(`${base}/admin/keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'web', budgetUsd: 1 }),
        });
        expect(created.status).toBe(201);
        const { key: webKey } = (await created.json()) as { key: string };
        for (let n = 0; n < 2; n++) await send(teamKey, 'gpt-4o');
        for (let n = 0; n < 3; n++) await send(webKey, 'auto');

        // What each request cost, by core, from the upstream's usage as core normalizes it.
        const canonical = normalizeOpenAiChat(usage).usage;
        const price = resolvePrice('openai', 'gpt-4o', { overrides: parsePriceOverrides(prices) });
        const miniPrice = resolvePrice('openai', 'gpt-4o-mini', {
          overrides: parsePriceOverrides(miniPrices),
        });
        const one = requestCost(canonical, price).totalUsd;
        const oneMini = requestCost(canonical, miniPrice).totalUsd;
        const uncached = { ...canonical, cacheReadTokens: 0 };
        const uncachedOne = requestCost(uncached, price, { expected: true }).totalUsd;
        const uncachedMini = requestCost(uncached, miniPrice, { expected: true }).totalUsd;
        expect(oneMini).toBeLessThan(one);

        // The page refreshes on its own: no reload, no click.
        await expect
          .poll(() => valueOf(page, 'dashboard-total-cost-usd'), { timeout: 10_000 })
          .toBeCloseTo(2 * one + 3 * oneMini, 9);
        await expect.poll(() => page.getByTestId('recent-requests').locator('tbody tr').count()).toBe(5);
        await expect
          .poll(() => valueOf(page, 'dashboard-savings-actual-usd'))
          .toBeCloseTo(2 * one + 3 * oneMini, 9);

        // Tokens by kind: the input counted once (uncached + cache read), as core's canonical usage has it.
        expect(await valueOf(page, 'dashboard-tokens-uncachedInput')).toBe(
          5 * (canonical.inputTokens - canonical.cacheReadTokens),
        );
        expect(await valueOf(page, 'dashboard-tokens-cacheRead')).toBe(5 * canonical.cacheReadTokens);
        expect(await valueOf(page, 'dashboard-tokens-cacheWrite')).toBe(0);
        expect(await valueOf(page, 'dashboard-tokens-output')).toBe(5 * canonical.outputTokens);
        expect(await valueOf(page, 'dashboard-prompt-cache-read-share')).toBeCloseTo(
          canonical.cacheReadTokens / canonical.inputTokens,
          12,
        );
        const autoRow = page.getByTestId('usage-by-model').locator('tr[data-group="auto"]');
        expect(Number(await autoRow.locator('[data-kind="cacheRead"]').getAttribute('data-value'))).toBe(
          3 * canonical.cacheReadTokens,
        );
        expect(
          Number(await autoRow.locator('[data-rate="prompt-cache"]').getAttribute('data-value')),
        ).toBeCloseTo(canonical.cacheReadTokens / canonical.inputTokens, 12);

        // Routing shares: the cheapest route sent all its requests to the mini model.
        const shares = page.getByTestId('routing-shares');
        expect(
          Number(
            await shares.locator('tr[data-group="oa:gpt-4o-mini"] td').nth(2).getAttribute('data-value'),
          ),
        ).toBeCloseTo(3 / 5, 12);
        expect(
          Number(await shares.locator('tr[data-group="oa:gpt-4o"] td').nth(2).getAttribute('data-value')),
        ).toBeCloseTo(2 / 5, 12);
        expect(
          await page.getByTestId('route-shares').locator('tr[data-route="auto"] td').nth(3).textContent(),
        ).toBe('oa:gpt-4o-mini 100.0 %');

        // The new key's budget: its spend is the cost of its three requests.
        const web = page.getByTestId('key-budgets').locator('tr[data-key="web"]');
        const field = async (name: string): Promise<number> =>
          Number(await web.locator(`[data-field="${name}"]`).getAttribute('data-value'));
        expect(await field('budget')).toBe(1);
        expect(await field('spent')).toBeCloseTo(3 * oneMini, 9);
        expect(await field('remaining')).toBeCloseTo(1 - 3 * oneMini, 9);
        expect(await field('used')).toBeCloseTo(3 * oneMini, 9);
        expect(
          await page
            .getByTestId('key-budgets')
            .locator('tr[data-key="team"] [data-field="spent"]')
            .getAttribute('data-value'),
        ).not.toBeNull();

        // Savings by lever: routing (mini instead of the route's dearest candidate) and the prompt cache.
        expect(await valueOf(page, 'dashboard-savings-routing-usd')).toBeCloseTo(
          3 * (uncachedOne - uncachedMini),
          9,
        );
        expect(await valueOf(page, 'dashboard-savings-prompt-cache-usd')).toBeCloseTo(
          2 * (uncachedOne - one) + 3 * (uncachedMini - oneMini),
          9,
        );
        expect(await valueOf(page, 'dashboard-savings-response-cache-usd')).toBe(0);
        expect(await valueOf(page, 'dashboard-savings-baseline-usd')).toBeCloseTo(5 * uncachedOne, 9);
        expect(await valueOf(page, 'dashboard-savings-saved-usd')).toBeCloseTo(
          5 * uncachedOne - (2 * one + 3 * oneMini),
          9,
        );
        await screenshot(page, 'dashboard');
        await page.setViewportSize({ width: 390, height: 844 });
        await expectNoSidewaysScroll(page);
        await screenshot(page, 'dashboard-phone');
        await page.setViewportSize({ width: 1280, height: 900 });

        // A wrong admin key is an alert naming the endpoint, not a blank page.
        await page.getByLabel(/^Admin key/).fill('wrong-admin-key-000');
        await page.getByRole('button', { name: 'Show usage' }).click();
        await expect
          .poll(() => page.getByRole('alert').textContent())
          .toContain('/admin/usage: missing or wrong admin key');
        expect(await page.getByTestId('dashboard-total-cost-usd').count()).toBe(0);
      } finally {
        await page.evaluate('sessionStorage.clear()');
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
