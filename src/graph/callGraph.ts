// The neighbourhood of one function in the whole-tree call graph: callers and callees to a
// depth each way (default 2: whole-program graphs are useless and slow), edges labelled with how
// the call is made (direct, INDIRECT_CALL candidate, ops-table member), nodes with file and
// subsystem, memory-related nodes marked, an optional memory-only filter and a node cap.
// Pure: works on any CodeIndex (the real one, or a fake in tests).
import type { CallEdge, CodeIndex } from '../index/api';
import { isMemoryRelated, memoryInfo, type MemoryInfo } from './memory';

export type Direction = 'in' | 'out' | 'both';
export type EdgeKind = 'direct' | 'indirect' | 'ops';

export interface GraphNode {
  /** Function name (node id). Static functions of the same name in several files share a node. */
  id: string;
  /** Defining file relative to the root, or null when the tree has no definition (header, other tree). */
  file: string | null;
  /** 1-based line of the definition's name, or null. */
  line: number | null;
  /** Other files defining a function of that name (static duplicates). */
  alsoIn: string[];
  /** Directory of the defining file (`net/ipv4`), or `(outside tree)`. */
  subsystem: string;
  /** Signed distance from the centre: negative for callers, positive for callees, 0 for the centre. */
  depth: number;
  memory: boolean;
  /** The memory symbols it touches or helpers it calls (at most 6 names), for tooltips. */
  memoryWhy: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** As in the index: `direct`, `INDIRECT_CALL`, `ops:<struct>.<member>`. */
  via: string;
  kind: EdgeKind;
  /** First call site (1-based line). */
  file: string;
  line: number;
  /** How many call sites this edge stands for. */
  sites: number;
}

export interface CallGraphOptions {
  depth?: number;
  direction?: Direction;
  memoryOnly?: boolean;
  /** At most this many nodes (default 500); the rest is counted in `truncated`. */
  maxNodes?: number;
  /**
   * Leave out callees that are macros rather than functions (READ_ONCE, likely, min_t...):
   * no function definition in the tree, and a macro definition, an all-caps name or a known
   * kernel helper macro name (default true).
   */
  hideMacros?: boolean;
}

/** Kernel macros that look like functions and are called everywhere (include/linux/compiler.h, minmax.h...). */
const NOISE_MACROS = new Set([
  'likely',
  'unlikely',
  'min',
  'max',
  'min_t',
  'max_t',
  'min3',
  'max3',
  'clamp',
  'clamp_t',
  'clamp_val',
  'swap',
  'barrier',
  'smp_mb',
  'smp_rmb',
  'smp_wmb',
  'smp_mb__after_atomic',
  'smp_mb__before_atomic',
  'smp_store_release',
  'smp_load_acquire',
  'container_of',
  'offsetof',
  'sizeof',
  'typeof',
  'rcu_dereference',
  'rcu_dereference_protected',
  'rcu_access_pointer',
  'rcu_assign_pointer',
  'lockdep_assert_held',
  'lockdep_sock_is_held',
  'sock_owned_by_me',
  'do_div',
  'div_u64',
  'roundup',
  'round_up',
  'round_down',
  'unlikely_notrace',
]);

export interface CallGraph {
  centre: string;
  depth: number;
  direction: Direction;
  memoryOnly: boolean;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Present when nodes were left out because of the cap. */
  truncated?: { maxNodes: number; omitted: number; note: string };
  /** Other remarks (unknown centre, exploration stopped early...). */
  notes: string[];
}

export const DEFAULT_DEPTH = 2;
export const DEFAULT_MAX_NODES = 500;
/** Exploration stops here even before filtering, to keep huge fan-outs (kfree, printk) bounded. */
const EXPLORE_LIMIT = 20_000;

export function edgeKind(via: string): EdgeKind {
  if (via === 'direct') return 'direct';
  if (via.startsWith('ops:')) return 'ops';
  return 'indirect';
}

