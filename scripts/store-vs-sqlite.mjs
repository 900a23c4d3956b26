// The measurement behind docs/index-store.md: the same facts (a decoded index cache of
// `sklens index`) as an SQLite database, and one `callers` query (direct, INDIRECT_CALL and
// ops-table edges, with the callee's definition file) answered in a fresh process through an
// SQLite binding, next to the same query from the index store (dist/storeQuery.js).
//
//   node --import tsx scripts/store-vs-sqlite.mjs CACHE_FILE OUT_DIR MODULES_DIR [NAME]
//
// CACHE_FILE: a .sklens-index written by `sklens index --cache-dir`; OUT_DIR: where the
// database, the store and the CSV files go; MODULES_DIR: a node_modules folder holding the
// bindings to try (node-sqlite3-wasm, sql.js, better-sqlite3; each is skipped when absent).
// SQLite is not a dependency of SKLens: install the bindings in a scratch folder. The
// database is built with the sqlite3 command-line shell (`.import` of CSV files).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCache } from '../src/index/cache.ts';
import { CALL_W, FIELD_W, FN_W, REF_W } from '../src/index/packed.ts';
import { writeStore } from '../src/index/store/writer.ts';

const [cacheFile, outDir, modules, name = 'tcp_sendmsg'] = process.argv.slice(2);
if (!cacheFile || !outDir || !modules) {
  console.error('usage: store-vs-sqlite.mjs CACHE_FILE OUT_DIR MODULES_DIR [NAME]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const buf = readFileSync(cacheFile);
const hLen = buf.readUInt32LE(12);
const h = JSON.parse(buf.toString('utf8', 48, 48 + hLen));
const c = decodeCache(buf, { root: h.root, fingerprint: h.fingerprint });
if (!c.ok) throw new Error(c.reason);
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the store ----
const storeFile = join(outDir, 'tree.sklens-store');
let t0 = performance.now();
writeStore(storeFile, { root: h.root, fingerprint: h.fingerprint }, c);
console.log(
  `store: ${mb(statSync(storeFile).size)}, written in ${(performance.now() - t0).toFixed(0)} ms`,
);

// ---- the database ----
const dbFile = join(outDir, 'tree.sqlite');
if (!existsSync(dbFile)) {
  t0 = performance.now();
  const strings = [...c.strings];
  const ids = new Map(strings.map((s, i) => [s, i]));
  const sid = (s) => {
    let i = ids.get(s);
    if (i === undefined) ids.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const q = (v) => (typeof v === 'string' ? `"${v.replace(/"/g, '""')}"` : String(v));
  const tables = {
    files: [],
    calls: [],
    funcs: [],
    fields: [],
    refs: [],
    ops: [],
    macros: [],
    structs: [],
  };
  c.files.forEach((p, fi) => {
    tables.files.push([fi, sid(p.path), p.size, p.mtimeMs, p.hash]);
    for (let at = 0; at < p.calls.length; at += CALL_W)
      tables.calls.push([fi, ...p.calls.subarray(at, at + CALL_W)]);
    for (let at = 0; at < p.functions.length; at += FN_W)
      tables.funcs.push([fi, ...p.functions.subarray(at, at + FN_W)]);
    for (let at = 0; at < p.fieldAccesses.length; at += FIELD_W)
      tables.fields.push([fi, ...p.fieldAccesses.subarray(at, at + FIELD_W)]);
    for (let at = 0; at < p.refs.length; at += REF_W)
      tables.refs.push([fi, ...p.refs.subarray(at, at + REF_W)]);
    for (const t of p.opsTables)
      for (const m of t.members)
        tables.ops.push([fi, sid(t.struct), sid(m.member), sid(m.fn), sid(t.name)]);
    for (const m of p.macros) tables.macros.push([fi, sid(m.name), JSON.stringify(m)]);
    for (const s of p.structs) tables.structs.push([fi, sid(s.name), JSON.stringify(s)]);
  });
  tables.strings = strings.map((s, i) => [i, s]);
  const cols = {
    strings: 'id INTEGER PRIMARY KEY, s TEXT',
    files: 'id INTEGER PRIMARY KEY, path INT, size INT, mtime REAL, hash TEXT',
    calls:
      'file INT, caller INT, callee INT, kind INT, a INT, b INT, line INT, col INT, dl INT, ec INT',
    funcs:
      'file INT, name INT, flags INT, kind INT, macro INT, line INT, col INT, dl INT, ec INT, nline INT, ncol INT, ndl INT, nec INT',
    fields:
      'file INT, fn INT, struct INT, field INT, access INT, line INT, col INT, dl INT, ec INT',
    refs: 'file INT, name INT, fn INT, line INT, col INT, dl INT, ec INT',
    ops: 'file INT, struct INT, member INT, fn INT, tbl INT',
    macros: 'file INT, name INT, json TEXT',
    structs: 'file INT, name INT, json TEXT',
  };
  let script = '.mode csv\n';
  for (const [t, rows] of Object.entries(tables)) {
    const f = join(outDir, `${t}.csv`);
    writeFileSync(f, rows.map((r) => r.map(q).join(',')).join('\n') + '\n');
    script += `CREATE TABLE ${t} (${cols[t]});\n.import ${f} ${t}\n`;
  }
  script +=
    'CREATE UNIQUE INDEX strings_s ON strings(s);\n' +
    'CREATE INDEX calls_callee ON calls(callee, kind);\nCREATE INDEX calls_caller ON calls(caller);\n' +
    'CREATE INDEX calls_member ON calls(b, kind);\nCREATE INDEX funcs_name ON funcs(name);\n' +
    'CREATE INDEX fields_field ON fields(field);\nCREATE INDEX refs_name ON refs(name);\n' +
    'CREATE INDEX ops_fn ON ops(fn);\nCREATE INDEX ops_member ON ops(member);\n' +
    'CREATE INDEX macros_name ON macros(name);\nCREATE INDEX structs_name ON structs(name);\nVACUUM;\n';
  execFileSync('sqlite3', [dbFile], { input: script });
  console.log(
    `sqlite: ${mb(statSync(dbFile).size)}, built in ${(performance.now() - t0).toFixed(0)} ms (CSV + sqlite3 .import + indexes)`,
  );
} else console.log(`sqlite: ${mb(statSync(dbFile).size)} (reused ${dbFile})`);

// ---- one query per fresh process ----
// The callers query as MemoryCodeIndex.callersOf resolves it, in SQL statements.
const query = `
const [binding, modules, db, name] = process.argv.slice(2);
const t0 = performance.now();
const mod = require(require('path').join(modules, binding));
let all;
if (binding === 'node-sqlite3-wasm') {
  const d = new mod.Database(db, { readOnly: true, fileMustExist: true });
  all = (sql, ...v) => d.all(sql, v);
} else if (binding === 'better-sqlite3') {
  const d = new mod(db, { readonly: true, fileMustExist: true });
  all = (sql, ...v) => d.prepare(sql).all(...v);
} else {
  const SQL = await mod();
  const d = new SQL.Database(require('fs').readFileSync(db));
  all = (sql, ...v) => { const st = d.prepare(sql); st.bind(v); const out = []; while (st.step()) out.push(st.getAsObject()); st.free(); return out; };
}
const tOpen = performance.now();
const id = all('SELECT id FROM strings WHERE s = ?', name)[0]?.id;
const str = (i) => all('SELECT s FROM strings WHERE id = ?', i)[0].s;
const path = (f) => str(all('SELECT path FROM files WHERE id = ?', f)[0].path);
const defs = all('SELECT file, flags FROM funcs WHERE name = ?', id).map((d) => ({ path: path(d.file), st: d.flags & 1 }));
const defFile = (from) => (defs.find((d) => d.path === from) ?? defs.find((d) => !d.st && !d.path.endsWith('.h')) ?? defs.find((d) => d.path.endsWith('.h')))?.path;
const out = [];
const edge = (r, via) => { const file = path(r.file); out.push({ name: str(r.caller), file, line: r.line + 1, via, calleeFile: defFile(file) }); };
for (const r of all('SELECT * FROM calls WHERE callee = ? AND kind < 2 AND caller >= 0', id)) edge(r, r.kind ? 'INDIRECT_CALL' : 'direct');
const seen = new Set();
for (const s of all('SELECT struct, member FROM ops WHERE fn = ?', id)) {
  const key = s.struct + '.' + s.member;
  if (seen.has(key)) continue;
  seen.add(key);
  const structs = all('SELECT DISTINCT struct FROM ops WHERE member = ?', s.member).map((x) => x.struct);
  for (const r of all('SELECT * FROM calls WHERE b = ? AND kind = 2 AND caller >= 0', s.member)) {
    const st = r.a >= 0 ? r.a : structs.length === 1 ? structs[0] : -1;
    if (st === s.struct) edge(r, 'ops:' + str(s.struct) + '.' + str(s.member));
  }
}
const t1 = performance.now();
const rss = process.memoryUsage().rss;
console.log(JSON.stringify({ edges: out.length, openMs: tOpen - t0, queryMs: t1 - tOpen, rss }));
`;
const queryFile = join(outDir, 'sqlite-query.js');
writeFileSync(queryFile, `(async () => {${query}})();`);

function timeRuns(cmd, args, n = 7) {
  const walls = [];
  let last;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    walls.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    last = r.stdout;
  }
  return { ms: median(walls), out: last };
}

const bare = timeRuns(process.execPath, ['-e', '0']);
console.log(`node -e 0: ${bare.ms.toFixed(1)} ms (process start alone)`);
const repo = join(import.meta.dirname, '..');
const st = timeRuns(process.execPath, [
  join(repo, 'dist/storeQuery.js'),
  storeFile,
  'callers',
  name,
  '--json',
]);
console.log(
  `store (dist/storeQuery.js callers ${name}): ${st.ms.toFixed(1)} ms, ${JSON.parse(st.out).length} edges`,
);
for (const b of ['better-sqlite3', 'node-sqlite3-wasm', 'sql.js']) {
  if (!existsSync(join(modules, b))) {
    console.log(`${b}: not installed in ${modules}, skipped`);
    continue;
  }
  try {
    const r = timeRuns(process.execPath, [queryFile, b, modules, dbFile, name]);
    const j = JSON.parse(r.out);
    console.log(
      `${b}: ${r.ms.toFixed(1)} ms per process, ${j.edges} edges (load+open ${j.openMs.toFixed(1)} ms, query ${j.queryMs.toFixed(1)} ms, RSS ${mb(j.rss)})`,
    );
  } catch (e) {
    console.log(`${b}: failed: ${String(e.message).split('\n')[0]}`);
  }
}
