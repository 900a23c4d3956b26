// The call-graph panel: asks the host for the neighbourhood of a function (by request id), lays
// it out in a Worker (layout.ts, ELK layered), draws it as SVG with pan/zoom, and lets the user
// recentre (double-click), open a definition (click), search, filter to memory paths and export.
// View state (centre, depth, direction, filter, search, pan/zoom) is kept with setState so the
// serializer restores the panel after a reload.
import type { CallGraph, GraphNode } from '../../src/graph/callGraph';
import {
  MAX_DEPTH,
  isHostToWebview,
  type GraphExportFormat,
  type GraphViewState,
  type WebviewToHost,
} from '../../src/protocol/graph';
import { addStyle, onThemeChange, themeColor, vscodeApi } from '../shared/vscodeApi';
import css from './graph.css';
import { layoutGraph, type Layout } from './layout';

const vscode = vscodeApi<GraphViewState, WebviewToHost>();
addStyle(css);

const SVG_NS = 'http://www.w3.org/2000/svg';
let state: GraphViewState | null = vscode.getState() ?? null;
let graph: CallGraph | null = null;
let layout: Layout | null = null;
let seq = 1;
let pendingGraph = 0;
let layoutSeq = 0;
let worker: Worker | null = null;
let workerFailed = false;
const layoutWaiters = new Map<number, (r: { layout?: Layout; error?: string }) => void>();

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

function saveState(): void {
  if (!state) return;
  vscode.setState(state);
  post({ type: 'state', state });
}

// ---- DOM ------------------------------------------------------------------------------------

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...kids: (Node | string)[]
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}
function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const root = document.getElementById('root')!;
const centreInput = h('input', {
  type: 'text',
  id: 'sk-centre',
  'aria-label': 'Centre function',
  size: '28',
});
const depthSelect = h('select', { id: 'sk-depth', 'aria-label': 'Depth' });
for (let d = 0; d <= MAX_DEPTH; d++)
  depthSelect.append(h('option', { value: String(d) }, String(d)));
const dirSelect = h(
  'select',
  { id: 'sk-direction', 'aria-label': 'Direction' },
  h('option', { value: 'both' }, 'callers + callees'),
  h('option', { value: 'in' }, 'callers'),
  h('option', { value: 'out' }, 'callees'),
);
const memBox = h('input', { type: 'checkbox', id: 'sk-memory-only' });
const searchInput = h('input', {
  type: 'text',
  id: 'sk-search',
  placeholder: 'search nodes',
  'aria-label': 'Search nodes',
  size: '16',
});
const btn = (id: string, label: string, title: string, fn: () => void) => {
  const b = h('button', { id, title }, label);
  b.addEventListener('click', fn);
  return b;
};
const toolbar = h(
  'div',
  { class: 'sk-toolbar', role: 'toolbar' },
  h('label', {}, 'Function', centreInput),
  h('label', {}, 'Depth', depthSelect),
  dirSelect,
  h(
    'label',
    { title: 'Keep only memory-related functions and the paths that lead to them' },
    memBox,
    'memory paths only',
  ),
  searchInput,
  btn('sk-fit', 'Fit', 'Fit the graph to the view', () => fit()),
  btn('sk-export-dot', 'DOT', 'Export Graphviz DOT', () => exportAs('dot')),
  btn('sk-export-svg', 'SVG', 'Export SVG', () => exportAs('svg')),
  btn('sk-export-mermaid', 'Mermaid', 'Export Mermaid', () => exportAs('mermaid')),
);
const status = h('div', { class: 'sk-status', role: 'status', id: 'sk-status' });
const svg = s('svg', {
  class: 'sk-canvas',
  id: 'sk-canvas',
  role: 'img',
  'aria-label': 'Call graph',
});
const defs = s('defs');
const viewport = s('g', { id: 'sk-viewport' });
svg.append(defs, viewport);
const legend = h('div', { class: 'sk-legend', id: 'sk-legend' });
root.append(toolbar, status, h('div', { class: 'sk-main' }, svg, legend));