export function subsystemOf(file: string | null): string {
  if (!file) return '(outside tree)';
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

export function callGraph(
  index: CodeIndex,
  centre: string,
  opts: CallGraphOptions = {},
): CallGraph {
  const depth = Math.max(0, Math.floor(opts.depth ?? DEFAULT_DEPTH));
  const direction = opts.direction ?? 'both';
  const memoryOnly = opts.memoryOnly ?? false;
  const maxNodes = Math.max(1, Math.floor(opts.maxNodes ?? DEFAULT_MAX_NODES));
  const hideMacros = opts.hideMacros ?? true;
  const macroCache = new Map<string, boolean>();
  const isMacroCall = (name: string): boolean => {
    let v = macroCache.get(name);
    if (v === undefined) {
      v =
        index.functionDefs(name).length === 0 &&
        (NOISE_MACROS.has(name) ||
          /^[A-Z][A-Z0-9_]*$/.test(name) ||
          index.macroDefs(name).length > 0);
      macroCache.set(name, v);
    }
    return v;
  };
  const hidden = new Set<string>();
  const notes: string[] = [];
  const info = memoryInfo(index);

  if (index.functionDefs(centre).length === 0 && index.callersOf(centre).length === 0) {
    notes.push(`${centre}: no definition and no callers in this tree`);
  }

  // Breadth-first both ways; `order` keeps discovery order (by |depth|) for the cap.
  const depthOf = new Map<string, number>([[centre, 0]]);
  const order: string[] = [centre];
  const edges = new Map<string, GraphEdge>();
  let stopped = false;
  const addEdge = (e: CallEdge): void => {
    const key = `${e.caller}\u0000${e.callee}\u0000${e.via}`;
    const old = edges.get(key);
    if (old) {
      old.sites++;
      return;
    }
    edges.set(key, {
      from: e.caller,
      to: e.callee,
      via: e.via,
      kind: edgeKind(e.via),
      file: e.file,
      line: e.span.line + 1,
      sites: 1,
    });
  };
  const walk = (sign: 1 | -1): void => {
    let frontier = [centre];
    for (let d = 1; d <= depth && frontier.length > 0 && !stopped; d++) {
      const next: string[] = [];
      for (const fn of frontier) {
        const list = sign > 0 ? index.calleesOf(fn) : index.callersOf(fn);
        for (const e of sortedEdges(list)) {
          const other = sign > 0 ? e.callee : e.caller;
          if (!other) continue;
          if (hideMacros && sign > 0 && other !== centre && isMacroCall(other)) {
            hidden.add(other);
            continue;
          }
          if (!depthOf.has(other)) {
            if (order.length >= EXPLORE_LIMIT) {
              stopped = true;
              continue;
            }
            depthOf.set(other, sign * d);
            order.push(other);
            next.push(other);
          }
          addEdge(e);
        }
      }
      frontier = next;
    }
  };
  if (direction !== 'in') walk(1);
  if (direction !== 'out') walk(-1);
  if (stopped) notes.push(`exploration stopped at ${EXPLORE_LIMIT} functions`);
  if (hidden.size > 0)
    notes.push(`${hidden.size} macro calls hidden (READ_ONCE, likely, min_t...)`);

  let keep = new Set(order);
  let edgeList = [...edges.values()];
  if (memoryOnly) {
    keep = memoryPaths(centre, order, edgeList, info);
    edgeList = edgeList.filter((e) => keep.has(e.from) && keep.has(e.to));
  }

  // Cap: nearest first (discovery order already is), centre always in.
  let kept = order.filter((n) => keep.has(n));
  let truncated: CallGraph['truncated'];
  if (kept.length > maxNodes) {
    const omitted = kept.length - maxNodes;
    kept = kept.slice(0, maxNodes);
    truncated = {
      maxNodes,
      omitted,
      note: `graph truncated: showing the ${maxNodes} nearest functions, ${omitted} more within depth ${depth} not shown (lower the depth or use the memory-only filter)`,
    };
  }
  const keptSet = new Set(kept);
  const nodes = kept.map((id) => makeNode(index, info, id, depthOf.get(id) ?? 0));
  return {
    centre,
    depth,
    direction,
    memoryOnly,
    nodes,
    edges: edgeList.filter((e) => keptSet.has(e.from) && keptSet.has(e.to)),
    ...(truncated ? { truncated } : {}),
    notes,
  };
}

function sortedEdges(list: CallEdge[]): CallEdge[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.span.line - b.span.line ||
      a.span.col - b.span.col ||
      a.callee.localeCompare(b.callee),
  );
}

/**
 * Memory-only filter: the memory-related functions and every function that leads to one
 * (reaches it along call edges), plus the centre. Callees of a memory function that lead
 * nowhere memory-related are dropped, so the graph shows the paths into memory code.
 */
function memoryPaths(
  centre: string,
  nodes: string[],
  edges: GraphEdge[],
  info: MemoryInfo,
): Set<string> {
  const into = new Map<string, string[]>();
  for (const e of edges) {
    let l = into.get(e.to);
    if (!l) into.set(e.to, (l = []));
    l.push(e.from);
  }
  const keep = new Set<string>([centre]);
  const queue = nodes.filter((n) => isMemoryRelated(info, n));
  for (const n of queue) keep.add(n);
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const p of into.get(n) ?? []) {
      if (!keep.has(p)) {
        keep.add(p);
        queue.push(p);
      }
    }
  }
  return keep;
}

function makeNode(index: CodeIndex, info: MemoryInfo, id: string, depth: number): GraphNode {
  const defs = [...index.functionDefs(id)].sort((a, b) => a.file.localeCompare(b.file));
  const def = defs[0];
  const why = new Set<string>();
  for (const t of info.touches.get(id) ?? []) {
    if (why.size >= 6) break;
    why.add(t.symbol);
  }
  return {
    id,
    file: def?.file ?? null,
    line: def ? def.item.nameSpan.line + 1 : null,
    alsoIn: defs.slice(1).map((d) => d.file),
    subsystem: subsystemOf(def?.file ?? null),
    depth,
    memory: isMemoryRelated(info, id),
    memoryWhy: [...why],
  };
}
