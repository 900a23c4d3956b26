// A time-series plot on uPlot (chosen for speed: canvas, thousands of points redrawn per frame).
// Colours come from the theme's --vscode-charts-* variables and are re-read on theme change;
// limit series (sk_sndbuf, requested SO_SNDBUF, size_goal...) are drawn dashed. Each distinct
// unit gets its own y scale; the first two get axes, labelled with their unit.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { addStyle, onThemeChange, themeColor } from './vscodeApi';
import type { Columns, PlotSeries } from './plotData';

let cssAdded = false;

const PALETTE = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

export function seriesColors(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    themeColor(PALETTE[i % PALETTE.length][0], PALETTE[i % PALETTE.length][1]),
  );
}

export interface ChartHandle {
  setData(cols: Columns): void;
  setCursor(index: number | null): void;
  canvas(): HTMLCanvasElement | null;
  destroy(): void;
}

export function createChart(
  container: HTMLElement,
  xLabel: string,
  series: readonly PlotSeries[],
  onCursor: (index: number) => void,
  /** A series drawn thicker (e.g. the passt variant found in the open code). */
  focus?: string,
  /** Fixed height in CSS pixels; default scales with the width. */
  fixedHeight?: number,
): ChartHandle {
  if (!cssAdded) {
    addStyle(uplotCss);
    cssAdded = true;
  }
  const units = [...new Set(series.map((s) => s.unit))];
  let plot: uPlot | null = null;
  let data: Columns = { x: [], ys: series.map(() => []) };

  /**
   * A limit line far above the data (a 4 MiB peer window over a 200 KB buffer) would flatten
   * every curve: the range follows the data and keeps limits only when they are near it.
   */
  const yRange = (unit: string, min: number, max: number): [number, number] => {
    let dataMax = -Infinity;
    let dataMin = Infinity;
    series.forEach((s, i) => {
      if (s.unit !== unit || s.limit) return;
      for (const v of data.ys[i] ?? []) {
        if (v === null) continue;
        if (v > dataMax) dataMax = v;
        if (v < dataMin) dataMin = v;
      }
    });
    if (!Number.isFinite(dataMax)) return [Math.min(0, min), max > min ? max : min + 1];
    const lo = Math.min(0, dataMin);
    const hi = max > dataMax * 3 ? dataMax : max;
    return [lo, hi > lo ? hi * 1.08 : lo + 1];
  };

  const build = (): void => {
    plot?.destroy();
    const fg = themeColor('--vscode-foreground', '#cccccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const colors = seriesColors(series.length);
    const axisFor = (unit: string, side: 1 | 3): uPlot.Axis => ({
      scale: unit,
      side,
      label: unit,
      stroke: fg,
      grid: { stroke: grid, width: 1, show: side === 3 },
      ticks: { stroke: grid },
      size: 70,
      values: (_u, vals) =>
        vals.map((v) =>
          Math.abs(v) >= 1e6
            ? `${+(v / 1e6).toFixed(2)}M`
            : Math.abs(v) >= 1e4
              ? `${+(v / 1e3).toFixed(1)}k`
              : `${v}`,
        ),
    });
    const opts: uPlot.Options = {
      width: Math.max(200, container.clientWidth),
      height: fixedHeight ?? Math.max(220, Math.min(420, Math.round(container.clientWidth * 0.5))),
      scales: Object.fromEntries([
        ['x', { time: false }],
        ...units.map((u) => [
          u,
          { range: (_u: uPlot, min: number, max: number) => yRange(u, min, max) },
        ]),
      ]),
      axes: [
        { stroke: fg, label: xLabel, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        ...units.slice(0, 2).map((u, i) => axisFor(u, i === 0 ? 3 : 1)),
      ],
      series: [
        { label: xLabel },
        ...series.map((s, i) => ({
          label: `${s.label} (${s.unit})`,
          scale: s.unit,
          stroke: colors[i],
          width: s.key === focus ? 4 : s.limit ? 1 : 2,
          dash: s.limit ? [6, 4] : undefined,
          points: { show: false },
        })),
      ],
      cursor: { drag: { x: true, y: false }, points: { show: true } },
      legend: { live: true },
      hooks: {
        setCursor: [
          (u) => {
            if (u.cursor.idx !== null && u.cursor.idx !== undefined) onCursor(u.cursor.idx);
          },
        ],
      },
    };
    plot = new uPlot(opts, [data.x, ...data.ys] as uPlot.AlignedData, container);
  };
  build();
  const stopThemeWatch = onThemeChange(build);
  const ro = new ResizeObserver(() => {
    plot?.setSize({ width: Math.max(200, container.clientWidth), height: plot.height });
  });
  ro.observe(container);
  return {
    setData(cols) {
      data = cols;
      plot?.setData([cols.x, ...cols.ys] as uPlot.AlignedData);
    },
    setCursor(index) {
      if (!plot || index === null || index >= data.x.length) return;
      const left = plot.valToPos(data.x[index], 'x');
      plot.setCursor({ left, top: 10 }, false);
    },
    canvas() {
      return container.querySelector('canvas');
    },
    destroy() {
      stopThemeWatch();
      ro.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}