function arrow(id: string, cls: string): SVGMarkerElement {
  const m = s('marker', {
    id,
    viewBox: '0 0 10 10',
    refX: 10,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  m.append(s('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
  return m;
}
defs.append(arrow('sk-arrow', 'sk-arrow'), arrow('sk-arrow-indirect', 'sk-arrow-indirect'));

function setStatus(text: string, level: 'info' | 'warn' | 'err' = 'info'): void {
  status.textContent = text;
  status.className = `sk-status${level === 'info' ? '' : ` sk-${level}`}`;
}

// ---- controls -------------------------------------------------------------------------------

function syncControls(): void {
  if (!state) return;
  centreInput.value = state.centre;
  depthSelect.value = String(state.depth);
  dirSelect.value = state.direction;
  memBox.checked = state.memoryOnly;
  searchInput.value = state.search;
}

function update(patch: Partial<GraphViewState>, refetch: boolean): void {
  if (!state) return;
  state = { ...state, ...patch, ...(refetch ? { view: null } : {}) };
  saveState();
  if (refetch) request();
}

centreInput.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const v = centreInput.value.trim();
  if (/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v)) update({ centre: v }, true);
  else setStatus(`'${v}' is not a C function name`, 'err');
});
depthSelect.addEventListener('change', () => update({ depth: Number(depthSelect.value) }, true));
dirSelect.addEventListener('change', () =>
  update({ direction: dirSelect.value as GraphViewState['direction'] }, true),
);
memBox.addEventListener('change', () => update({ memoryOnly: memBox.checked }, true));
searchInput.addEventListener('input', () => {
  update({ search: searchInput.value }, false);
  highlight();
});
searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') focusFirstMatch();
});

// ---- data flow ------------------------------------------------------------------------------

function request(): void {
  if (!state) return;
  pendingGraph = seq++;
  setStatus(`Computing the graph of ${state.centre}…`);
  post({
    type: 'request',
    requestId: pendingGraph,
    centre: state.centre,
    depth: state.depth,
    direction: state.direction,
    memoryOnly: state.memoryOnly,
  });
}

function startWorker(source: string): void {
  try {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = (e: MessageEvent<{ id: number; layout?: Layout; error?: string }>) => {
      const w = layoutWaiters.get(e.data.id);
      layoutWaiters.delete(e.data.id);
      w?.(e.data);
    };
    worker.onerror = (e) => {
      post({
        type: 'log',
        level: 'warn',
        message: `layout worker failed (${e.message}); laying out on the main thread`,
      });
      workerFailed = true;
      worker = null;
      for (const [, w] of layoutWaiters) w({ error: 'worker failed' });
      layoutWaiters.clear();
    };
  } catch (e) {
    workerFailed = true;
    post({ type: 'log', level: 'warn', message: `cannot start the layout worker: ${String(e)}` });
  }
}

async function runLayout(g: CallGraph): Promise<Layout> {
  if (worker && !workerFailed) {
    const id = ++layoutSeq;
    const r = await new Promise<{ layout?: Layout; error?: string }>((resolve) => {
      layoutWaiters.set(id, resolve);
      worker!.postMessage({ id, graph: g });
    });
    if (r.layout) return r.layout;
    if (!workerFailed) throw new Error(r.error ?? 'layout failed');
  }
  return layoutGraph(g);
}

async function show(g: CallGraph, requestId: number): Promise<void> {
  graph = g;
  setStatus(`Laying out ${g.nodes.length} functions, ${g.edges.length} edges…`);
  let l: Layout;
  try {
    l = await runLayout(g);
  } catch (e) {
    setStatus(`Layout failed: ${e instanceof Error ? e.message : String(e)}`, 'err');
    return;
  }
  if (requestId !== pendingGraph) return; // a newer request superseded this one
  layout = l;
  draw();
  const notes = [...g.notes, ...(g.truncated ? [g.truncated.note] : [])];
  const mem = g.nodes.filter((n) => n.memory).length;
  const indirect = g.edges.filter((e) => e.kind !== 'direct').length;
  setStatus(
    `${g.centre}: ${g.nodes.length} functions (${mem} memory-related), ${g.edges.length} edges (${indirect} indirect), ` +
      `depth ${g.depth} ${g.direction}${g.memoryOnly ? ', memory paths only' : ''} · layout ${Math.round(l.ms)} ms` +
      (notes.length ? ` · ${notes.join(' · ')}` : ''),
    g.truncated || g.notes.some((n) => !/macro calls hidden/.test(n)) ? 'warn' : 'info',
  );
  if (state?.view) applyView();
  else fit();
}

