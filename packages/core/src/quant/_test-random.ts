/** Seeded random numbers for the quantization tests (mulberry32 + Box–Muller). */
import { seededRandom } from '../random.js';

export { seededRandom };

export function gaussian(n: number, seed: number, sigma = 1): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12);
    out[i] = sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  return out;
}
