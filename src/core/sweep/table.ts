/**
 * Sweep tables: mean ± std over seeds per row (model, or whatever else the sweep varies) and data
 * set, with the best value per column marked. Two layouts, as in the paper: `compact` puts a few
 * metrics in one cell per data set (Table 1: "LPS-gbdt — NMSE dB"), `full` gives one table per data
 * set with every metric (Appendix B). Formats: markdown, csv (long form), latex, json.
 */
import { meanStd } from "../figures/stats.js";
import { SculptError } from "../registry.js";
import type { RunCoords } from "./expand.js";
import { stableJson } from "./hash.js";
import { checkMetricKeys, METRIC_INFO, metricDirection, metricLabel } from "./metric-info.js";

export interface SweepResult {
  coords: RunCoords;
  metrics: Record<string, number>;
}

export interface CellStats {
  mean: number;
  std: number;
  n: number;
}

export interface SweepTable {
  /** Column order: data sets in order of first appearance. */
  datasets: string[];
  rows: { key: string; label: string }[];
  /** Every metric key some run has, known metrics first in METRIC_INFO order. */
  metrics: string[];
  /** Seeds per cell in the sweep (the most common count; cells with fewer are flagged). */
  seeds: number;
  cell(row: string, dataset: string, metric: string): CellStats | undefined;
  /** Whether the cell holds the best mean of its (data set, metric) column; ties are all best. */
  isBest(row: string, dataset: string, metric: string): boolean;
}

/** Coordinates that may name a row, in label order. */
const ROW_KEYS = ["experiment", "model", "prior", "kernel", "lambda", "latentDim"] as const;

const rowPart: Record<(typeof ROW_KEYS)[number], (v: string | number) => string> = {
  experiment: (v) => String(v),
  model: (v) => String(v),
  prior: (v) => String(v),
  kernel: (v) => `kernel ${v}`,
  lambda: (v) => `λ=${v}`,
  latentDim: (v) => `d=${v}`,
};

export function aggregate(results: readonly SweepResult[]): SweepTable {
  if (results.length === 0) throw new SculptError("no finished runs to tabulate", "run the sweep first (sculpt sweep SPEC --out DIR)");
  const datasets = [...new Set(results.map((r) => r.coords.dataset))];
  // Rows are named by the model and by any coordinate that takes more than one value within some
  // data set (latent sizes differ between data sets in Table 1, but are not what its rows compare).
  const varying = ROW_KEYS.filter(
    (k) =>
      k === "model" ||
      datasets.some(
        (d) => new Set(results.filter((r) => r.coords.dataset === d && r.coords[k] !== undefined).map((r) => r.coords[k])).size > 1,
      ),
  );
  const keyOf = (c: RunCoords) => stableJson(varying.map((k) => c[k] ?? null));
  const labelOf = (c: RunCoords) =>
    varying
      .filter((k) => c[k] !== undefined)
      .map((k) => rowPart[k](c[k]!))
      .join(" · ");
  const rows: { key: string; label: string }[] = [];
  const values = new Map<string, number[]>();
  const at = (row: string, dataset: string, metric: string) => `${row}\u0000${dataset}\u0000${metric}`;
  const metricSet = new Set<string>();
  for (const r of results) {
    const key = keyOf(r.coords);
    if (!rows.some((x) => x.key === key)) rows.push({ key, label: labelOf(r.coords) });
    for (const [m, v] of Object.entries(r.metrics)) {
      if (!Number.isFinite(v)) continue;
      metricSet.add(m);
      const k = at(key, r.coords.dataset, m);
      values.set(k, [...(values.get(k) ?? []), v]);
    }
  }
  const known = Object.keys(METRIC_INFO);
  const metrics = [...metricSet].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? known.length : ia) - (ib < 0 ? known.length : ib) || a.localeCompare(b);
  });
  const stats = new Map<string, CellStats>();
  const counts = new Map<number, number>();
  for (const [k, vs] of values) {
    const { mean, std } = meanStd(vs);
    stats.set(k, { mean, std, n: vs.length });
    counts.set(vs.length, (counts.get(vs.length) ?? 0) + 1);
  }
  const seeds = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
  const best = new Set<string>();
  for (const d of datasets)
    for (const m of metrics) {
      const dir = metricDirection(m);
      const cells = rows.map((r) => ({ key: at(r.key, d, m), s: stats.get(at(r.key, d, m)) })).filter((c) => c.s);
      if (!dir || cells.length < 2) continue;
      const target = dir === "lower" ? Math.min(...cells.map((c) => c.s!.mean)) : Math.max(...cells.map((c) => c.s!.mean));
      for (const c of cells) if (c.s!.mean === target) best.add(c.key);
    }
  return {
    datasets,
    rows,
    metrics,
    seeds,
    cell: (row, dataset, metric) => stats.get(at(row, dataset, metric)),
    isBest: (row, dataset, metric) => best.has(at(row, dataset, metric)),
  };
}

export type TableFormat = "markdown" | "csv" | "latex" | "json";
export type TableLayout = "compact" | "full";
export const TABLE_FORMATS: readonly TableFormat[] = ["markdown", "csv", "latex", "json"];
export const TABLE_LAYOUTS: readonly TableLayout[] = ["compact", "full"];
/** The paper's Table 1 cell: LPS-gbdt — NMSE in dB. */
export const TABLE1_METRICS = ["lps.gbdt", "nmse.db"];

