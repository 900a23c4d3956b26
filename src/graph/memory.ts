// Which functions of an indexed tree are memory-related, and why: they read or write one of the
// memory fields/globals/sysctls of memorySymbols.ts, or call one of its helpers. Computed once
// per CodeIndex (a few hundred index lookups) and cached.
import type { CodeIndex } from '../index/api';
import { MEMORY_SYMBOLS, type MemorySymbol } from './memorySymbols';

export interface MemoryTouch {
  symbol: string;
  kind: MemorySymbol['kind'];
  access: 'read' | 'write' | 'ref' | 'call';
  file: string;
  /** 0-based line of the access or call. */
  line: number;
}

export interface MemoryInfo {
  /** Function name → what memory-relevant things it touches (sorted by file, line). */
  touches: Map<string, MemoryTouch[]>;
  /** Helper names from the list (memory-related by definition, even if defined outside the tree). */
  helpers: Set<string>;
  /** Data symbol → every site (any function, or file scope) that uses it. */
  sites: Map<
    string,
    { fn: string | null; file: string; line: number; access: MemoryTouch['access'] }[]
  >;
}

const cache = new WeakMap<CodeIndex, MemoryInfo>();

export function memoryInfo(index: CodeIndex): MemoryInfo {
  const hit = cache.get(index);
  if (hit) return hit;
  const touches = new Map<string, MemoryTouch[]>();
  const helpers = new Set<string>();
  const sites: MemoryInfo['sites'] = new Map();
  const add = (fn: string, t: MemoryTouch): void => {
    let list = touches.get(fn);
    if (!list) touches.set(fn, (list = []));
    list.push(t);
  };
  for (const s of MEMORY_SYMBOLS) {
    if (s.kind === 'helper') {
      helpers.add(s.name);
      for (const e of index.callersOf(s.name)) {
        add(e.caller, {
          symbol: s.name,
          kind: s.kind,
          access: 'call',
          file: e.file,
          line: e.span.line,
        });
      }
      continue;
    }
    const list: { fn: string | null; file: string; line: number; access: MemoryTouch['access'] }[] =
      [];
    for (const r of index.references(s.name)) {
      if (r.kind === 'definition' || r.kind === 'call') continue;
      const access = r.kind === 'read' || r.kind === 'write' ? r.kind : 'ref';
      const fn = index.functionAt(r.file, r.span.line, r.span.col)?.item.name ?? null;
      list.push({ fn, file: r.file, line: r.span.line, access });
      if (fn) add(fn, { symbol: s.name, kind: s.kind, access, file: r.file, line: r.span.line });
    }
    list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    sites.set(s.name, list);
  }
  for (const list of touches.values()) {
    list.sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.symbol.localeCompare(b.symbol),
    );
  }
  const info = { touches, helpers, sites };
  cache.set(index, info);
  return info;
}

export function isMemoryRelated(info: MemoryInfo, fn: string): boolean {
  return info.helpers.has(fn) || info.touches.has(fn);
}
