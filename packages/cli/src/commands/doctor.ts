/** `scoresde doctor`: available backends, the GPU adapter if any, and versions. */
import { Command } from 'commander';
import { doctor } from '@scoresde/core';
import { withCommonOptions, applyConfig, type CommonOptions } from '../options.js';
import { printJson } from '../output.js';

export function doctorCommand(): Command {
  const cmd = new Command('doctor')
    .description('probe every backend (starting each for real), show the GPU adapter and package versions')
    .addHelpText('after', '\nExample:\n  scoresde doctor --json\n');
  withCommonOptions(cmd, { seed: false, backend: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<CommonOptions>();
    const r = await doctor();
    if (o.json) return printJson(r);
    const w = (s: string) => process.stdout.write(`${s}\n`);
    w(`node ${r.node} on ${r.platform}/${r.arch}, ${r.cpus} CPU cores; @tensorflow/tfjs ${r.tfjs}`);
    w('');
    w('backends (in the order --backend auto tries them):');
    for (const b of r.backends) {
      const what = b.available ? `available${b.detail ? ` — ${b.detail}` : ''}` : `unavailable — ${b.reason ?? 'unknown reason'}`;
      w(`  ${b.name.padEnd(11)} ${what}`);
    }
    w('');
    w(`auto picks: ${r.auto ?? 'nothing (no backend could start)'}`);
    w('');
    w('packages:');
    for (const [k, v] of Object.entries(r.packages)) w(`  ${k.padEnd(32)} ${v ?? 'not installed'}`);
  });
  return cmd;
}
