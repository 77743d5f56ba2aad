// Runs the full calibration grid and writes calibration.md / calibration.json into the given
// directory (default ./calibration-out). Usage: node packages/guidance/scripts/calibrate.mjs [DIR]
// [--samples N] [--steps N] [--sde ve|vp|subvp] [--backend wasm|cpu]. Build first: npx tsc -b.
import { initBackend } from '@scoresde/core';
import { calibrate, writeCalibration } from '@scoresde/guidance';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const dir = args[0] && !args[0].startsWith('--') ? args[0] : 'calibration-out';
await initBackend(opt('backend', 'wasm'));
const report = await calibrate({
  sde: opt('sde', 've'),
  samples: Number(opt('samples', 2000)),
  steps: Number(opt('steps', 1000)),
  onRow: (row, i, n) => process.stderr.write(`[${i + 1}/${n}] ${JSON.stringify(row)}\n`),
});
const paths = await writeCalibration(report, dir);
process.stderr.write(`wrote ${paths.markdown} and ${paths.json}\n`);
