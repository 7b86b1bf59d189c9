import { lectureExamples, type LectureExample } from '@costwise/core';
import { table } from '../format.js';
import type { CliIo } from '../io.js';

function show(e: LectureExample, v: number): string {
  if (e.unit === 'fraction') return `${(v * 100).toFixed(1)}%`;
  if (e.unit === 'count') return v.toLocaleString('en-US');
  if (e.unit === 'usd') return `$${v.toFixed(4)}`;
  if (e.unit === 'tokens') return `${(v / 1e9).toFixed(2)}B tokens`;
  return `${(v / 1e9).toFixed(2)} GB`;
}

/** `costwise lecture [--json]`: each worked example of the lecture, as the slide says it and as it holds. */
export function lectureCommand(opts: { readonly json?: boolean }, io: CliIo): number {
  const rows = lectureExamples();
  if (opts.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  io.stdout(
    `${table(
      ['example', 'slide says', "slide's assumptions", 'what holds', 'why'],
      rows.map((e) => [
        e.claim,
        show(e, e.slideValue),
        show(e, e.slideAssumptions),
        show(e, e.truth),
        e.note,
      ]),
      ['left', 'right', 'right', 'right', 'left'],
    )}\n`,
  );
  return 0;
}