/** Decimals for a mean: fewer for large magnitudes (NMSE in dB), more for small ones (LPS, MIG). */
function decimals(x: number): number {
  const a = Math.abs(x);
  return a >= 100 ? 1 : a >= 1 ? 2 : 3;
}

// A cell over another number of seeds than the caption's (fewer, or more after `--seeds`) says so.
function meanStdText(s: CellStats, seeds: number): string {
  const d = decimals(s.mean);
  return `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}${s.n !== seeds ? ` (n=${s.n})` : ""}`;
}

const latexEscape = (s: string) =>
  s
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([&%$#_{}])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/±/g, "$\\pm$")
    .replace(/λ/g, "$\\lambda$")
    .replace(/²/g, "$^2$")
    .replace(/—/g, "--")
    .replace(/–/g, "--")
    .replace(/↓/g, "$\\downarrow$")
    .replace(/↑/g, "$\\uparrow$")
    .replace(/·/g, "$\\cdot$");

const markdownEscape = (s: string) => s.replace(/\|/g, "\\|");
const csvField = (s: string | number) => (typeof s === "number" ? String(s) : /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function grid(format: "markdown" | "latex", header: string[], body: string[][], caption: string): string {
  if (format === "markdown") {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [`${caption}`, "", line(header.map(markdownEscape)), line(header.map(() => "---")), ...body.map(line)].join("\n");
  }
  return [
    `% ${caption}`,
    `\\begin{tabular}{l${"c".repeat(header.length - 1)}}`,
    "\\toprule",
    header.map(latexEscape).join(" & ") + " \\\\",
    "\\midrule",
    ...body.map((r) => r.join(" & ") + " \\\\"),
    "\\bottomrule",
    "\\end{tabular}",
  ].join("\n");
}

function markCell(format: "markdown" | "latex", text: string, best: boolean): string {
  if (format === "markdown") return best ? `**${markdownEscape(text)}**` : markdownEscape(text);
  return best ? `\\textbf{${latexEscape(text)}}` : latexEscape(text);
}

const arrow = (m: string) => (metricDirection(m) === "lower" ? " ↓" : metricDirection(m) === "higher" ? " ↑" : "");

export interface FormatOptions {
  format: TableFormat;
  layout: TableLayout;
  /** Metrics of the compact layout (default: Table 1's). */
  metrics?: string[];
}

/** The table as text in the chosen format and layout. */
export function formatTable(t: SweepTable, options: FormatOptions): string {
  const { format, layout } = options;
  const metrics = layout === "compact" ? (options.metrics ?? TABLE1_METRICS) : t.metrics;
  if (options.metrics) checkMetricKeys(options.metrics, "table metrics", t.metrics);
  const missing = metrics.filter((m) => !t.metrics.includes(m));
  if (layout === "compact" && missing.length === metrics.length)
    throw new SculptError(
      `no finished run has ${missing.join(" or ")}`,
      `choose --metrics from: ${t.metrics.join(", ") || "(none: evaluate the runs first)"}`,
    );
  const cells: { row: string; dataset: string; metric: string; mean: number; std: number; n: number; best: boolean }[] = [];
  for (const r of t.rows)
    for (const d of t.datasets)
      for (const m of metrics) {
        const s = t.cell(r.key, d, m);
        if (s) cells.push({ row: r.label, dataset: d, metric: m, ...s, best: t.isBest(r.key, d, m) });
      }
  if (format === "json")
    return JSON.stringify({ layout, datasets: t.datasets, rows: t.rows.map((r) => r.label), metrics, seeds: t.seeds, cells }, null, 2);
  if (format === "csv") {
    const lines = [
      "row,dataset,metric,mean,std,n,best",
      ...cells.map((c) => [c.row, c.dataset, c.metric, c.mean, c.std, c.n, c.best ? 1 : 0].map(csvField).join(",")),
    ];
    return lines.join("\n");
  }
  const seedsNote = `mean ± std over ${t.seeds} seed${t.seeds === 1 ? "" : "s"}; best per column in bold`;
  const text = (r: string, d: string, m: string) => {
    const s = t.cell(r, d, m);
    return s ? markCell(format, meanStdText(s, t.seeds), t.isBest(r, d, m)) : "–";
  };
  if (layout === "compact") {
    const caption = `${metrics.map((m) => metricLabel(m) + arrow(m)).join(" — ")} per data set (${seedsNote})`;
    const header = ["", ...t.datasets];
    const body = t.rows.map((r) => [
      format === "latex" ? latexEscape(r.label) : markdownEscape(r.label),
      ...t.datasets.map((d) => metrics.map((m) => text(r.key, d, m)).join(format === "latex" ? " -- " : " — ")),
    ]);
    return grid(format, header, body, caption);
  }
  return t.datasets
    .map((d) => {
      const present = metrics.filter((m) => t.rows.some((r) => t.cell(r.key, d, m)));
      const header = ["", ...present.map((m) => metricLabel(m) + arrow(m))];
      const body = t.rows
        .filter((r) => present.some((m) => t.cell(r.key, d, m)))
        .map((r) => [format === "latex" ? latexEscape(r.label) : markdownEscape(r.label), ...present.map((m) => text(r.key, d, m))]);
      return grid(format, header, body, `${d}: every metric (${seedsNote})`);
    })
    .join("\n\n");
}
