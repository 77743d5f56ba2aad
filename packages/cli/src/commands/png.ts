/** `scoresde png`: render an image or a stack as PNG (CT windowing, fixed range, or min/max). */
import { Command } from 'commander';
import { ScoresdeError, writeFileAtomic } from '@scoresde/core';
import { withCommonOptions, applyConfig, intArg, type CommonOptions } from '../options.js';
import { readArray } from '../io/arrays.js';
import { renderPng } from '../io/png.js';
import { printJson } from '../output.js';

interface PngFlags extends CommonOptions {
  in: string;
  out: string;
  window?: string;
  range?: string;
  cols?: number;
}

function pair(s: string, flag: string): [number, number] {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (v.length !== 2 || v.some((x) => !Number.isFinite(x))) throw new ScoresdeError(`${flag} expects two numbers 'a,b', got '${s}'`);
  return [v[0]!, v[1]!];
}

export function pngCommand(): Command {
  const cmd = new Command('png')
    .description('render an image [H,W(,C)] or a stack [N,H,W,C] (.npy, .png, .dcm) as an 8-bit PNG')
    .requiredOption('--in <file>', 'input array')
    .requiredOption('--out <file.png>', 'output PNG')
    .option('--window <center,width>', 'CT window, e.g. 40,400 (soft tissue) in the input units')
    .option('--range <lo,hi>', 'map [lo, hi] to black…white')
    .option('--cols <n>', 'grid columns for stacks', intArg('--cols', 1))
    .addHelpText('after', '\nExample:\n  scoresde png --in ct.dcm --window 40,400 --out ct.png\n');
  withCommonOptions(cmd, { seed: false, backend: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<PngFlags>();
    if (!o.out.toLowerCase().endsWith('.png')) throw new ScoresdeError(`--out must be a .png file, got '${o.out}'`);
    if (o.window && o.range) throw new ScoresdeError('give --window or --range, not both');
    const window = o.window ? pair(o.window, '--window') : undefined;
    if (window && !(window[1] > 0)) throw new ScoresdeError(`--window width must be positive, got ${window[1]}`);
    const range = o.range ? pair(o.range, '--range') : undefined;
    const png = await renderPng(await readArray(o.in), { window, range, cols: o.cols });
    await writeFileAtomic(o.out, png);
    if (o.json) printJson({ out: o.out, bytes: png.length });
    else process.stdout.write(`wrote ${o.out}\n`);
  });
  return cmd;
}