// ---- drawing --------------------------------------------------------------------------------

const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-green',
  '--vscode-charts-yellow',
  '--vscode-charts-orange',
  '--vscode-terminal-ansiCyan',
  '--vscode-terminal-ansiMagenta',
  '--vscode-terminal-ansiBrightBlue',
  '--vscode-terminal-ansiBrightGreen',
  '--vscode-terminal-ansiBrightYellow',
  '--vscode-charts-purple',
];

function subsystemColours(g: CallGraph): Map<string, string> {
  const subs = [...new Set(g.nodes.map((n) => n.subsystem))].sort();
  return new Map(subs.map((sub, i) => [sub, PALETTE[i % PALETTE.length]!]));
}

let clickTimer: number | undefined;

function draw(): void {
  viewport.replaceChildren();
  legend.replaceChildren();
  if (!graph || !layout) return;
  const colours = subsystemColours(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const edgeLayer = s('g');
  const labelLayer = s('g');
  const nodeLayer = s('g');
  for (const e of layout.edges) {
    const d = e.points
      .map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
      .join(' ');
    const direct = e.kind === 'direct';
    const path = s('path', {
      d,
      class: `sk-edge sk-${e.kind}`,
      'marker-end': `url(#${direct ? 'sk-arrow' : 'sk-arrow-indirect'})`,
    });
    const title = s('title');
    title.textContent = `${e.from} → ${e.to} (${e.via})`;
    path.append(title);
    edgeLayer.append(path);
    if (!direct && e.points.length >= 2) {
      const mid = e.points[Math.floor(e.points.length / 2)]!;
      const prev = e.points[Math.floor(e.points.length / 2) - 1] ?? mid;
      const t = s('text', {
        x: ((mid.x + prev.x) / 2).toFixed(1),
        y: ((mid.y + prev.y) / 2 - 3).toFixed(1),
        class: 'sk-edge-label',
        'text-anchor': 'middle',
      });
      t.textContent = e.via;
      labelLayer.append(t);
    }
  }
  for (const ln of layout.nodes) {
    const n = byId.get(ln.id);
    if (!n) continue;
    const g = s('g', {
      class: `sk-node${n.memory ? ' sk-memory' : ''}${n.id === graph.centre ? ' sk-centre' : ''}`,
      transform: `translate(${ln.x.toFixed(1)},${ln.y.toFixed(1)})`,
      'data-id': n.id,
      tabindex: 0,
      role: 'button',
      'aria-label': `${n.id}${n.memory ? ' (memory-related)' : ''}, ${n.file ?? n.subsystem}`,
    });
    const rect = s('rect', { width: ln.w, height: ln.h, rx: 4, ry: 4 });
    rect.style.fill = `var(${colours.get(n.subsystem) ?? PALETTE[0]})`;
    rect.style.fillOpacity = '0.28';
    const label = s('text', { x: 8, y: ln.h / 2 });
    label.textContent = n.memory ? `◆ ${n.id}` : n.id;
    const title = s('title');
    title.textContent = tooltip(n);
    g.append(rect, label, title);
    g.addEventListener('click', (ev) => {
      ev.stopPropagation();
      window.clearTimeout(clickTimer);
      clickTimer = window.setTimeout(() => openDefinition(n), 250);
    });
    g.addEventListener('dblclick', (ev) => {
      ev.stopPropagation();
      window.clearTimeout(clickTimer);
      recentre(n.id);
    });
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') openDefinition(n);
      if (ev.key === ' ') recentre(n.id);
    });
    nodeLayer.append(g);
  }
  viewport.append(edgeLayer, labelLayer, nodeLayer);
  for (const [sub, c] of colours) {
    const sw = h('span', { class: 'sk-swatch' });
    sw.style.background = `var(${c})`;
    legend.append(h('div', {}, sw, sub));
  }
  legend.append(
    h('div', {}, '◆ memory-related (red border)'),
    h('div', {}, '- - - indirect / ops-table call (labelled)'),
    h('div', {}, 'click: open · double-click: recentre'),
  );
  highlight();
}

