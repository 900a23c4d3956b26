// DOM-free helpers shared by the panels and their tests: series → columns, CSV and SVG export.
// Values are plotted as given; non-numeric columns are skipped by the plot and kept in CSV.

export interface PlotSeries {
  key: string;
  label: string;
  unit: string;
  limit?: boolean;
}

export interface Columns {
  x: number[];
  ys: (number | null)[][];
}

export function toColumns(
  points: readonly Record<string, number | string>[],
  series: readonly PlotSeries[],
): Columns {
  const x = points.map((p, i) => (typeof p.t === 'number' ? p.t : i));
  const ys = series.map((s) =>
    points.map((p) => {
      const v = p[s.key];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    }),
  );
  return { x, ys };
}

const csvCell = (v: unknown): string => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Every key seen in the series, `t` first, as CSV with a header row. */
export function toCsv(points: readonly Record<string, number | string>[]): string {
  const keys: string[] = ['t'];
  for (const p of points) for (const k of Object.keys(p)) if (!keys.includes(k)) keys.push(k);
  const rows = [keys.join(',')];
  for (const p of points) rows.push(keys.map((k) => csvCell(p[k])).join(','));
  return rows.join('\n') + '\n';
}

export interface SvgOptions {
  width: number;
  height: number;
  title: string;
  xLabel: string;
  /** Colour per series, in order; the SVG carries literal colours since it leaves the theme. */
  colors: string[];
  foreground: string;
  background: string;
}

const escXml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

/** A standalone SVG line plot of the columns: one polyline per series, limit lines dashed. */
export function toSvg(cols: Columns, series: readonly PlotSeries[], o: SvgOptions): string {
  const m = { l: 70, r: 20, t: 30, b: 60 };
  const w = o.width - m.l - m.r;
  const h = o.height - m.t - m.b;
  const xs = cols.x;
  const xmin = Math.min(...xs);
  const xmax = Math.max(...xs);
  let ymin = 0;
  let ymax = 0;
  for (const ys of cols.ys) for (const v of ys) if (v !== null) ymax = Math.max(ymax, v);
  for (const ys of cols.ys) for (const v of ys) if (v !== null) ymin = Math.min(ymin, v);
  if (ymax === ymin) ymax = ymin + 1;
  const sx = (v: number): number => m.l + (xmax === xmin ? 0 : ((v - xmin) / (xmax - xmin)) * w);
  const sy = (v: number): number => m.t + h - ((v - ymin) / (ymax - ymin)) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="${escXml(o.background)}"/>`,
    `<text x="${m.l}" y="18" fill="${escXml(o.foreground)}" font-size="13">${escXml(o.title)}</text>`,
  );
  for (const t of niceTicks(ymin, ymax)) {
    const y = sy(t).toFixed(1);
    parts.push(
      `<line x1="${m.l}" x2="${m.l + w}" y1="${y}" y2="${y}" stroke="${escXml(o.foreground)}" stroke-opacity="0.15"/>`,
      `<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${escXml(o.foreground)}">${t}</text>`,
    );
  }
  for (const t of niceTicks(xmin, xmax)) {
    const x = sx(t).toFixed(1);
    parts.push(
      `<text x="${x}" y="${m.t + h + 16}" text-anchor="middle" fill="${escXml(o.foreground)}">${t}</text>`,
    );
  }
  parts.push(
    `<text x="${m.l + w / 2}" y="${m.t + h + 32}" text-anchor="middle" fill="${escXml(o.foreground)}">${escXml(o.xLabel)}</text>`,
  );
  const units = [...new Set(series.map((s) => s.unit))].join(', ');
  parts.push(
    `<text transform="translate(14 ${m.t + h / 2}) rotate(-90)" text-anchor="middle" fill="${escXml(o.foreground)}">${escXml(units)}</text>`,
  );
  series.forEach((s, i) => {
    const pts: string[] = [];
    cols.ys[i].forEach((v, j) => {
      if (v !== null) pts.push(`${sx(xs[j]).toFixed(1)},${sy(v).toFixed(1)}`);
    });
    const color = escXml(o.colors[i % o.colors.length]);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="${s.limit ? 1 : 1.6}"${s.limit ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`,
    );
    const lx = m.l + (i % 4) * (w / 4);
    const ly = o.height - 12 - Math.floor(i / 4) * 0;
    parts.push(
      `<text x="${lx}" y="${ly - Math.floor(i / 4) * 12}" fill="${color}">${escXml(`${s.label} (${s.unit})`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
