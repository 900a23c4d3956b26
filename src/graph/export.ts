// Text exporters of a CallGraph: Graphviz DOT, Mermaid flowchart and JSON. Indirect and
// ops-table edges are dashed and labelled; memory-related nodes are bold/marked. (The SVG export
// is drawn from the laid-out graph in the panel, where the positions are known.)
import type { CallGraph, GraphNode } from './callGraph';

export type GraphFormat = 'dot' | 'json' | 'mermaid';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['dot', 'json', 'mermaid'];

export function exportGraph(g: CallGraph, format: GraphFormat): string {
  switch (format) {
    case 'dot':
      return toDot(g);
    case 'mermaid':
      return toMermaid(g);
    case 'json':
      return JSON.stringify(g, null, 2) + '\n';
  }
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function nodeLabel(n: GraphNode): string {
  const where = n.file ? `${n.file}:${n.line ?? '?'}` : n.subsystem;
  return `${n.id}\n${where}`;
}

export function toDot(g: CallGraph): string {
  const out: string[] = [];
  out.push(`digraph ${dotString(`callgraph_${g.centre}`)} {`);
  out.push('  rankdir=LR;');
  out.push('  node [shape=box, fontname="monospace", fontsize=10];');
  out.push('  edge [fontname="monospace", fontsize=8];');
  for (const line of [...g.notes, ...(g.truncated ? [g.truncated.note] : [])]) {
    out.push(`  // ${line.replace(/\n/g, ' ')}`);
  }
  const bySub = new Map<string, GraphNode[]>();
  for (const n of g.nodes) {
    let l = bySub.get(n.subsystem);
    if (!l) bySub.set(n.subsystem, (l = []));
    l.push(n);
  }
  let i = 0;
  for (const [sub, nodes] of bySub) {
    out.push(`  subgraph ${dotString(`cluster_${i++}`)} {`);
    out.push(`    label=${dotString(sub)};`);
    for (const n of nodes) {
      const attrs = [`label=${dotString(nodeLabel(n))}`];
      if (n.id === g.centre) attrs.push('peripheries=2');
      if (n.memory) {
        attrs.push('style=bold', 'color="firebrick"');
        if (n.memoryWhy.length > 0) attrs.push(`tooltip=${dotString(n.memoryWhy.join(', '))}`);
      }
      out.push(`    ${dotString(n.id)} [${attrs.join(', ')}];`);
    }
    out.push('  }');
  }
  for (const e of g.edges) {
    const attrs: string[] = [];
    if (e.kind !== 'direct') attrs.push('style=dashed', `label=${dotString(e.via)}`);
    if (e.sites > 1) attrs.push(`penwidth=${Math.min(4, 1 + Math.log2(e.sites)).toFixed(1)}`);
    out.push(
      `  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`,
    );
  }
  out.push('}');
  return out.join('\n') + '\n';
}

function mermaidId(name: string, ids: Map<string, string>): string {
  let id = ids.get(name);
  if (!id) {
    id = `n${ids.size}`;
    ids.set(name, id);
  }
  return id;
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;');
}

export function toMermaid(g: CallGraph): string {
  const ids = new Map<string, string>();
  const out: string[] = ['flowchart LR'];
  for (const line of [...g.notes, ...(g.truncated ? [g.truncated.note] : [])]) {
    out.push(`  %% ${line.replace(/\n/g, ' ')}`);
  }
  const bySub = new Map<string, GraphNode[]>();
  for (const n of g.nodes) {
    let l = bySub.get(n.subsystem);
    if (!l) bySub.set(n.subsystem, (l = []));
    l.push(n);
  }
  let s = 0;
  for (const [sub, nodes] of bySub) {
    out.push(`  subgraph s${s++} ["${mermaidText(sub)}"]`);
    for (const n of nodes) {
      const id = mermaidId(n.id, ids);
      const label = mermaidText(n.memory ? `${n.id} ◆` : n.id);
      out.push(n.id === g.centre ? `    ${id}(["${label}"])` : `    ${id}["${label}"]`);
    }
    out.push('  end');
  }
  for (const e of g.edges) {
    const a = mermaidId(e.from, ids);
    const b = mermaidId(e.to, ids);
    out.push(e.kind === 'direct' ? `  ${a} --> ${b}` : `  ${a} -.->|"${mermaidText(e.via)}"| ${b}`);
  }
  const mem = g.nodes.filter((n) => n.memory).map((n) => mermaidId(n.id, ids));
  if (mem.length > 0) {
    out.push('  classDef memory stroke-width:3px');
    out.push(`  class ${mem.join(',')} memory`);
  }
  return out.join('\n') + '\n';
}