function tooltip(n: GraphNode): string {
  const where = n.file ? `${n.file}:${n.line ?? '?'}` : '(defined outside this tree)';
  const dist =
    n.depth === 0
      ? 'centre'
      : n.depth < 0
        ? `caller at depth ${-n.depth}`
        : `callee at depth ${n.depth}`;
  const mem = n.memory ? `\nmemory: ${n.memoryWhy.join(', ') || 'memory helper'}` : '';
  const also = n.alsoIn.length ? `\nalso defined in ${n.alsoIn.join(', ')}` : '';
  return `${n.id}\n${where}\n${dist}${mem}${also}`;
}

function openDefinition(n: GraphNode): void {
  post({ type: 'openDefinition', fn: n.id, file: n.file, line: n.line });
}

function recentre(fn: string): void {
  update({ centre: fn }, true);
  syncControls();
}

function highlight(): void {
  const q = (state?.search ?? '').trim().toLowerCase();
  for (const g of viewport.querySelectorAll<SVGGElement>('.sk-node')) {
    const id = g.dataset.id ?? '';
    const hit = q !== '' && id.toLowerCase().includes(q);
    g.classList.toggle('sk-match', hit);
    g.classList.toggle('sk-dim', q !== '' && !hit);
  }
}

// ---- pan & zoom -----------------------------------------------------------------------------

let view = { x: 0, y: 0, k: 1 };

function applyView(): void {
  if (state?.view) view = { ...state.view };
  viewport.setAttribute(
    'transform',
    `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.k.toFixed(4)})`,
  );
}

let viewSaveTimer: number | undefined;
function setView(v: { x: number; y: number; k: number }): void {
  view = v;
  viewport.setAttribute(
    'transform',
    `translate(${v.x.toFixed(1)},${v.y.toFixed(1)}) scale(${v.k.toFixed(4)})`,
  );
  window.clearTimeout(viewSaveTimer);
  viewSaveTimer = window.setTimeout(() => update({ view: { ...view } }, false), 300);
}

function fit(): void {
  if (!layout) return;
  const r = svg.getBoundingClientRect();
  const pad = 20;
  const fitK = Math.min(
    (r.width - 2 * pad) / (layout.width || 1),
    (r.height - 2 * pad) / (layout.height || 1),
  );
  // Whole graph when it fits legibly; otherwise a readable zoom centred on the centre function.
  const k = Math.min(1.5, Math.max(0.5, fitK));
  const c = k > fitK ? layout.nodes.find((n) => n.id === graph?.centre) : undefined;
  if (c)
    setView({ x: r.width / 2 - (c.x + c.w / 2) * k, y: r.height / 2 - (c.y + c.h / 2) * k, k });
  else setView({ x: (r.width - layout.width * k) / 2, y: (r.height - layout.height * k) / 2, k });
}

function focusFirstMatch(): void {
  const q = searchInput.value.trim().toLowerCase();
  const n = layout?.nodes.find((x) => x.id.toLowerCase().includes(q));
  if (!n || !q) return;
  const r = svg.getBoundingClientRect();
  const k = Math.max(view.k, 1);
  setView({ x: r.width / 2 - (n.x + n.w / 2) * k, y: r.height / 2 - (n.y + n.h / 2) * k, k });
}

svg.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const k = Math.min(50, Math.max(0.02, view.k * Math.exp(-e.deltaY * 0.0015)));
    setView({ x: px - ((px - view.x) * k) / view.k, y: py - ((py - view.y) * k) / view.k, k });
  },
  { passive: false },
);
let drag: { x: number; y: number; vx: number; vy: number } | null = null;
svg.addEventListener('pointerdown', (e) => {
  if ((e.target as Element).closest('.sk-node')) return;
  drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
  svg.setPointerCapture(e.pointerId);
  svg.classList.add('sk-dragging');
});
svg.addEventListener('pointermove', (e) => {
  if (drag)
    setView({ x: drag.vx + e.clientX - drag.x, y: drag.vy + e.clientY - drag.y, k: view.k });
});
svg.addEventListener('pointerup', () => {
  drag = null;
  svg.classList.remove('sk-dragging');
});

// ---- export ---------------------------------------------------------------------------------

function exportAs(format: GraphExportFormat): void {
  if (!graph) return;
  const data = format === 'svg' ? standaloneSvg() : '';
  if (format === 'svg' && !data) return;
  post({ type: 'export', requestId: seq++, format, data });
}

