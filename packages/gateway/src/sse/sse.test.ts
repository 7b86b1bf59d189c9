import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSse, SseParser, type SseEvent } from './sse.js';

describe('SseParser', () => {
  it('parses events, names, comments and CRLF', () => {
    const p = new SseParser();
    const text = ': costwise\r\nevent: message_start\r\ndata: {"a":1}\r\n\r\ndata: [DONE]\n\n';
    expect(p.push(text)).toEqual([{ event: 'message_start', data: '{"a":1}' }, { data: '[DONE]' }]);
  });

  it('gives the same events however the bytes are split (property)', () => {
    const event = fc.record(
      { event: fc.stringMatching(/^[a-z_]{1,12}$/), data: fc.json() },
      { requiredKeys: ['data'] },
    ) as fc.Arbitrary<SseEvent>;
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (events, cuts) => {
        const text = events.map(formatSse).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const p = new SseParser();
        const got: SseEvent[] = [];
        let from = 0;
        for (const at of [...points, text.length]) {
          got.push(...p.push(text.slice(from, at)));
          from = at;
        }
        got.push(...p.end());
        expect(got).toEqual(events);
      }),
    );
  });
});
