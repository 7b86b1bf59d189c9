import { describe, expect, it } from 'vitest';
import { createUrlWriter, type Schedule } from './url-writer.js';

/** A schedule that runs only when the test says so. */
function manual() {
  const queued: (() => void)[] = [];
  const schedule: Schedule = (run) => {
    queued.push(run);
    return () => {
      queued.splice(queued.indexOf(run), 1);
    };
  };
  const runAll = (): void => {
    for (const run of queued.splice(0)) run();
  };
  return { schedule, queued, runAll };
}

describe('URL writer', () => {
  it('writes nothing until the schedule runs, then only the latest URL, once', () => {
    const written: string[] = [];
    const s = manual();
    const w = createUrlWriter((url) => written.push(url), s.schedule);
    w.set('#/memory?batch=2');
    w.set('#/memory?batch=24');
    expect(written).toEqual([]);
    expect(s.queued).toHaveLength(1);
    s.runAll();
    expect(written).toEqual(['#/memory?batch=24']);
    s.runAll();
    expect(written).toEqual(['#/memory?batch=24']);
  });

  it('schedules again after a write', () => {
    const written: string[] = [];
    const s = manual();
    const w = createUrlWriter((url) => written.push(url), s.schedule);
    w.set('#/a');
    s.runAll();
    w.set('#/b');
    expect(s.queued).toHaveLength(1);
    s.runAll();
    expect(written).toEqual(['#/a', '#/b']);
  });

  it('flush writes at once and unschedules; cancel drops the queued URL', () => {
    const written: string[] = [];
    const s = manual();
    const w = createUrlWriter((url) => written.push(url), s.schedule);
    w.set('#/a');
    w.flush();
    expect(written).toEqual(['#/a']);
    expect(s.queued).toHaveLength(0);
    w.flush();
    w.set('#/b');
    w.cancel();
    expect(s.queued).toHaveLength(0);
    s.runAll();
    w.flush();
    expect(written).toEqual(['#/a']);
  });
});
