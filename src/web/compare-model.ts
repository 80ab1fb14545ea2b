/**
 * Side-by-side comparison of runs, without the DOM: one row per config field and per metric, the
 * values of every run, each run's difference to the first (for numbers) and whether the runs
 * differ at all; and overlaid training curves, one colour per run.
 */
import type { TopLevelSpec } from "vega-lite";
import { historyTerms } from "../core/figures/index.js";
import { SculptError } from "../core/registry.js";
import type { RunDetail } from "./api-types.js";

export type Cell = string | number | undefined;

export interface CompareRow {
  section: "config" | "metrics";
  key: string;
  values: Cell[];
  /** value − the first run's value, where both are numbers (undefined for the first run). */
  deltas: (number | undefined)[];
  /** False when every run has the same value. */
  differs: boolean;
}

/** Nested objects → dotted keys; arrays and other leaves as text or numbers. */
export function flatten(value: unknown, prefix = "", out: Record<string, Cell> = {}): Record<string, Cell> {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = typeof value === "number" || typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

export function compareRuns(runs: readonly RunDetail[]): CompareRow[] {
  if (runs.length < 2)
    throw new SculptError(`a comparison needs at least two runs (got ${runs.length})`, "tick two or more runs in the list");
  const section = (name: CompareRow["section"], maps: Record<string, Cell>[]): CompareRow[] => {
    const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
    return keys.map((key) => {
      const values = maps.map((m) => m[key]);
      const first = values[0];
      const deltas = values.map((v, i) => (i > 0 && typeof v === "number" && typeof first === "number" ? v - first : undefined));
      return { section: name, key, values, deltas, differs: values.some((v) => v !== first) };
    });
  };
  const configs = runs.map((r) => (r.config && !("error" in r.config) ? flatten(r.config) : {}));
  const metrics = runs.map((r) => (r.metrics && !("error" in r.metrics) ? (r.metrics as Record<string, Cell>) : {}));
  return [...section("config", configs), ...section("metrics", metrics)];
}

/** Training curves of several runs, one small multiple per logged term, one colour per run. */
export function compareCurvesSpec(runs: readonly { name: string; history: readonly Record<string, unknown>[] }[]): TopLevelSpec | null {
  const terms = historyTerms(runs.flatMap((r) => r.history));
  if (terms.length === 0) return null;
  const names = runs.map((r) => r.name);
  const charts = terms.map((term) => ({
    title: { text: term, fontSize: 11 },
    width: 200,
    height: 110,
    data: {
      values: runs.flatMap((r) =>
        r.history
          .filter((h) => typeof h[term] === "number" && Number.isFinite(h[term]) && typeof h.epoch === "number")
          .map((h) => ({ run: r.name, epoch: h.epoch as number, value: h[term] as number })),
      ),
    },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
      color: { field: "run", type: "nominal", title: "run", scale: { domain: names } },
      tooltip: [{ field: "run" }, { field: "epoch" }, { field: "value", format: ".4g" }],
    },
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Training curves",
    columns: 4,
    concat: charts,
    resolve: { scale: { y: "independent" } },
    config: { legend: { orient: "top" } },
  } as TopLevelSpec;
}
