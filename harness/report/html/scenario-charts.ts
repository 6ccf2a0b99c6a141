/**
 * The charts of one scenario as figures: equity, drawdown, each charted instrument's price with
 * its fills and position, and the faults timeline. Each figure says how many points it has and,
 * when the series was downsampled for the chart, says so with the full count.
 */
import type { EChartsOption } from 'echarts';
import type { ScenarioReport } from '../schema.ts';
import type { InstrumentCharts, LineData, ScenarioCharts } from './chart-data.ts';
import { COLORS, renderSvg } from './charts.ts';
import { escapeHtml } from './escape.ts';
import { grouped } from '../format.ts';

const WIDTH = 960;
const GRID = { left: 80, right: 70, top: 34, bottom: 28 };

const pairs = (d: LineData): [number, number][] => d.timeMs.map((t, i) => [t, d.values[i]!]);

function downsampleNote(d: LineData, seriesPath: string | null): string {
  if (d.values.length >= d.fullPoints) return '';
  const where = seriesPath === null ? '' : `; the full series is in ${escapeHtml(seriesPath)}`;
  return ` <span class="note">Downsampled for this chart only: ${grouped(d.values.length)} of ${grouped(d.fullPoints)} points (the minimum and maximum of each time bucket)${where}.</span>`;
}

function figure(kind: string, title: string, note: string, points: number, svg: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(kind)}" data-points="${points}"><figcaption>${title}${note}</figcaption>${svg}</figure>`;
}

const timeAxis = { type: 'time' as const, axisLabel: { hideOverlap: true } };

/** A vertical line at an instant of the run, labelled (a property's first violation). */
interface TimeMark {
  readonly timeMs: number;
  readonly label: string;
}

function lineChart(prefix: string, d: LineData, color: string, area: boolean, yFormatter?: string, marks: readonly TimeMark[] = []): string {
  const option: EChartsOption = {
    grid: GRID,
    xAxis: timeAxis,
    yAxis: { type: 'value', scale: !area, ...(yFormatter === undefined ? {} : { axisLabel: { formatter: yFormatter } }) },
    series: [{
      type: 'line', data: pairs(d), showSymbol: false, lineStyle: { width: 1.4, color }, itemStyle: { color },
      ...(area ? { areaStyle: { color, opacity: 0.25 } } : {}),
      ...(marks.length === 0 ? {} : {
        markLine: {
          symbol: 'none', silent: true, lineStyle: { color: COLORS.violation, type: 'dashed', width: 1.5 },
          label: { formatter: '{b}', position: 'insideEndTop', color: COLORS.violation },
          data: marks.map((m) => ({ xAxis: m.timeMs, name: m.label })),
        },
      }),
    }],
  };
  return renderSvg(option, { width: WIDTH, height: 240 }, prefix);
}

/** Price with its fills on top, the position below it on the same time axis. */
function instrumentChart(prefix: string, c: InstrumentCharts): string {
  const option: EChartsOption = {
    grid: [{ ...GRID, bottom: 134 }, { ...GRID, top: 236, bottom: 28 }],
    legend: { top: 4, data: ['price', 'buy', 'sell'] },
    xAxis: [{ ...timeAxis, gridIndex: 0, axisLabel: { show: false } }, { ...timeAxis, gridIndex: 1 }],
    yAxis: [{ type: 'value', scale: true, gridIndex: 0 }, { type: 'value', gridIndex: 1, name: 'position', nameLocation: 'middle', nameGap: 50, splitNumber: 2 }],
    series: [
      { name: 'price', type: 'line', data: pairs(c.price), showSymbol: false, lineStyle: { width: 1.2, color: COLORS.price }, itemStyle: { color: COLORS.price } },
      { name: 'buy', type: 'scatter', data: c.fills.buys, symbol: 'triangle', symbolSize: 7, itemStyle: { color: COLORS.buy } },
      { name: 'sell', type: 'scatter', data: c.fills.sells, symbol: 'triangle', symbolRotate: 180, symbolSize: 7, itemStyle: { color: COLORS.sell } },
      {
        name: 'position', type: 'line', step: 'end', xAxisIndex: 1, yAxisIndex: 1, data: pairs(c.position), showSymbol: false,
        lineStyle: { width: 1, color: COLORS.position }, itemStyle: { color: COLORS.position }, areaStyle: { color: COLORS.position, opacity: 0.3 },
      },
    ],
  };
  return renderSvg(option, { width: WIDTH, height: 340 }, prefix);
}

