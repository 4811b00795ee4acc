import type { EChartsOption, SeriesOption } from 'echarts';
import type { Analysis, DriftReport, FeatureDriftResult, FeatureProfile, PerformanceReport, Run, TrafficPoint } from '../api/types';
import { escapeHtml, formatNumber, formatTime } from './format';
import { isNumericParam } from './compare';

/**
 * The console's charts as ECharts options, built from API data by pure functions (tested
 * without a browser). Tooltips are markup in ECharts: every name from the platform passes
 * through escapeHtml, so a tag or feature name can never become HTML.
 */

const timeAxis = { type: 'time' as const, axisLabel: { hideOverlap: true } };
const grid = { left: 56, right: 24, top: 36, bottom: 40 };

/** Most series with a legend and tooltips per point; more are drawn, but only as lines. */
export const LEGEND_LIMIT = 20;

export interface Curve {
  name: string;
  points: [number, number][];
}

/** Metric curves of many runs overlaid (step on x). */
export function curvesOption(curves: Curve[], metric: string): EChartsOption {
  const many = curves.length > LEGEND_LIMIT;
  const series: SeriesOption[] = curves.map((c) => ({
    type: 'line',
    name: c.name,
    data: c.points,
    showSymbol: !many && c.points.length <= 20,
    sampling: 'lttb',
    lineStyle: { width: many ? 0.8 : 1.6, opacity: many ? 0.5 : 1 },
    emphasis: { focus: 'series', lineStyle: { width: 2.5, opacity: 1 } },
  }));
  return {
    grid,
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 26, scale: true },
    yAxis: { type: 'value', name: metric, scale: true },
    legend: many ? { show: false } : { type: 'scroll', top: 0, formatter: (name: string) => name },
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const x = p as { seriesName: string; value: [number, number] }; return `${escapeHtml(x.seriesName)}<br/>step ${x.value[0]}: ${formatNumber(x.value[1])}`; } },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 4 }],
    series,
  };
}

/** A hyperparameter search as parallel coordinates: one axis per param, the metric last, lines coloured by it. */
export function parallelOption(runs: Run[], paramKeys: string[], metric: string): EChartsOption {
  const axes = paramKeys.map((key, dim) => {
    if (isNumericParam(runs, key)) return { dim, name: key, type: 'value' as const, scale: true };
    return { dim, name: key, type: 'category' as const, data: [...new Set(runs.map((r) => r.params[key] ?? ''))].sort() };
  });
  const metricDim = paramKeys.length;
  const values = runs.map((r) => r.metrics[metric]).filter((v): v is number => v !== undefined);
  const data = runs
    .filter((r) => r.metrics[metric] !== undefined)
    .map((r) => ({ name: `${r.runName ? `${r.runName} ` : ''}${r.runId.slice(0, 8)}`, value: [...paramKeys.map((k, i) => (axes[i].type === 'value' ? Number(r.params[k]) : (r.params[k] ?? ''))), r.metrics[metric]] }));
  return {
    parallelAxis: [...axes, { dim: metricDim, name: metric, type: 'value', scale: true, nameTextStyle: { fontWeight: 'bold' } }],
    parallel: { left: 60, right: 110, top: 40, bottom: 30 },
    visualMap: { type: 'continuous', dimension: metricDim, min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values) : 1, calculable: true, right: 4, top: 'middle', itemHeight: 120, precision: 3, inRange: { color: ['#d94e5d', '#eac736', '#50a3ba'] } },
    tooltip: { formatter: (p: unknown) => escapeHtml((p as { name: string }).name) },
    series: [{ type: 'parallel', lineStyle: { width: runs.length > 200 ? 0.6 : 1.4, opacity: runs.length > 200 ? 0.35 : 0.8 }, emphasis: { lineStyle: { width: 3, opacity: 1 } }, data }],
  };
}

/** A rollout's candidate weight over time (a step line). */
export function trafficOption(points: TrafficPoint[]): EChartsOption {
  return {
    grid,
    xAxis: timeAxis,
    yAxis: { type: 'value', min: 0, max: 100, name: 'candidate %' },
    tooltip: { trigger: 'axis', formatter: (p: unknown) => { const x = (p as { dataIndex: number }[])[0]; const pt = points[x.dataIndex]; return `${formatTime(pt.atMs)}<br/>${pt.weightPercent}% · ${escapeHtml(pt.note)}`; } },
    series: [{ type: 'line', step: 'end', areaStyle: { opacity: 0.15 }, data: points.map((p) => [p.atMs, p.weightPercent]), symbolSize: 6 }],
  };
}

/**
 * The limit a check's value is held to in one analysis: the threshold itself for error rate,
 * p99 and divergence; for accuracy the stable version's accuracy less the allowed drop, for a
 * regressor's mean absolute error the stable's grown by the allowed share.
 */
export function checkLimit(check: { name: string; threshold: number; stableValue: number }): number {
  if (check.name === 'accuracy') return check.stableValue - check.threshold;
  if (check.name === 'mae') return check.stableValue * (1 + check.threshold);
  return check.threshold;
}