const xmlEsc = (t: string): string => t.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG file with the theme's colours resolved (CSS variables do not exist outside VS Code). */
function standaloneSvg(): string {
  if (!graph || !layout) return '';
  const colours = subsystemColours(graph);
  const fg = themeColor('--vscode-editor-foreground', '#333');
  const bg = themeColor('--vscode-editor-background', '#fff');
  const edge = themeColor('--vscode-editorLineNumber-foreground', '#888');
  const ind = themeColor('--vscode-charts-purple', '#8a2be2');
  const red = themeColor('--vscode-charts-red', '#d00');
  const font = 'font-family="monospace"';
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: string[] = [
    `<svg xmlns="${SVG_NS}" width="${Math.ceil(layout.width + 20)}" height="${Math.ceil(layout.height + 20)}" viewBox="-10 -10 ${Math.ceil(layout.width + 20)} ${Math.ceil(layout.height + 20)}">`,
    `<rect x="-10" y="-10" width="100%" height="100%" fill="${bg}"/>`,
    `<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${edge}"/></marker>`,
    `<marker id="b" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${ind}"/></marker></defs>`,
  ];
  for (const e of layout.edges) {
    const d = e.points
      .map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
      .join(' ');
    const direct = e.kind === 'direct';
    out.push(
      `<path d="${d}" fill="none" stroke="${direct ? edge : ind}" stroke-width="1.2"${direct ? '' : ' stroke-dasharray="5 3"'} marker-end="url(#${direct ? 'a' : 'b'})"><title>${xmlEsc(`${e.from} → ${e.to} (${e.via})`)}</title></path>`,
    );
    if (!direct && e.points.length >= 2) {
      const mid = e.points[Math.floor(e.points.length / 2)]!;
      const prev = e.points[Math.floor(e.points.length / 2) - 1] ?? mid;
      out.push(
        `<text x="${((mid.x + prev.x) / 2).toFixed(1)}" y="${((mid.y + prev.y) / 2 - 3).toFixed(1)}" fill="${ind}" font-size="10" text-anchor="middle" ${font}>${xmlEsc(e.via)}</text>`,
      );
    }
  }
  for (const ln of layout.nodes) {
    const n = byId.get(ln.id);
    if (!n) continue;
    const fill = themeColor(colours.get(n.subsystem) ?? PALETTE[0]!, '#69c');
    const stroke = n.id === graph.centre ? fg : n.memory ? red : fg;
    const sw = n.id === graph.centre ? 3 : n.memory ? 2.5 : 1;
    out.push(
      `<g transform="translate(${ln.x.toFixed(1)},${ln.y.toFixed(1)})"><title>${xmlEsc(tooltip(n))}</title>` +
        `<rect width="${ln.w}" height="${ln.h}" rx="4" fill="${fill}" fill-opacity="0.28" stroke="${stroke}" stroke-width="${sw}"/>` +
        `<text x="8" y="${ln.h / 2}" dominant-baseline="middle" font-size="12" fill="${fg}" ${font}>${xmlEsc(n.memory ? `◆ ${n.id}` : n.id)}</text></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

// ---- host messages --------------------------------------------------------------------------

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const m = ev.data;
  if (!isHostToWebview(m)) {
    post({
      type: 'log',
      level: 'warn',
      message: 'graph panel: ignored a malformed message from the host',
    });
    return;
  }
  switch (m.type) {
    case 'open':
      state = m.state;
      vscode.setState(state);
      syncControls();
      request();
      return;
    case 'worker':
      if (!worker && !workerFailed) startWorker(m.source);
      return;
    case 'graph':
      if (m.requestId === pendingGraph) void show(m.graph, m.requestId);
      return;
    case 'error':
      if (m.requestId === pendingGraph) setStatus(m.message, 'err');
      return;
    case 'saved':
      if (!m.ok) setStatus(m.message, 'err');
      else if (m.message) setStatus(m.message);
      return;
  }
});

onThemeChange(() => draw());
window.addEventListener('resize', () => {
  if (!state?.view) fit();
});

syncControls();
post({ type: 'ready' });
// A restored panel (serializer) already has its state: fetch its graph once the host answers
// 'ready' with 'open' (fresh panels) or right away (restored ones keep their own state).
if (state) request();
