// Fits the performance model's efficiency factors on the calibration split of
// data/perf-measurements.json: coordinate descent over each factor's plausible range, minimising the
// mean |log error| of every calibration value (TTFT, TPOT, throughput alike). The validation
// split is never read. Run with `npm run calibrate:perf`; copy the printed factors into
// packages/core/src/perf/efficiency.ts (DEFAULT_EFFICIENCY) and rerun `npm run bench:perf-accuracy`.
import { DEFAULT_EFFICIENCY } from '../packages/core/dist/index.js';
import { loadMeasurements, prepare, quantile, score } from './perf-entries.mjs';

// plausible ranges: MBU and MFU below peak, overheads non-negative (perf-model.md §9 priors inside)
const RANGES = {
  weightMbu: [0.4, 0.95],
  kvMbu: [0.4, 0.95],
  prefillMfu: [0.3, 0.9],
  decodeMfu: [0.15, 0.9],
  prefillMfu8bit: [0.2, 0.9],
  decodeMfu8bit: [0.1, 0.9],
  requestOverheadMs: [0, 25],
  allReduceLatencyUs: [5, 80],
};

const calibration = prepare(loadMeasurements().entries.filter((e) => e.split === 'calibration'));

function loss(eff) {
  const rows = score(calibration, eff);
  let sum = 0;
  for (const r of rows) {
    if (r.predicted === null) return Infinity;
    sum += Math.abs(Math.log(r.predicted / r.measured));
  }
  return sum / rows.length;
}

let best = Object.fromEntries(Object.keys(RANGES).map((k) => [k, DEFAULT_EFFICIENCY[k]]));
let bestLoss = loss(best);
const start = bestLoss;
for (let round = 0; round < 6; round++) {
  for (const [key, [lo, hi]] of Object.entries(RANGES)) {
    // golden-section search on one factor, the others fixed
    let a = lo;
    let b = hi;
    const g = (Math.sqrt(5) - 1) / 2;
    let c = b - g * (b - a);
    let d = a + g * (b - a);
    let fc = loss({ ...best, [key]: c });
    let fd = loss({ ...best, [key]: d });
    for (let i = 0; i < 18; i++) {
      if (fc < fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - g * (b - a);
        fc = loss({ ...best, [key]: c });
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + g * (b - a);
        fd = loss({ ...best, [key]: d });
      }
    }
    const x = (a + b) / 2;
    const fx = loss({ ...best, [key]: x });
    if (fx < bestLoss) {
      best = { ...best, [key]: x };
      bestLoss = fx;
    }
  }
}

const rows = score(calibration, best);
const abs = rows.map((r) => Math.abs(r.pct)).sort((x, y) => x - y);
const round3 = (x) => Math.round(x * 1000) / 1000;
console.log(
  `calibration values: ${rows.length}; mean |log error| ${start.toFixed(4)} → ${bestLoss.toFixed(4)}`,
);
console.log(`median |error| ${quantile(abs, 0.5).toFixed(1)}%, p90 ${quantile(abs, 0.9).toFixed(1)}%`);
console.log('fitted factors (paste into DEFAULT_EFFICIENCY):');
for (const k of Object.keys(RANGES)) console.log(`  ${k}: ${round3(best[k])},`);
