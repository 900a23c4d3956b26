// One visibility rule for static definitions, used by both the index's call resolution and Go
// to Definition / call hierarchy. The tree: `dbg_init` is static in two .c files, a static
// inline config stub in a header and the real non-static function in another .c file (the
// CONFIG_DEBUG_FS stub idiom); `helper` is defined only as a header's static inline.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { findDefinitions, prepareCallHierarchy, wordAt } from '../../src/features/navQueries';
import { MemoryCodeIndex } from '../../src/index/codeIndex';
import { reach, Reach } from '../../src/index/visibility';
import { facts, fn, span } from './helpers/facts';

const call = (caller: string, callee: string, line: number) => ({
  caller,
  callee,
  via: { kind: 'direct' as const },
  span: span(line, 2, line, 2 + callee.length),
});

const index = new MemoryCodeIndex([
  facts('net/a.c', {
    functions: [fn('dbg_init', 1, 3, { isStatic: true }), fn('a_main', 5, 9)],
    calls: [call('a_main', 'dbg_init', 6)],
  }),
  facts('net/b.c', {
    functions: [fn('b_main', 1, 5)],
    calls: [call('b_main', 'dbg_init', 2), call('b_main', 'helper', 3)],
  }),
  facts('net/c.c', { functions: [fn('dbg_init', 10, 12, { isStatic: true })] }),
  facts('include/net/dbg.h', {
    functions: [
      fn('dbg_init', 1, 1, { isStatic: true, isInline: true }),
      fn('helper', 3, 3, { isStatic: true, isInline: true }),
    ],
  }),
  facts('net/real.c', { functions: [fn('dbg_init', 20, 30)] }),
]);

test('reach: own file, then non-static (.c before .h), then a header static; foreign static never', () => {
  assert.equal(reach('net/a.c', true, 'net/a.c'), Reach.ownFile);
  assert.equal(reach('net/real.c', false, 'net/a.c'), Reach.global);
  assert.equal(reach('include/x.h', false, 'net/a.c'), Reach.headerGlobal);
  assert.equal(reach('include/x.h', true, 'net/a.c'), Reach.headerStatic);
  assert.equal(reach('net/c.c', true, 'net/a.c'), undefined);
});

test('calls resolve by the rule: own static first, else the real function over the stub', () => {
  const byCaller = new Map(
    index.callersOf('dbg_init').map((e) => [e.caller, e.calleeFile] as const),
  );
  assert.equal(byCaller.get('a_main'), 'net/a.c');
  assert.equal(byCaller.get('b_main'), 'net/real.c');
  assert.equal(
    index.calleesOf('b_main').find((e) => e.callee === 'helper')?.calleeFile,
    'include/net/dbg.h',
  );
});

test('Go to Definition and the call hierarchy see the same definitions as the index', () => {
  const at = (file: string, line: number, text: string, col: number) => {
    const w = wordAt(text, col)!;
    const pos = { file, line, col };
    return {
      defs: findDefinitions(index, pos, w).map((d) => d.file),
      items: prepareCallHierarchy(index, pos, w).map((f) => f.file),
    };
  };
  // From a.c its own static shadows every other definition.
  assert.deepEqual(at('net/a.c', 6, '  dbg_init();', 4), {
    defs: ['net/a.c'],
    items: ['net/a.c'],
  });
  // From b.c: the real function and the header's stub; never a.c's or c.c's statics.
  assert.deepEqual(at('net/b.c', 2, '  dbg_init();', 4), {
    defs: ['include/net/dbg.h', 'net/real.c'],
    items: ['include/net/dbg.h', 'net/real.c'],
  });
});
