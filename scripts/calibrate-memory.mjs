// Prints Costwise's memory predictions next to every published measurement in
// packages/core/src/memory/calibration.ts. Run with `npm run calibrate` (builds first).
import { calibrate } from '../packages/core/dist/index.js';

const rows = calibrate();
let worst = 0;
for (const r of rows) {
  const err = r.relativeError * 100;
  worst = Math.max(worst, Math.abs(err));
  console.log(
    `${r.withinTolerance ? 'ok ' : 'OFF'}  ${r.what.padEnd(74)} measured ${String(r.measured).padStart(9)} ${r.unit.padEnd(6)} predicted ${r.predicted.toFixed(2).padStart(11)}  ${err >= 0 ? '+' : ''}${err.toFixed(1)}%`,
  );
}
const abs = rows.map((r) => Math.abs(r.relativeError)).sort((a, b) => a - b);
console.log(
  `\n${rows.length} measurements; median |error| ${(abs[Math.floor(abs.length / 2)] * 100).toFixed(2)}%, worst ${worst.toFixed(1)}%`,
);
