/**
 * Line charts for bench/RESULTS.md, written by the benchmarks themselves: an SVG (axes, ticks,
 * grid, legend) rendered to PNG by Debian's Chromium under playwright-core, so no image
 * library is needed. Chromium is launched per call: benchmarks draw a handful of plots at the
 * end of a run, and a browser left open would hold the process alive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

export interface PlotSeries {
  name: string;
  points: [number, number][];
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
}

const WIDTH = 800;
const HEIGHT = 500;
const MARGIN = { left: 80, right: 24, top: 48, bottom: 60 };
// Distinguishable on white and in greyscale print (Okabe–Ito palette).
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** "Nice" tick values (1, 2 or 5 × 10^k steps) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's precision so that 0.1 + 0.2 prints as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(digits)));
  if (ticks[ticks.length - 1]! < hi) ticks.push(Number((first + ticks.length * step).toFixed(digits)));
  return ticks;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (v: number): string => (Math.abs(v) >= 10_000 ? `${v / 1000}k` : String(v));

/** The chart as an SVG document (exported for tests and for callers that want the SVG too). */
export function lineChartSvg(spec: PlotSpec): string {
  const finite = spec.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  const xTicks = niceTicks(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1);
  // The y axis starts at zero for non-negative data: CPU and rates read wrongly otherwise.
  const yMin = ys.length ? Math.min(0, ...ys) : 0;
  const yTicks = niceTicks(yMin, ys.length ? Math.max(...ys) : 1);
  const x0 = xTicks[0]!;
  const x1 = xTicks[xTicks.length - 1]!;
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${esc(spec.title)}</text>`,
  ];
  for (const t of xTicks) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${x}" y1="${MARGIN.top + plotH}" x2="${x}" y2="${MARGIN.top + plotH + 5}" stroke="black"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 20}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of yTicks) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${MARGIN.left - 5}" y1="${y}" x2="${MARGIN.left}" y2="${y}" stroke="black"/>`);
    out.push(`<text x="${MARGIN.left - 9}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="black"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(20 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${color}"/>`);
    // Legend: top left inside the plot area, one row per series.
    const ly = MARGIN.top + 18 + i * 20;
    out.push(`<rect x="${MARGIN.left + 10}" y="${ly - 10}" width="${Math.max(...spec.series.map((q) => q.name.length)) * 7.5 + 40}" height="20" fill="white" fill-opacity="0.85"/>`);
    out.push(`<line x1="${MARGIN.left + 14}" y1="${ly}" x2="${MARGIN.left + 38}" y2="${ly}" stroke="${color}" stroke-width="2.5"/>`);
    out.push(`<text x="${MARGIN.left + 44}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Draws the chart and writes it as a PNG to `file` (parent directories are created). */
export async function writeLinePlot(file: string, spec: PlotSpec): Promise<void> {
  const svg = lineChartSvg(spec);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    const png = await page.locator('svg').screenshot({ type: 'png' });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, png);
  } finally {
    await browser.close();
  }
}
