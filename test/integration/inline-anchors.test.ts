// The tcp-mem and tcp-receive inline values against the real Linux 6.1 sources: every anchor's
// function is defined once in its file and its pattern picks exactly one line of that body, and
// the values the models publish at their steps land on those lines. The function text is sliced
// from the index's facts the way the editor does it (src/features/documentFunctions.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  INLINE_ANCHORS,
  anchorMatches,
  inlineValuesFor,
  stepValues,
  type FunctionText,
  type InlineAnchor,
} from '../../src/model/codeAnchors';
import { FactsPipeline } from '../../src/index/pipeline';
import { findModel } from '../../src/model/registry';
import { runModel } from '../../src/model/types';
import { linuxRoot } from './sources';

/** Where each anchored function of these two models is defined in Linux 6.1. */
const FILE_OF: Record<string, string> = {
  __sk_mem_raise_allocated: 'net/core/sock.c',
  __sk_mem_reduce_allocated: 'net/core/sock.c',
  sk_stream_moderate_sndbuf: 'include/net/sock.h',
  tcp_grow_window: 'net/ipv4/tcp_input.c',
  tcp_rcv_space_adjust: 'net/ipv4/tcp_input.c',
  tcp_clamp_window: 'net/ipv4/tcp_input.c',
  tcp_init_buffer_space: 'net/ipv4/tcp_input.c',
  tcp_select_initial_window: 'net/ipv4/tcp_output.c',
  tcp_select_window: 'net/ipv4/tcp_output.c',
};
const MODELS_CHECKED = ['tcp-mem', 'tcp-receive'];
const anchors = INLINE_ANCHORS.filter((a) => MODELS_CHECKED.includes(a.model));

/** Every definition in each file, sliced to its text (0-based lines, as the editor's). */
async function functionsByFile(): Promise<Map<string, FunctionText[]>> {
  const pipe = await FactsPipeline.create();
  const extract = (p: string, c: Uint8Array | string) => pipe.facts(p, c);
  const out = new Map<string, FunctionText[]>();
  for (const rel of new Set(Object.values(FILE_OF))) {
    const text = readFileSync(join(linuxRoot(), rel), 'utf8');
    const lines = text.split('\n');
    const facts = extract(rel, text);
    out.set(
      rel,
      facts.functions.map((f) => {
        const body = lines.slice(f.span.line, f.span.endLine + 1);
        body[body.length - 1] = body[body.length - 1].slice(0, f.span.endCol);
        body[0] = body[0].slice(f.span.col);
        return { name: f.name, line: f.span.line, text: body.join('\n') };
      }),
    );
  }
  return out;
}

const loaded = functionsByFile();

function definitionOf(fns: Map<string, FunctionText[]>, a: InlineAnchor): FunctionText {
  const file = FILE_OF[a.fn];
  assert.ok(file, `${a.model} anchor on ${a.fn}: no file listed for it in this test`);
  const defs = fns.get(file)!.filter((f) => f.name === a.fn);
  assert.equal(defs.length, 1, `${file}: ${a.fn} is defined ${defs.length} times`);
  return defs[0];
}

test('both models have inline anchors, each in a listed kernel function', () => {
  for (const m of MODELS_CHECKED) {
    assert.ok(
      anchors.filter((a) => a.model === m).length >= 3,
      `${m}: fewer than 3 inline anchors`,
    );
  }
  for (const a of anchors) assert.ok(FILE_OF[a.fn], `${a.fn} has no file in FILE_OF`);
});

test('every tcp-mem and tcp-receive anchor picks exactly one line of the real 6.1 function', async () => {
  const fns = await loaded;
  for (const a of anchors) {
    const def = definitionOf(fns, a);
    const hits = anchorMatches(a, def);
    assert.equal(
      hits.length,
      1,
      `${FILE_OF[a.fn]}: ${a.fn}: ${String(a.line)} matches lines ${hits.map((l) => l + 1).join(', ') || 'none'}`,
    );
  }
});

test('the check fails for a broken pattern: a near miss matches no line', async () => {
  const fns = await loaded;
  for (const a of anchors) {
    // The same pattern with one character of the identifier changed (what a typo or a
    // renamed kernel variable does): the real function no longer has such a line.
    const broken: InlineAnchor = { ...a, line: new RegExp(`${a.line.source}_sklens_broken`) };
    assert.deepEqual(anchorMatches(broken, definitionOf(fns, a)), []);
  }
});

/** Runs that reach the __sk_mem_raise_allocated returns the shipped scenarios do not. */
const EXTRA_RUNS: Record<string, { id: string; params: Record<string, number | boolean> }[]> = {
  'tcp-mem': [
    {
      // Pressure with a hard limit far above: every socket is within its fair share.
      id: 'fair-share',
      params: { tcp_mem_low_pages: 256, tcp_mem_pressure_pages: 260, tcp_mem_high_pages: 100000 },
    },
    {
      // Above tcp_mem[0] with tcp_wmem[0] larger than anything queued: the minimum guarantee.
      id: 'min-guarantee',
      params: {
        tcp_mem_low_pages: 256,
        tcp_mem_pressure_pages: 100000,
        tcp_mem_high_pages: 100000,
        tcp_wmem0_bytes: 4194304,
      },
    },
  ],
};

test('model values at real steps land on the anchored lines of the real sources', async () => {
  const fns = await loaded;
  const all = [...fns.values()].flat();
  const shown = new Set<InlineAnchor>();
  for (const model of MODELS_CHECKED) {
    const def = findModel(model)!;
    for (const sc of [...def.scenarios, ...(EXTRA_RUNS[model] ?? [])]) {
      const r = runModel(def, sc.params);
      for (const point of r.series) {
        const values = stepValues(r.final, point);
        const got = inlineValuesFor(model, values, all);
        for (const a of anchors.filter((x) => x.model === model)) {
          if (a.when && !a.when(values)) continue;
          const key = a.keys.find((k) => values[k] !== undefined);
          if (key === undefined) continue;
          const [line] = anchorMatches(a, definitionOf(fns, a));
          const v = got.find((g) => g.line === line);
          assert.ok(v, `${model} ${sc.id} t=${point.t}: nothing on ${a.fn} line ${line + 1}`);
          // The text is the model's own value at this step, with its unit named.
          const raw = values[key];
          const expected = a.format
            ? a.format(raw)
            : typeof raw === 'number'
              ? `${raw.toLocaleString('en-US')}${a.unit ? ` ${a.unit}` : ''}`
              : String(raw);
          if (v.text === `${a.label} = ${expected}`) shown.add(a);
        }
      }
    }
  }
  // Every anchor showed its own value at some step of the shipped scenarios (an outcome
  // string that the model never produces would leave its anchor dark).
  const dark = anchors
    .filter((a) => !shown.has(a))
    .map((a) => `${a.model} ${a.fn} ${a.label} ${String(a.line)}`);
  assert.deepEqual(dark, []);
});
