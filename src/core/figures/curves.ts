/**
 * Training curves: each logged term (history.jsonl's `loss/*` and any other number) against the
 * epoch, one small multiple per term, since the terms differ by orders of magnitude.
 */
import type { TopLevelSpec } from "vega-lite";
import { SculptError } from "../registry.js";

export type HistoryRow = Record<string, unknown>;

/** The numeric terms worth plotting: everything but the epoch/step counters and wall-clock fields. */
export function historyTerms(history: readonly HistoryRow[]): string[] {
  const keys = new Set<string>();
  for (const h of history) for (const [k, v] of Object.entries(h)) if (typeof v === "number" && Number.isFinite(v)) keys.add(k);
  for (const skip of ["epoch", "step", "time", "seconds", "elapsed"]) keys.delete(skip);
  // Loss terms first (total before its parts), then the rest, each alphabetically.
  const rank = (k: string) => (k === "loss/total" ? 0 : k.startsWith("loss") ? 1 : 2);
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function trainingCurvesSpec(history: readonly HistoryRow[], options: { title?: string; columns?: number } = {}): TopLevelSpec {
  const terms = historyTerms(history);
  if (history.length === 0 || terms.length === 0) throw new SculptError("the training history has no numeric terms to plot");
  const maxEpoch = Math.max(1, ...history.map((h) => (typeof h.epoch === "number" ? h.epoch : 0)));
  const charts = terms.map((term) => {
    const values = history
      .filter((h) => typeof h[term] === "number" && Number.isFinite(h[term]) && typeof h.epoch === "number")
      .map((h) => ({ epoch: h.epoch as number, value: h[term] as number }));
    const ys = values.map((v) => v.value);
    // A log axis when a positive term falls by more than two decades (MMD² often does).
    const log = ys.length > 1 && Math.min(...ys) > 0 && Math.max(...ys) / Math.min(...ys) > 100;
    // Ticks and grid lines only at powers of ten: vega's default log ticks crowd a small chart.
    const decades = log ? decadeTicks(Math.min(...ys), Math.max(...ys)) : undefined;
    return {
      title: { text: term, fontSize: 11 },
      width: 200,
      height: 110,
      data: { values },
      mark: { type: "line", point: values.length <= 30, color: "#4c78a8" },
      encoding: {
        // From 0 so a one-epoch history still has an axis, with whole-number ticks.
        x: {
          field: "epoch",
          type: "quantitative",
          title: "epoch",
          scale: { domain: [0, maxEpoch] },
          axis: { tickMinStep: 1, format: "d" },
        },
        y: {
          field: "value",
          type: "quantitative",
          title: null,
          scale: log ? { type: "log" } : { zero: false },
          axis: decades ? { values: decades, format: "~g" } : { format: ".3~g" },
        },
        tooltip: [{ field: "epoch" }, { field: "value", format: ".4g" }],
      },
    };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Training curves",
    columns: options.columns ?? 4,
    concat: charts,
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}

function decadeTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}