/** One check of every analysis: the candidate and the stable value, and the limit the candidate was held to. */
export function checkOption(analyses: Analysis[], check: string): EChartsOption {
  const rows = analyses.map((a) => ({ a, c: a.checks.find((c) => c.name === check) })).filter((r) => r.c);
  const limits = rows.map((r) => checkLimit(r.c!));
  const values = rows.flatMap((r) => [r.c!.value, r.c!.stableValue]);
  return {
    grid: { left: 48, right: 16, top: 30, bottom: 28 },
    legend: { top: 0, right: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
    xAxis: { type: 'category', data: rows.map((r) => `#${r.a.number}`) },
    // The limit stays in view even when every value is far from it.
    yAxis: { type: 'value', scale: true, min: (v) => Math.min(v.min, ...limits), max: (v) => Math.max(v.max, ...limits, ...values) },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatNumber(Number(v)) },
    series: [
      { type: 'line', name: 'candidate', data: rows.map((r) => r.c!.value), symbolSize: 6 },
      { type: 'line', name: 'stable', data: rows.map((r) => r.c!.stableValue), lineStyle: { type: 'dotted' }, symbolSize: 4 },
      { type: 'line', name: 'limit', data: limits, step: 'middle', showSymbol: false, lineStyle: { color: '#d94e5d', type: 'dashed' }, itemStyle: { color: '#d94e5d' } },
    ],
  };
}

/** One feature's drift statistic in every evaluation, against its threshold. */
export function driftHistoryOption(history: DriftReport[], feature: string): EChartsOption {
  const points = history.map((r) => ({ at: r.computedAtMs, f: feature === 'prediction' ? r.prediction : r.features.find((x) => x.feature === feature) })).filter((p) => p.f);
  const threshold = points[points.length - 1]?.f?.threshold;
  const test = points[points.length - 1]?.f?.test ?? '';
  return {
    grid,
    xAxis: timeAxis,
    yAxis: { type: 'value', name: `${test} ${isPValue(test) ? 'p-value' : 'distance'}`, scale: true },
    tooltip: { trigger: 'axis' },
    series: [
      {
        type: 'line',
        name: feature,
        data: points.map((p) => ({ value: [p.at, p.f!.statistic], itemStyle: { color: p.f!.drifted ? '#d94e5d' : '#50a3ba' } })),
        showSymbol: true,
        symbolSize: 5,
        markLine: threshold === undefined ? undefined : { symbol: 'none', label: { formatter: `threshold ${formatNumber(threshold)}`, position: 'insideEndTop' }, lineStyle: { color: '#d94e5d', type: 'dashed' }, data: [{ yAxis: threshold }] },
      },
    ],
  };
}

export const isPValue = (test: string) => ['ks', 'chisquare', 'z'].includes(test);

/** The reference and the current window's distributions of a feature, in the bins the test used. */
export function distributionOption(result: FeatureDriftResult): EChartsOption {
  const labels = result.categories.length
    ? result.categories
    : result.binEdges.slice(0, -1).map((lo) => Number(lo.toPrecision(3)).toString());
  return {
    grid: { ...grid, bottom: 48 },
    legend: { top: 0 },
    xAxis: { type: 'category', data: labels, name: result.categories.length ? '' : 'bin from', nameLocation: 'middle', nameGap: 28, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: 'share', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${(Number(v) * 100).toFixed(1)}%` },
    series: [
      { type: 'bar', name: 'reference', data: result.referenceShares, itemStyle: { color: '#7f8ea3' } },
      { type: 'bar', name: 'current', data: result.currentShares, itemStyle: { color: result.drifted ? '#d94e5d' : '#50a3ba' } },
    ],
  };
}

/** The live metric over time, one line per production version, against the latest version's test value and limit. */
export function performanceOption(history: PerformanceReport[], metric: string): EChartsOption {
  const latest = history[history.length - 1];
  const baseline = latest?.baseline[metric];
  const lowerIsBetter = metric === 'rmse' || metric === 'mae';
  const limit = baseline === undefined ? undefined : lowerIsBetter ? baseline * (1 + latest.maxDegradation) : baseline - Math.abs(baseline) * latest.maxDegradation;
  const lines = [
    ...(baseline === undefined ? [] : [{ yAxis: baseline, label: { formatter: `v${latest.version} test ${formatNumber(baseline)}`, position: 'insideEndTop' as const }, lineStyle: { color: '#7f8ea3' } }]),
    ...(limit === undefined ? [] : [{ yAxis: limit, label: { formatter: `limit ${formatNumber(limit)}`, position: 'insideEndBottom' as const }, lineStyle: { color: '#d94e5d', type: 'dashed' as const } }]),
  ];
  const versions = [...new Set(history.map((r) => r.version))];
  return {
    grid,
    legend: { top: 0 },
    xAxis: timeAxis,
    yAxis: { type: 'value', name: metric, scale: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatNumber(Number(v)) },
    series: versions.map((v, i) => ({
      type: 'line' as const,
      name: `v${v} live ${metric}`,
      data: history.filter((r) => r.version === v).map((r) => [r.computedAtMs, r.current[metric]]),
      showSymbol: true,
      symbolSize: 5,
      markLine: i === versions.length - 1 ? { symbol: 'none', data: lines } : undefined,
    })),
  };
}

/** A snapshot profile: a numeric feature's histogram or a categorical feature's frequencies. */
export function profileOption(profile: FeatureProfile): EChartsOption {
  if (profile.categorical) {
    const f = profile.categorical.frequencies;
    return { grid, xAxis: { type: 'category', data: f.map((x) => x.value) }, yAxis: { type: 'value', name: 'count' }, tooltip: { trigger: 'axis' }, series: [{ type: 'bar', data: f.map((x) => x.count) }] };
  }
  const n = profile.numeric;
  const edges = n?.histogramEdges ?? [];
  return {
    grid,
    xAxis: { type: 'category', data: edges.slice(0, -1).map((lo, i) => `${formatNumber(lo)}–${formatNumber(edges[i + 1])}`), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: 'count' },
    tooltip: { trigger: 'axis' },
    series: [{ type: 'bar', data: n?.histogramCounts ?? [], barCategoryGap: '4%' }],
  };
}
