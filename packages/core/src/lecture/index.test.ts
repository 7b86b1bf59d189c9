import { describe, expect, it } from 'vitest';
import { lectureExamples } from './index.js';

const GB = 1e9;
const GiB = 1024 ** 3;
const byId = new Map(lectureExamples().map((e) => [e.id, e]));
function ex(id: string) {
  const e = byId.get(id);
  if (!e) throw new Error(`missing example ${id}`);
  return e;
}

describe("the lecture's worked examples (seed/NOTES.md): slide, slide's assumptions, truth", () => {
  it.each([
    ['fp32', 28],
    ['fp16', 14],
    ['bf16', 14],
    ['int8', 7],
    ['nf4', 3.5],
  ])('7B at %s: %d GB nominal', (id, gb) => {
    expect(ex(`weights-7b-${id}`).slideAssumptions).toBe(gb * GB);
  });

  it('the real Llama-2-7B: 13.48 GB in bf16 (safetensors total_size 13,476,839,424 B less the 2,048 rotary buffers)', () => {
    expect(ex('weights-7b-bf16').truth).toBe(6_738_415_616 * 2);
  });

  it('NF4 real bytes: 4.127-bit linears + 16-bit embeddings and head ≈ 3.87 GB for Llama-2-7B, not 3.5', () => {
    const nf4 = ex('weights-7b-nf4').truth;
    const linear = 6_738_415_616 - 2 * 32_000 * 4_096 - 65 * 4_096;
    const expected = (linear * 4.126953125) / 8 + (2 * 32_000 * 4_096 + 65 * 4_096) * 2;
    expect(nf4 / expected).toBeCloseTo(1, 4);
    expect(Math.round(nf4 / 1e7) / 100).toBe(3.87);
  });

  it('7B bf16 serving: the 1.2× rule gives 16.8 GB; Llama-2-7B on vLLM at 4K tokens needs ≈ 19.1 GB', () => {
    const e = ex('serving-7b-bf16');
    expect(e.slideAssumptions).toBeCloseTo(16.8 * GB, -6);
    expect(e.truth).toBeGreaterThan(17 * GB);
    expect(e.truth).toBeLessThan(20 * GB);
  });

  it('8B KV at 2K: 1 GiB with 32 KV heads (the slide), 256 MiB with the real 8', () => {
    expect(ex('kv-8b-2k').slideAssumptions).toBe(GiB);
    expect(ex('kv-8b-2k').truth).toBe(256 * 1024 ** 2);
  });

  it('175B hands-on: 350 GB weights; KV 77.3 GB by its own formula (not 96)', () => {
    expect(ex('vram-175b-weights').truth).toBe(350 * GB);
    expect(Math.round(ex('vram-175b-kv').truth / 1e8) / 10).toBe(77.3);
  });

  it('175B activations: the slide product is 386.5 G; one live layer over 16,384 tokens is a few GB', () => {
    expect(Math.round(ex('vram-175b-activations').slideAssumptions / 1e8) / 10).toBe(386.5);
    // residual 2·T·h·2 B + MLP phase 3·T·4h·2 B (gate, up, product of the Llama-layout stand-in), T = 16,384, h = 12,288
    const T = 4 * 4096;
    const h = 12288;
    expect(ex('vram-175b-activations').truth).toBe(2 * T * h * 2 + 3 * T * 4 * h * 2);
  });

  it('Mixtral: 72% by the slide, 72.4% exactly', () => {
    expect(ex('mixtral-cost-reduction').slideAssumptions).toBeCloseTo(0.7234, 4);
    expect(ex('mixtral-cost-reduction').truth).toBeCloseTo(0.7242, 4);
  });

  it('QLoRA 70B: 36 GB by the slide; Llama-3.1-70B NF4 base ≈ 39.5 GB: 4.127-bit linears (35.3 GB) + 16-bit embeddings and head (4.2 GB)', () => {
    const e = ex('qlora-70b');
    expect(e.slideAssumptions).toBe(36 * GB);
    const embeddings = 2 * 128_256 * 8_192;
    const vectors = 80 * 2 * 8_192 + 8_192;
    const linear = 70_553_706_496 - embeddings - vectors;
    expect(e.truth / ((linear * 4.126953125) / 8 + (embeddings + vectors) * 2)).toBeCloseTo(1, 5);
    expect(Math.round(e.truth / 1e8) / 10).toBe(39.5);
  });

  it('full fine-tuning 70B: 1,120 GB by the slide; 16 B/param × 70.55B = 1,128.9 GB', () => {
    expect(ex('full-ft-70b').slideAssumptions).toBe(1120 * GB);
    expect(ex('full-ft-70b').truth).toBe(70_553_706_496 * 16);
  });
});

describe("the lecture's cost examples", () => {
  it('prompt caching, 100 × 10K tokens at $3/M: $3.00 without cache', () => {
    expect(ex('prompt-caching-no-cache').truth).toBeCloseTo(3, 9);
  });

  it("with caching: $0.327 under the slide's assumption, $0.3345 with the 1.25× write premium (seed/NOTES.md)", () => {
    expect(ex('prompt-caching').slideAssumptions).toBeCloseTo(0.327, 9);
    expect(ex('prompt-caching').truth).toBeCloseTo(0.3345, 9);
  });

  it("break-even with the slide's own figures: 5B tokens a month, not 10B", () => {
    expect(ex('break-even').truth).toBe(5e9);
  });
});
