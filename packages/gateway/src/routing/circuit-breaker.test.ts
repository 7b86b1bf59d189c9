import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from './circuit-breaker.js';

describe('CircuitBreakers', () => {
  it('opens after N consecutive failures, refuses during the cool-down, then allows one trial', () => {
    let now = 0;
    const b = new CircuitBreakers(3, 1000, () => now);
    b.failure('oa');
    b.failure('oa');
    b.success('oa');
    b.failure('oa');
    b.failure('oa');
    expect(b.allow('oa')).toBe(true);
    b.failure('oa');
    expect(b.allow('oa')).toBe(false);
    expect(b.allow('an')).toBe(true);
    now = 999;
    expect(b.allow('oa')).toBe(false);
    now = 1000;
    expect(b.allow('oa')).toBe(true);
    expect(b.allow('oa')).toBe(false); // one trial at a time
    b.failure('oa');
    expect(b.allow('oa')).toBe(false);
    now = 2000;
    expect(b.allow('oa')).toBe(true);
    b.success('oa');
    expect(b.allow('oa')).toBe(true);
    expect(b.isOpen('oa')).toBe(false);
  });
});
