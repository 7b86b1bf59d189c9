// The stall probe's attribution (scripts/lib/stall-probe.mjs): a loop held on the CPU is charged to the
// CPU, a loop held asleep is charged off CPU. Margins are wide: a busy 2-core machine (CI runs the suites
// in parallel) may keep a runnable thread waiting, which the probe counts as queue time, not as either.
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatStalls, startStallProbe } from './stall-probe.mjs';

describe.runIf(process.platform === 'linux')('startStallProbe', () => {
  it('charges a busy loop to the CPU and a blocking sleep to off-CPU', async () => {
    const probe = startStallProbe({ tickMs: 2, thresholdMs: 10 });
    try {
      await sleep(20);
      const busyUntil = performance.now() + 60;
      while (performance.now() < busyUntil);
      await sleep(20);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
      await sleep(20);
      const stalls = probe.take();
      const busy = stalls.find((s) => s.runMs + s.queueMs >= 40);
      const asleep = stalls.find((s) => s.offCpuMs >= 40);
      expect(busy, formatStalls(stalls)).toBeDefined();
      expect(busy.offCpuMs).toBeLessThan(busy.runMs + busy.queueMs);
      expect(asleep, formatStalls(stalls)).toBeDefined();
      expect(asleep.runMs).toBeLessThan(20);
      // the gap holds the whole 60 ms wait (both ends are rounded to the millisecond)
      expect(asleep.endEpochMs - asleep.startEpochMs).toBeGreaterThanOrEqual(59);
      // take() empties the list
      expect(probe.take()).toEqual([]);
    } finally {
      probe.stop();
    }
  });
});
