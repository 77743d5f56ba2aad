/** `scoresde plugins list|info|new`. */
import { Command } from 'commander';
import { REGISTRY_KINDS, kindLabel, describeSchema, ScoresdeError, type RegistryKind } from '@scoresde/core';
import { withCommonOptions, applyConfig, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { printJson } from '../output.js';
import { scaffoldOperatorPlugin } from '../scaffold/operatorPlugin.js';

export function pluginsCommand(): Command {
  const cmd = new Command('plugins').description('list, describe and scaffold plugins');

  const list = withCommonOptions(new Command('list'), { seed: false, backend: false })
    .description('list plugins and everything they registered')
    .addHelpText('after', '\nExample:\n  scoresde plugins list --plugin ./plugins/example-sampler\n')
    .action(async (_o, c: Command) => {
      applyConfig(c);
      const o = c.opts<CommonOptions>();
      const ctx = await createCliContext(o.plugin, { strictPlugins: false });
      const entries = REGISTRY_KINDS.flatMap((kind) =>
        ctx.registries[kind].list().map((e) => ({ kind: kindLabel(kind), name: e.name, source: e.source, description: e.description })),
      );
      if (o.json) {
        printJson({
          plugins: ctx.plugins.map((p) => ({ name: p.name, version: p.version, spec: p.spec })),
          failed: ctx.failedPlugins,
          entries,
        });
      } else {
        for (const p of ctx.plugins) process.stdout.write(`plugin ${p.name}@${p.version} (${p.spec})\n`);
        for (const kind of REGISTRY_KINDS) {
          const es = ctx.registries[kind].list();
          if (es.length === 0) continue;
          process.stdout.write(`\n${kindLabel(kind)}s:\n`);
          for (const e of es) process.stdout.write(`  ${e.name.padEnd(22)} ${e.description} [${e.source}]\n`);
        }
        for (const f of ctx.failedPlugins) process.stderr.write(`scoresde: error: ${f.error}\n`);
      }
      if (ctx.failedPlugins.length > 0) process.exitCode = 1;
    });

  const info = withCommonOptions(new Command('info'), { seed: false, backend: false })
    .argument('<name>', 'a registered name (operator, sde, predictor, ...)')
    .option('--kind <kind>', 'which registry when the name is in several')
    .description('parameters, defaults and documentation of a registered entry')
    .addHelpText('after', '\nExample:\n  scoresde plugins info mri\n')
    .action(async (name: string, _o, c: Command) => {
      applyConfig(c);
      const o = c.opts<CommonOptions & { kind?: string }>();
      const ctx = await createCliContext(o.plugin);
      const hits = REGISTRY_KINDS.filter((k) => ctx.registries[k].has(name)).filter(
        (k) => !o.kind || kindLabel(k) === o.kind || k === o.kind,
      );
      if (hits.length === 0) throw new ScoresdeError(`nothing named '${name}' is registered (see 'scoresde plugins list')`);
      const out = hits.map((kind: RegistryKind) => {
        const e = ctx.registries[kind].get(name);
        return { kind: kindLabel(kind), name, source: e.source, description: e.description, docs: e.docs, parameters: describeSchema(e.schema) };
      });
      if (o.json) return printJson(out.length === 1 ? out[0] : out);
      for (const e of out) {
        process.stdout.write(`${e.kind} ${e.name} [${e.source}]\n  ${e.description}\n`);
        if (e.docs) process.stdout.write(`\n${e.docs.replace(/^/gm, '  ')}\n`);
        process.stdout.write(`\n  parameters:\n`);
        if (e.parameters.length === 0) process.stdout.write('    (none)\n');
        for (const p of e.parameters) {
          const def = p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : p.optional ? ' (optional)' : ' (required)';
          process.stdout.write(`    ${p.key.padEnd(20)} ${p.type}${def}${p.description ? ` — ${p.description}` : ''}\n`);
        }
      }
    });

  const scaffold = withCommonOptions(new Command('new'), { seed: false, backend: false })
    .argument('<kind>', "what to scaffold: 'operator'")
    .argument('<name>', 'plugin name (lower-case letters, digits, -)')
    .option('--dir <dir>', 'where to write it (default: ./scoresde-plugin-NAME)')
    .description('scaffold a plugin package whose tests pass unmodified')
    .addHelpText('after', '\nExample:\n  scoresde plugins new operator downsample2 --dir ./my-operator\n')
    .action(async (kind: string, name: string, _o, c: Command) => {
      applyConfig(c);
      const o = c.opts<CommonOptions & { dir?: string }>();
      if (kind !== 'operator') throw new ScoresdeError(`plugins new: unknown kind '${kind}' (available: operator)`);
      const dir = o.dir ?? `scoresde-plugin-${name}`;
      const files = await scaffoldOperatorPlugin(dir, name);
      if (o.json) printJson({ dir, files });
      else process.stdout.write(`wrote ${files.length} files under ${dir}\nnext: cd ${dir} && npm install && npm test\n`);
    });

  cmd.addCommand(list);
  cmd.addCommand(scaffold);
  cmd.addCommand(info);
  return cmd;
}
