/**
 * Charts as inline SVG, rendered server-side by Apache ECharts (its SSR renderer: no DOM, no
 * script in the page, animation off). ECharts is loaded on the first chart only, so commands and
 * reporters that draw none never pay for it; synchronously (require), because the reports are
 * also written from a signal handler.
 *
 * ECharts numbers its SVG ids and classes with process-wide counters: each chart's are renumbered
 * under its own prefix, so the same chart is the same bytes whatever was drawn before it, and two
 * charts in one page never share a class or a clip path.
 */
import { createRequire } from 'node:module';
import type { EChartsOption } from 'echarts';

interface EChartsSsr {
  init(dom: null, theme: null, opts: { renderer: 'svg'; ssr: true; width: number; height: number }): {
    setOption(option: EChartsOption): void;
    renderToSVGString(): string;
    dispose(): void;
  };
}

let echarts: EChartsSsr | null = null;

function load(): EChartsSsr {
  echarts ??= createRequire(import.meta.url)('echarts') as EChartsSsr;
  return echarts;
}

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/** One chart as an SVG element whose ids and classes start with `prefix` (unique in the page). */
export function renderSvg(option: EChartsOption, size: ChartSize, prefix: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(prefix)) throw new RangeError(`renderSvg: prefix must be a lowercase identifier, got '${prefix}'`);
  const chart = load().init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, useUTC: true, textStyle: { fontFamily: 'system-ui, sans-serif' }, ...option });
    return renumberIds(chart.renderToSVGString(), prefix);
  } finally {
    chart.dispose();
  }
}

/** zr<k>-cls-3, zr<k>-c0, ... become <prefix>-1, <prefix>-2, ... in order of first appearance. */
export function renumberIds(svg: string, prefix: string): string {
  const seen = new Map<string, string>();
  return svg.replace(/zr\d+-[A-Za-z-]*\d+/g, (token) => {
    const suffix = token.replace(/^zr\d+-/, '');
    let id = seen.get(suffix);
    if (id === undefined) {
      id = `${prefix}-${seen.size + 1}`;
      seen.set(suffix, id);
    }
    return id;
  });
}

export const COLORS = {
  equity: '#2563eb',
  drawdown: '#dc2626',
  price: '#334155',
  position: '#94a3b8',
  buy: '#16a34a',
  sell: '#dc2626',
  fault: '#d97706',
  violation: '#9333ea',
} as const;
