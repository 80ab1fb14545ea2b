/**
 * Sweep figures: a metric against latent size with one line per model and mean ± std error bars
 * over seeds (paper Figures 5 and 12: LPS and NMSE), and one metric against another per run
 * (Figure 7: DCI against LPS). Input is a list of plain run records, so a folder of runs, a sweep
 * ledger or the dashboard can all feed it.
 */
import type { TopLevelSpec } from "vega-lite";
import { SculptError } from "../registry.js";
import { meanStd } from "./stats.js";

export interface SweepRecord {
  model: string;
  dataset: string;
  latentDim: number;
  seed: number;
  metrics: Record<string, number>;
}

export interface MetricSummary {
  model: string;
  dataset: string;
  latentDim: number;
  mean: number;
  std: number;
  /** Seeds that had the metric. */
  n: number;
}

/** The first metric key present in any record that matches one of the patterns, in pattern order. */
export function findMetric(records: readonly SweepRecord[], patterns: readonly RegExp[]): string | undefined {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.metrics)))].sort();
  for (const p of patterns) {
    const hit = keys.find((k) => p.test(k));
    if (hit) return hit;
  }
  return undefined;
}

/** Mean ± std of one metric over seeds, per (dataset, model, latent size). */
export function summariseMetric(records: readonly SweepRecord[], metric: string): MetricSummary[] {
  const groups = new Map<string, { r: SweepRecord; values: number[] }>();
  for (const r of records) {
    const v = r.metrics[metric];
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    const key = JSON.stringify([r.dataset, r.model, r.latentDim]);
    const g = groups.get(key) ?? { r, values: [] };
    g.values.push(v);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map(({ r, values }) => ({ model: r.model, dataset: r.dataset, latentDim: r.latentDim, ...meanStd(values), n: values.length }))
    .sort((a, b) => a.dataset.localeCompare(b.dataset) || a.model.localeCompare(b.model) || a.latentDim - b.latentDim);
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One chart per data set, side by side (a facet would force one shared data table). */
function perDataset<T extends { dataset: string }>(rows: T[], title: string, chart: (rows: T[], dataset: string) => object): TopLevelSpec {
  const datasets = [...new Set(rows.map((r) => r.dataset))].sort();
  if (datasets.length === 0) throw new SculptError(`no run has the metrics for '${title}'`);
  const charts = datasets.map((ds) =>
    chart(
      rows.filter((r) => r.dataset === ds),
      ds,
    ),
  );
  if (charts.length === 1) return { $schema: SCHEMA, ...charts[0], title } as TopLevelSpec;
  return { $schema: SCHEMA, title, hconcat: charts.map((c, i) => ({ ...c, title: datasets[i] })) } as TopLevelSpec;
}

export function metricVsLatentSpec(
  records: readonly SweepRecord[],
  metric: string,
  options: { title?: string; label?: string } = {},
): TopLevelSpec {
  const label = options.label ?? metric;
  const summary = summariseMetric(records, metric);
  const models = [...new Set(summary.map((s) => s.model))].sort();
  const dims = [...new Set(summary.map((s) => s.latentDim))].sort((a, b) => a - b);
  const spacing = dims.length > 1 ? Math.min(...dims.slice(1).map((d, i) => d - dims[i])) : 1;
  // Nudge each model sideways a little so error bars at the same latent size do not overlap.
  const rows = summary.map((s) => ({
    ...s,
    x: s.latentDim + (models.indexOf(s.model) - (models.length - 1) / 2) * 0.06 * spacing,
    lo: s.mean - s.std,
    hi: s.mean + s.std,
  }));
  const x = {
    field: "x",
    type: "quantitative",
    title: "latent size",
    axis: { values: dims, format: "d" },
    scale: { zero: false, padding: 12 },
  };
  const color = { field: "model", type: "nominal", title: "model", scale: { domain: models } };
  return perDataset(rows, options.title ?? `${label} against latent size (mean ± std over seeds)`, (data) => ({
    width: 300,
    height: 200,
    data: { values: data },
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative", title: label, scale: { zero: false } },
          color,
          tooltip: [
            { field: "model" },
            { field: "latentDim", title: "latent size" },
            { field: "mean", format: ".4g" },
            { field: "std", format: ".2g" },
            { field: "n", title: "seeds" },
          ],
        },
      },
      { mark: { type: "rule" }, encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color } },
    ],
  }));
}

export function metricScatterSpec(
  records: readonly SweepRecord[],
  xMetric: string,
  yMetric: string,
  options: { title?: string; xLabel?: string; yLabel?: string } = {},
): TopLevelSpec {
  const rows = records
    .filter((r) => Number.isFinite(r.metrics[xMetric]) && Number.isFinite(r.metrics[yMetric]))
    .map((r) => ({
      model: r.model,
      dataset: r.dataset,
      latentDim: r.latentDim,
      seed: r.seed,
      x: r.metrics[xMetric],
      y: r.metrics[yMetric],
    }));
  const xLabel = options.xLabel ?? xMetric;
  const yLabel = options.yLabel ?? yMetric;
  return perDataset(rows, options.title ?? `${yLabel} against ${xLabel} (one point per run)`, (data) => ({
    width: 300,
    height: 220,
    data: { values: data },
    mark: { type: "point", filled: true, size: 60, opacity: 0.8 },
    encoding: {
      x: { field: "x", type: "quantitative", title: xLabel, scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: yLabel, scale: { zero: false } },
      color: { field: "model", type: "nominal", title: "model" },
      shape: { field: "model", type: "nominal" },
      tooltip: [
        { field: "model" },
        { field: "latentDim", title: "latent size" },
        { field: "seed" },
        { field: "x", title: xLabel },
        { field: "y", title: yLabel },
      ],
    },
  }));
}

export interface ModelTable {
  model: string;
  metrics: string[];
  rows: { dataset: string; latentDim: number; seeds: number; cells: Record<string, { mean: number; std: number; n: number }> }[];
}

/** Per model: one row per (data set, latent size), one column per metric, mean ± std over seeds. */
export function sweepTables(records: readonly SweepRecord[]): ModelTable[] {
  const models = [...new Set(records.map((r) => r.model))].sort();
  return models.map((model) => {
    const mine = records.filter((r) => r.model === model);
    const metrics = [...new Set(mine.flatMap((r) => Object.keys(r.metrics)))].sort();
    const rows = new Map<string, ModelTable["rows"][number]>();
    for (const metric of metrics) {
      for (const s of summariseMetric(mine, metric)) {
        const key = JSON.stringify([s.dataset, s.latentDim]);
        const seeds = mine.filter((r) => r.dataset === s.dataset && r.latentDim === s.latentDim).length;
        const row = rows.get(key) ?? { dataset: s.dataset, latentDim: s.latentDim, seeds, cells: {} };
        row.cells[metric] = { mean: s.mean, std: s.std, n: s.n };
        rows.set(key, row);
      }
    }
    return { model, metrics, rows: [...rows.values()].sort((a, b) => a.dataset.localeCompare(b.dataset) || a.latentDim - b.latentDim) };
  });
}