/**
 * The faults applied, one row per kind and target (named in the legend, so the plot keeps the
 * margins of the charts above and their time axes line up), on the run's own time span when known.
 */
function faultsChart(prefix: string, list: NonNullable<ScenarioReport['faults']>['list'], spanMs: { min: number; max: number } | null): string {
  const rows = [...new Set(list.map((f) => `${f.kind} · ${f.target}`))].sort();
  const legendRows = Math.ceil(rows.length / 3);
  const option: EChartsOption = {
    grid: { ...GRID, top: 14 + 22 * legendRows },
    legend: { top: 4, data: rows, itemGap: 24 },
    xAxis: { ...timeAxis, ...(spanMs === null ? {} : spanMs) },
    yAxis: { type: 'category', data: rows, inverse: true, axisLabel: { show: false }, axisTick: { show: false } },
    series: rows.map((row) => ({
      name: row, type: 'scatter' as const, symbol: 'rect', symbolSize: [4, 14],
      data: list.filter((f) => `${f.kind} · ${f.target}` === row).map((f) => [f.timeUs / 1000, row]),
    })),
  };
  return renderSvg(option, { width: WIDTH, height: 50 + 22 * legendRows + 24 * rows.length }, prefix);
}

/** Every chart of scenario `index` (ids prefixed `s<index>-`). */
export function scenarioFigures(index: number, s: ScenarioReport, charts: ScenarioCharts | null): string[] {
  const out: string[] = [];
  const id = (name: string): string => `s${index}-${name}`;
  const path = s.seriesFile?.path ?? null;
  if (charts !== null) {
    const currency = escapeHtml(s.account?.currency ?? '');
    const violations: TimeMark[] = (s.properties ?? []).flatMap((p) => (p.violation?.timeUs == null ? [] : [{ timeMs: p.violation.timeUs / 1000, label: `${p.name} violated` }]));
    const violationNote = violations.length === 0 ? '' : ` <span class="note">Dashed: where a property was first violated.</span>`;
    out.push(figure('equity', `Equity (${currency})`, `${downsampleNote(charts.equity, path)}${violationNote}`, charts.equity.values.length,
      lineChart(id('equity'), charts.equity, COLORS.equity, false, undefined, violations)));
    const dd: LineData = { ...charts.drawdown, values: charts.drawdown.values.map((v) => -v * 100) };
    out.push(figure('drawdown', 'Drawdown (% below the running peak)', downsampleNote(charts.drawdown, path), dd.values.length,
      lineChart(id('drawdown'), dd, COLORS.drawdown, true, '{value}%')));
    charts.instruments.forEach((c, k) => {
      const shown = c.fills.buys.length + c.fills.sells.length;
      const fillNote = shown < c.fills.total ? ` <span class="note">${grouped(shown)} of ${grouped(c.fills.total)} fills marked (evenly spaced).</span>` : '';
      out.push(figure('price', `${escapeHtml(c.id)}: price, fills (${grouped(c.fills.total)}) and position`, `${downsampleNote(c.price, path)}${fillNote}`,
        c.price.values.length, instrumentChart(id(`price${k}`), c)));
    });
    if (charts.instrumentsTotal > charts.instruments.length) {
      out.push(`<p class="note">${charts.instruments.length} of ${charts.instrumentsTotal} instruments charted; every one is in ${escapeHtml(path ?? 'the series file')}.</p>`);
    }
  }
  const list = s.faults?.list ?? [];
  if (list.length > 0) {
    const more = s.faults!.total > list.length ? ` <span class="note">The first ${list.length} of ${s.faults!.total} faults.</span>` : '';
    const t = charts?.equity.timeMs ?? [];
    const span = t.length === 0 ? null : { min: Math.min(t[0]!, list[0]!.timeUs / 1000), max: Math.max(t.at(-1)!, list.at(-1)!.timeUs / 1000) };
    out.push(figure('faults', `Faults applied (${s.faults!.total})`, more, list.length, faultsChart(id('faults'), list, span)));
  }
  return out;
}
