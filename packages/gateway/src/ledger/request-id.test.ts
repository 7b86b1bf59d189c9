import { describe, expect, it } from 'vitest';
import { uuidV7 } from './request-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7', () => {
  it('is an RFC 9562 version-7 UUID whose first 48 bits are the time in ms', () => {
    const now = Date.parse('2026-11-27T03:45:00.123Z');
    const id = uuidV7(now + 10_000);
    expect(id).toMatch(V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now + 10_000);
  });

  it('sorts in the order the ids were made, within one millisecond and across many', () => {
    const t = Date.now() + 20_000;
    const ids = [
      ...Array.from({ length: 3000 }, () => uuidV7(t)),
      ...Array.from({ length: 3000 }, (_, i) => uuidV7(t + 1 + Math.floor(i / 7))),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    for (const id of ids) expect(id).toMatch(V7);
  });

  it('fills its 62 random bits from fresh entropy, across refills of its pool of random bytes', () => {
    // 5,000 ids draw ~50 KB: twelve refills of the 4 KiB pool
    const tails = Array.from({ length: 5000 }, () => uuidV7().slice(19).replace('-', ''));
    expect(new Set(tails).size).toBe(tails.length);
    // every hex digit of the 48-bit random node part shows up in every position (not a fixed pattern)
    for (let pos = 4; pos < 16; pos++) expect(new Set(tails.map((t) => t[pos])).size).toBe(16);
  });

  it('keeps the order when the clock steps back', () => {
    const t = Date.now() + 40_000;
    const a = uuidV7(t);
    const b = uuidV7(t - 5_000);
    expect(b > a).toBe(true);
  });
});
