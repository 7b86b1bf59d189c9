// Stall probe for benchmarks: says where the time went when a Node process's event loop stalls.
//
// A timer ticks every `tickMs`. At each tick it reads, with one pread each, the main thread's
// /proc/thread-self/schedstat (ns on CPU, ns waiting on a run queue: Linux sched_info) and the steal
// column of /proc/stat's per-CPU lines (USER_HZ ticks of 10 ms). When two ticks are more than
// `thresholdMs` apart, the gap is a stall, split into:
//   runMs      the main thread was on a CPU: JavaScript, GC, compilation, a synchronous syscall's CPU;
//   queueMs    it was runnable but waited for a CPU (other processes and threads on the 2 cores);
//   offCpuMs   neither: asleep (a blocking syscall such as write(2) waiting on the disk, a lock), or its
//              vCPU was descheduled by the hypervisor (with paravirtual steal accounting the guest counts
//              stolen time as neither run nor wait);
//   stealMs    CPU stolen from each vCPU over the same window (whole ticks: ±10 ms), which tells the
//              two kinds of offCpuMs apart;
//   gcMs       GC pauses (perf_hooks) that overlap the gap.
// Cost: about 12 µs per tick (two preads), so 0.6% of a core at a 2 ms tick. Linux only.
import { openSync, readSync, closeSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';

/** @param {{ tickMs?: number, thresholdMs?: number }} [options] */
export function startStallProbe({ tickMs = 2, thresholdMs = 10 } = {}) {
  const schedFd = openSync('/proc/thread-self/schedstat', 'r');
  const statFd = openSync('/proc/stat', 'r');
  const buf = Buffer.alloc(8192);
  const read = (fd) => buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
  const sched = () => {
    const [run, wait] = read(schedFd).split(' ');
    return { runNs: Number(run), waitNs: Number(wait) };
  };
  /** Steal ticks per CPU (field 8 of each `cpuN` line). */
  const steal = () => {
    const out = [];
    for (const line of read(statFd).split('\n')) {
      if (!line.startsWith('cpu')) break;
      if (line.startsWith('cpu ')) continue;
      out.push(Number(line.split(' ')[8] ?? 0));
    }
    return out;
  };
  let gcs = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  let stalls = [];
  let last = { atMs: performance.now(), ...sched(), steal: steal() };
  const timer = setInterval(() => {
    const now = { atMs: performance.now(), ...sched(), steal: steal() };
    const gapMs = now.atMs - last.atMs;
    if (gapMs > tickMs + thresholdMs) {
      const runMs = (now.runNs - last.runNs) / 1e6;
      const queueMs = (now.waitNs - last.waitNs) / 1e6;
      stalls.push({
        // epoch milliseconds, comparable across processes (performance.now() is per process)
        startEpochMs: Math.round(performance.timeOrigin + last.atMs),
        endEpochMs: Math.round(performance.timeOrigin + now.atMs),
        gapMs: round(gapMs),
        runMs: round(runMs),
        queueMs: round(queueMs),
        offCpuMs: round(Math.max(0, gapMs - runMs - queueMs)),
        stealMsPerCpu: now.steal.map((s, i) => (s - (last.steal[i] ?? s)) * 10),
        span: [last.atMs, now.atMs],
      });
    }
    last = now;
  }, tickMs);
  timer.unref();
  return {
    /** The stalls since the last call, with the GC time that overlaps each. */
    take() {
      const out = stalls.map(({ span, ...s }) => ({
        ...s,
        gcMs: round(
          gcs.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, span[1]) - Math.max(a, span[0])), 0),
        ),
      }));
      stalls = [];
      gcs = gcs.filter(([, b]) => b > performance.now() - 1000);
      return out;
    },
    stop() {
      clearInterval(timer);
      gcObserver.disconnect();
      closeSync(schedFd);
      closeSync(statFd);
    },
  };
}

function round(x) {
  return Math.round(x * 100) / 100;
}

/** The stalls, for a benchmark's report: all of them, or the count and the 10 longest. */
export function formatStalls(stalls) {
  if (stalls.length === 0) return 'no stall';
  const shown = stalls.length <= 10 ? stalls : [...stalls].sort((a, b) => b.gapMs - a.gapMs).slice(0, 10);
  const head = stalls.length <= 10 ? '' : `${stalls.length} stalls, the 10 longest: `;
  return (
    head +
    shown
      .map(
        (s) =>
          `${s.gapMs} ms at ${new Date(s.startEpochMs).toISOString().slice(11, 23)} (run ${s.runMs}, queue ${s.queueMs}, off-CPU ${s.offCpuMs}, GC ${s.gcMs}, steal/CPU ${s.stealMsPerCpu.join('/')})`,
      )
      .join('; ')
  );
}
