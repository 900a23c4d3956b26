// `sklens simulate --list` and `sklens simulate <model> [--scenario NAME] [--set p=v]... [--json]`.
import { parseArgs } from 'node:util';
import { MODELS, findModel } from '../model/registry';
import { ModelInputError, parseParamValue, runModel, type Params } from '../model/types';
import { UsageError, type CliCommand } from './command';

export const simulateCommand: CliCommand = {
  name: 'simulate',
  usage:
    'sklens simulate --list | sklens simulate <model> [--scenario NAME] [--set param=value]... [--json]',
  summary: 'run a buffer model (send path, passt window, TSQ, splice, tcp_mem)',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        list: { type: 'boolean' },
        scenario: { type: 'string' },
        set: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
    });
    if (values.list) {
      if (values.json) {
        io.out(
          JSON.stringify(
            MODELS.map((m) => ({
              id: m.id,
              title: m.title,
              cites: m.cites,
              params: m.params,
              scenarios: m.scenarios.map((s) => ({
                id: s.id,
                title: s.title,
                params: s.params,
                ref: s.ref,
              })),
            })),
            null,
            2,
          ) + '\n',
        );
        return 0;
      }
      for (const m of MODELS) {
        io.out(`${m.id} — ${m.title}\n  cites: ${m.cites.join('; ')}\n  parameters:\n`);
        for (const p of m.params) {
          const range =
            p.kind === 'number'
              ? `${p.min}..${p.max} ${p.unit}, default ${p.default}`
              : p.kind === 'choice'
                ? `one of ${p.options.map((o) => o.value).join('|')}, default ${p.default}`
                : `true|false, default ${p.default}`;
          io.out(`    ${p.name.padEnd(28)} ${range}${p.help ? ` — ${p.help}` : ''}\n`);
        }
        io.out('  scenarios:\n');
        for (const s of m.scenarios) io.out(`    ${s.id.padEnd(28)} ${s.title} (${s.ref})\n`);
        io.out('\n');
      }
      return 0;
    }
    const id = positionals[0];
    if (!id)
      throw new UsageError(`missing model name; one of: ${MODELS.map((m) => m.id).join(', ')}`);
    const model = findModel(id);
    if (!model)
      throw new UsageError(`unknown model '${id}'; one of: ${MODELS.map((m) => m.id).join(', ')}`);
    let params: Params = {};
    if (values.scenario) {
      const sc = model.scenarios.find((s) => s.id.toLowerCase() === values.scenario!.toLowerCase());
      if (!sc) {
        throw new UsageError(
          `model ${id} has no scenario '${values.scenario}'; one of: ${model.scenarios.map((s) => s.id).join(', ')}`,
        );
      }
      params = { ...sc.params };
    }
    for (const kv of values.set ?? []) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--set expects param=value, got '${kv}'`);
      const name = kv.slice(0, eq);
      const spec = model.params.find((p) => p.name === name);
      if (!spec) {
        throw new UsageError(`model ${id} has no parameter '${name}'; see sklens simulate --list`);
      }
      try {
        params[name] = parseParamValue(spec, kv.slice(eq + 1));
      } catch (e) {
        if (e instanceof ModelInputError) throw new UsageError(e.message);
        throw e;
      }
    }
    let result;
    try {
      result = runModel(model, params);
    } catch (e) {
      if (e instanceof ModelInputError) throw new UsageError(e.message);
      throw e;
    }
    if (values.json) {
      io.out(
        JSON.stringify({
          model: result.model,
          params: result.params,
          final: result.final,
          series: result.series,
        }) + '\n',
      );
      return 0;
    }
    io.out(`${model.title}\n`);
    for (const [k, v] of Object.entries(result.final)) io.out(`  ${k.padEnd(32)} ${String(v)}\n`);
    for (const n of result.notes) io.out(`  note: ${n}\n`);
    io.out(`  (${result.series.length} series points; --json for all)\n`);
    return 0;
  },
};
