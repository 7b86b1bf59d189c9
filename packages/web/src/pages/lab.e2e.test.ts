import {
  adviseQuantization,
  architectureFromConfig,
  findCatalogModel,
  findGpu,
  kvCacheStateBytes,
  outputRelativeError,
  QUANT_SCHEME_IDS,
  QUANT_SCHEMES,
  quantizeLayerGptq,
  quantizeTensor,
  type QuantSchemeId,
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
} from '../_test-web-server.js';
import {
  attentionInputs,
  computeAttention,
  computeMoe,
  computeSsm,
  moeInputs,
  ssmInputs,
} from './mechanisms-lab.js';
import { computeQuantSample } from './quant-lab.js';

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}

/**
 * Median milliseconds from setting a field (by name) to the moment the output's data-value changed,
 * measured inside the page over `values` (as scripts/bench-web.mjs does).
 */
async function inputLatencyMs(
  page: Page,
  field: string,
  output: string,
  values: readonly string[],
): Promise<number> {
  const args = JSON.stringify({ field, output, values });
  const times = await page.evaluate<number[]>(`(async ({ field, output, values }) => {
    const el = document.querySelector('[name="' + field + '"]');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const read = () => document.querySelector('[data-testid="' + output + '"]')?.getAttribute('data-value');
    const result = [];
    for (const v of values) {
      const before = read();
      const changed = new Promise((done) => {
        const seen = new MutationObserver(() => {
          if (read() !== before) {
            seen.disconnect();
            done(performance.now());
          }
        });
        seen.observe(document.body, { subtree: true, attributes: true, childList: true });
      });
      const start = performance.now();
      setValue.call(el, v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      result.push((await changed) - start);
      await new Promise((done) => setTimeout(done, 20));
    }
    return result;
  })(${args})`);
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'quantization and mechanisms pages end to end in Chromium'
    : `quantization and mechanisms pages end to end: SKIPPED, ${CHROMIUM_PATH} is missing (apt-get install chromium)`,
  () => {
    let app: BuiltApp;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      app = await serveBuilt(await buildApp());
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(20_000);
    }, 180_000);

    afterAll(async () => {
      await browser.close();
      await app.close();
    });

    const tableDone = (p: Page) => p.locator('[data-testid="quant-table"][aria-busy="false"]').waitFor();

    it('quantization: the formats table shows core.quantizeTensor (and GPTQ) on the sample the inputs choose', async () => {
      await page.goto(`${app.url}#/quant?size=4096`);
      await page.getByLabel('Distribution').selectOption('student-t');
      await page.getByLabel('Seed (integer)').fill('9');
      await expect.poll(() => page.url()).toContain('dist=student-t&seed=9&size=4096');
      await tableDone(page);

      const { sample, calibration, stats } = computeQuantSample({
        dist: 'student-t',
        seed: '9',
        size: '4096',
      });
      expect(await valueOf(page, 'quant-sample-absmax')).toBe(stats.absMax);
      const layer = { weight: sample.values, outFeatures: sample.shape[0], inFeatures: sample.shape[1] };
      const chunked = QUANT_SCHEME_IDS.filter((id) => !QUANT_SCHEMES[id].layerWise);
      for (const id of chunked) {
        const q = quantizeTensor(id, sample.values, sample.shape);
        expect(await valueOf(page, `quant-snr-${id}`), id).toBeCloseTo(q.error.snrDb, 9);
        expect(await valueOf(page, `quant-mse-${id}`), id).toBeCloseTo(q.error.mse, 15);
        expect(await valueOf(page, `quant-bits-${id}`), id).toBe(q.bitsPerWeight);
        expect(await valueOf(page, `quant-cosine-${id}`), id).toBeCloseTo(q.error.cosine, 12);
      }
      const gptq = quantizeLayerGptq(layer, calibration);
      expect(await valueOf(page, 'quant-output-error-gptq-4bit')).toBeCloseTo(
        outputRelativeError(layer, gptq.dequantized, calibration),
        9,
      );
      // Every scheme of core has its row.
      expect(await page.getByTestId('quant-table').locator('tbody tr').count()).toBe(QUANT_SCHEME_IDS.length);
      const snr = async (id: QuantSchemeId) => valueOf(page, `quant-snr-${id}`);
      expect(await snr('int8')).toBeGreaterThan(await snr('nf4'));
      await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);

      // The link keeps the inputs: a reload shows the same numbers.
      const before = await snr('nf4');
      await page.reload();
      await tableDone(page);
      expect(await snr('nf4')).toBe(before);
      await screenshot(page, 'quantization');

      // Bad input: an alert that names the field and the fix, not a crash.
      await page.getByLabel('Seed (integer)').fill('-3');
      expect(await page.getByRole('alert').textContent()).toBe(
        'Seed: "-3" is not allowed; enter a whole number from 0 to 4294967295',
      );
      await page.getByLabel('Seed (integer)').fill('9');
      await tableDone(page);
      expect(await snr('nf4')).toBe(before);
    });

    it('quantization: the decision guide shows core.adviseQuantization for the chosen scenario, model and GPU', async () => {
      await page.goto(`${app.url}#/quant`);
      await page.getByLabel('Scenario').selectOption('edge');
      await page.getByLabel('Model').selectOption('llama-3.1-8b');
      await page.getByLabel('GPU', { exact: true }).selectOption('l4');
      await page.getByLabel('Context (tokens)').fill('8192');
      await expect.poll(() => page.url()).toContain('context=8192&gpu=l4&model=llama-3.1-8b&scenario=edge');
      const m = must(findCatalogModel('llama-3.1-8b'), 'llama-3.1-8b');
      const advice = adviseQuantization({
        scenario: 'edge',
        modelId: m.id,
        arch: architectureFromConfig(m.config),
        gpu: must(findGpu('l4'), 'l4'),
        gpus: 1,
        contextTokens: 8192,
      });
      const rec = must(advice.recommended, 'a recommendation');
      const shown = page.getByTestId('quant-advice');
      expect(await shown.getAttribute('data-precision')).toBe(rec.precision);
      expect(await shown.textContent()).toContain(`Recommended: ${rec.precision} (${rec.mode})`);
      for (const why of advice.why) expect(await shown.textContent()).toContain(why);
      expect(await valueOf(page, 'quant-advice-per-gpu-bytes')).toBe(rec.perGpuBytes);
      expect(await page.getByTestId('quant-advice-table').locator('tbody tr').count()).toBe(
        advice.candidates.length,
      );

      await page.getByLabel('GPUs (tensor parallel)').fill('0');
      expect(await page.getByRole('alert').textContent()).toContain('GPUs: "0" is not allowed');
      await page.getByLabel('GPUs (tensor parallel)').fill('1');
      expect(await valueOf(page, 'quant-advice-per-gpu-bytes')).toBe(rec.perGpuBytes);

      await page.setViewportSize({ width: 390, height: 844 });
      await tableDone(page);
      await expectNoSidewaysScroll(page);
      await screenshot(page, 'quantization-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
      const ms = await inputLatencyMs(page, 'seed', 'quant-sample-absmax', [
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
      ]);
      console.log(`quant: Seed → quant-sample-absmax median ${ms.toFixed(1)} ms`);
    });

    it('mechanisms: attention with a KV cache, MoE routing and the SSM scan show core/mechanisms results', async () => {
      await page.goto(`${app.url}#/mechanisms`);
      await page.getByLabel('Sequence length (tokens)', { exact: true }).fill('12');
      await page.getByLabel('d_model (features)').fill('24');
      await page.getByLabel('Heads (query heads)').fill('6');
      await page.getByLabel('KV heads (GQA groups)').fill('3');
      await page.getByLabel('KV cache dtype').selectOption('fp32');
      await expect.poll(() => page.url()).toContain('dmodel=24&heads=6&kvdtype=fp32&kvheads=3&tokens=12');
      // Running the layer is a deferred render: wait until it has caught up with the inputs.
      const caughtUp = () => page.locator('[data-testid="attn-results"][aria-busy="false"]').waitFor();
      await caughtUp();
      const a = computeAttention(
        attentionInputs({ tokens: '12', dmodel: '24', heads: '6', kvheads: '3', kvdtype: 'fp32' }),
      );
      expect(await valueOf(page, 'attn-cache-max-diff')).toBe(a.maxDifference);
      expect(a.maxDifference).toBeLessThan(1e-12);
      expect(await valueOf(page, 'attn-kv-bytes')).toBe(kvCacheStateBytes(a.weights, 12, 4));
      expect(await valueOf(page, 'attn-kv-bytes')).toBe(2 * 12 * 3 * 4 * 4);
      expect(await valueOf(page, 'attn-scores-without-cache')).toBe(364); // Σ t(t+1)/2, t = 1…12
      expect(await valueOf(page, 'attn-scores-with-cache')).toBe(78); // Σ t
      await page.locator('[data-testid="attn-heatmap"][aria-busy="false"]').waitFor();
      const cells = page.getByTestId('attn-heatmap').locator('tbody tr');
      expect(await cells.count()).toBe(12);
      // The causal mask: query 1 sees only key 1 (weight 1), the cell above the diagonal is empty.
      expect(Number(await cells.nth(0).locator('td').nth(0).getAttribute('data-value'))).toBe(1);
      expect(await cells.nth(0).locator('td').nth(1).getAttribute('class')).toBe('empty');
      expect(Number(await cells.nth(5).locator('td').nth(2).getAttribute('data-value'))).toBe(
        a.heatmap[5]?.[2],
      );

      // MoE: skewing the router raises the load-balancing loss.
      await page.getByLabel('Experts (E)').fill('8');
      await page.getByLabel('Top-k (experts per token)').fill('2');
      const even = computeMoe(moeInputs({ experts: '8', topk: '2' }));
      expect(await valueOf(page, 'moe-aux-loss')).toBe(even.auxLoss);
      await page.getByLabel(/^Router skew/).fill('6');
      const skewed = computeMoe(moeInputs({ experts: '8', topk: '2', skew: '6' }));
      expect(await valueOf(page, 'moe-aux-loss')).toBe(skewed.auxLoss);
      expect(skewed.auxLoss).toBeGreaterThan(even.auxLoss);

      // SSM: the scan equals the convolution; the state stays N while a KV cache grows.
      await page.getByLabel('State size (N)').fill('8');
      await page.getByLabel('SSM sequence length (tokens)').fill('48');
      await page.getByLabel('Input signal').selectOption('noise');
      const s = computeSsm(ssmInputs({ state: '8', length: '48', signal: 'noise' }));
      expect(await valueOf(page, 'ssm-max-diff')).toBe(s.maxDifference);
      expect(s.maxDifference).toBeLessThan(1e-9);
      expect(await valueOf(page, 'ssm-state-elements')).toBe(8);
      expect(await valueOf(page, 'ssm-kv-elements')).toBe(2 * 48 * 8);
      await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(4);

      // The link keeps every input.
      await page.reload();
      await caughtUp();
      expect(await valueOf(page, 'attn-kv-bytes')).toBe(1152);
      expect(await valueOf(page, 'moe-aux-loss')).toBe(skewed.auxLoss);
      expect(await valueOf(page, 'ssm-max-diff')).toBe(s.maxDifference);
      await screenshot(page, 'mechanisms');

      // Bad input names the field and the fix.
      await page.getByLabel('Heads (query heads)').fill('5');
      expect(await page.getByRole('alert').textContent()).toBe(
        'Heads: 5 does not divide d_model 24; choose a divisor of 24',
      );
      await page.getByLabel('Heads (query heads)').fill('6');
      // the attention lab is a deferred render: its alert goes once it has caught up
      await expect.poll(() => page.getByRole('alert').count()).toBe(0);
      await page.getByLabel('Top-k (experts per token)').fill('9');
      expect(await page.getByRole('alert').textContent()).toContain('Top-k: "9" is not allowed');
      await page.getByLabel('Top-k (experts per token)').fill('2');
      await expect.poll(() => page.getByRole('alert').count()).toBe(0);

      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoSidewaysScroll(page);
      await screenshot(page, 'mechanisms-phone');
      await page.setViewportSize({ width: 1280, height: 900 });

      const lengths = ['31', '32', '30', '32', '31', '32', '30'];
      await page.getByLabel('d_model (features)').fill('32');
      await page.getByLabel('Heads (query heads)').fill('8');
      await page.getByLabel('KV heads (GQA groups)').fill('8');
      const small = await inputLatencyMs(page, 'tokens', 'attn-kv-bytes', [
        '7',
        '8',
        '9',
        '8',
        '7',
        '8',
        '9',
      ]);
      console.log(`mechanisms: Sequence length → attn-kv-bytes median ${small.toFixed(1)} ms (7–9 tokens)`);
      const ms = await inputLatencyMs(page, 'tokens', 'attn-kv-bytes', lengths);
      console.log(`mechanisms: Sequence length → attn-kv-bytes median ${ms.toFixed(1)} ms (largest sizes)`);
      const skewMs = await inputLatencyMs(page, 'skew', 'moe-aux-loss', ['1', '2', '3', '2', '1', '2', '3']);
      console.log(`mechanisms: Router skew → moe-aux-loss median ${skewMs.toFixed(1)} ms`);
      const stateMs = await inputLatencyMs(page, 'state', 'ssm-max-diff', [
        '5',
        '6',
        '7',
        '6',
        '5',
        '6',
        '7',
      ]);
      console.log(`mechanisms: State size → ssm-max-diff median ${stateMs.toFixed(1)} ms`);
      await page.goto(`${app.url}#/cost`);
      await page.getByTestId('cost-total-usd').waitFor();
      const control = await inputLatencyMs(page, 'output', 'cost-total-usd', [
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
      ]);
      console.log(`control: cost Output → cost-total-usd median ${control.toFixed(1)} ms`);
    });
  },
);
