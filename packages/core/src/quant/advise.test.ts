import { describe, expect, it } from 'vitest';
import { findCatalogModel, findGpu } from '../catalog/index.js';
import { architectureFromConfig } from '../arch/index.js';
import { adviseQuantization, type AdviceScenario } from './advise.js';

function advise(scenario: AdviceScenario, model: string, gpuId: string, gpus = 1) {
  const gpu = findGpu(gpuId);
  const m = findCatalogModel(model);
  if (!gpu || !m) throw new Error(`fixture: ${model} on ${gpuId}`);
  return adviseQuantization({
    scenario,
    modelId: model,
    arch: architectureFromConfig(m.config),
    gpu,
    gpus,
    contextTokens: 4096,
  });
}

describe('quant advise: the lecture’s guide checked by the planner and the performance model', () => {
  it.each([
    // 8B in bf16 is 16 GB; with the KV cache of 32 × 4K tokens it fits an 80 GB H100; FP8 halves the
    // weight bytes read per token, so it is cheaper per token and near-lossless: the lecture's "BF16 or INT8" with FP8 hardware.
    ['cloud-serving', 'llama-3.1-8b', 'h100', 1, 'fp8', 'inference'],
    // L4 has FP8 tensor cores too (Ada).
    ['real-time', 'llama-3.1-8b', 'l4', 1, 'fp8', 'inference'],
    // A100 has no FP8: INT8 is the 8-bit choice.
    ['real-time', 'llama-3.1-8b', 'a100', 1, 'int8', 'inference'],
    // Edge: INT8 (8 GB of weights) fits a 24 GB RTX 4090.
    ['edge', 'llama-3.1-8b', 'rtx-4090', 1, 'int8', 'inference'],
    // 70B: LoRA on bf16 weights needs > 140 GB; QLoRA's NF4 base (≈ 36 GB) fits one H100 (lecture: QLoRA).
    ['fine-tuning', 'llama-3.1-70b', 'h100', 1, 'nf4', 'qlora'],
    // 8B LoRA on bf16 weights (16 GB + adapters) fits an H100: no need for 4-bit.
    ['fine-tuning', 'llama-3.1-8b', 'h100', 1, 'bf16', 'lora'],
  ] as const)('%s %s on %s ×%i → %s (%s)', (scenario, model, gpu, gpus, precision, mode) => {
    const a = advise(scenario, model, gpu, gpus);
    expect(a.recommended).toMatchObject({ precision, mode, fits: true });
    expect(a.why.length).toBeGreaterThan(0);
  });
  it('full training of an 8B model does not fit one H100 (16 bytes per parameter with AdamW): says so', () => {
    const a = advise('training', 'llama-3.1-8b', 'h100');
    expect(a.recommended).toBeNull();
    expect(a.why[0]).toMatch(/nothing fits/);
    expect(a.candidates.every((c) => !c.fits && c.perGpuBytes > 8e9 * 16)).toBe(true);
  });
  it('serving candidates carry the performance model’s tokens/s and $/1M from the GPU’s listed price', () => {
    const a = advise('cloud-serving', 'llama-3.1-8b', 'h100');
    const bf16 = a.candidates.find((c) => c.precision === 'bf16');
    const fp8 = a.candidates.find((c) => c.precision === 'fp8');
    expect(fp8?.outputTokensPerSecond ?? 0).toBeGreaterThan(bf16?.outputTokensPerSecond ?? Infinity);
    expect(fp8?.usdPerMillionOutputTokens ?? Infinity).toBeLessThan(bf16?.usdPerMillionOutputTokens ?? 0);
  });
});
