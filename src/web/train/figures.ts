/**
 * The Train view's live figures as data (unit-tested in Node): loss terms over steps with each
 * λ/prior change as a rule, and the running KS distance (per dimension, to prior samples) and LPS
 * of the latest codes, computed on the page's thread — never the worker's, which trains.
 */
import type { TopLevelSpec } from "vega-lite";
import { column, type Matrix } from "../../core/matrix.js";
import { ksAndW1 } from "../../core/metrics/fidelity.js";
import { lps } from "../../core/metrics/lps.js";
import type { Prior } from "../../core/priors/types.js";
import { Rng } from "../../core/random.js";
import type { Change } from "./session.js";

export interface LossPoint {
  step: number;
  term: string;
  value: number;
}

/** Keep at most `max` points per term: a mean over consecutive steps beyond that. */
export function thinLoss(points: readonly LossPoint[], max = 400): LossPoint[] {
  const byTerm = new Map<string, LossPoint[]>();
  for (const p of points) (byTerm.get(p.term) ?? byTerm.set(p.term, []).get(p.term)!).push(p);
  const out: LossPoint[] = [];
  for (const [term, ps] of byTerm) {
    const k = Math.ceil(ps.length / max);
    for (let i = 0; i < ps.length; i += k) {
      const chunk = ps.slice(i, i + k);
      out.push({ term, step: chunk[chunk.length - 1].step, value: chunk.reduce((a, p) => a + p.value, 0) / chunk.length });
    }
  }
  return out;
}

/** One small multiple per loss term over steps (independent y, log when a term spans > 2 decades); changes as dashed rules. */
export function lossCurvesSpec(points: readonly LossPoint[], changes: readonly Change[]): TopLevelSpec {
  const thin = thinLoss(points);
  const terms = [...new Set(thin.map((p) => p.term))];
  const charts = terms.map((term) => {
    const values = thin.filter((p) => p.term === term && Number.isFinite(p.value));
    const ys = values.map((p) => p.value);
    const log = ys.length > 1 && Math.min(...ys) > 0 && Math.max(...ys) / Math.min(...ys) > 100;
    return {
      title: { text: term, fontSize: 11 },
      width: 220,
      height: 110,
      layer: [
        {
          data: { values },
          mark: { type: "line", color: "#4c78a8" },
          encoding: {
            x: { field: "step", type: "quantitative", title: "step", axis: { tickMinStep: 1, format: "d" } },
            y: {
              field: "value",
              type: "quantitative",
              title: null,
              scale: log ? { type: "log" } : { zero: false },
              axis: { format: ".3~g" },
            },
          },
        },
        {
          data: { values: changes.map((c) => ({ step: c.step, text: c.text })) },
          mark: { type: "rule", color: "#e45756", strokeDash: [4, 3] },
          encoding: { x: { field: "step", type: "quantitative" }, tooltip: [{ field: "text" }, { field: "step" }] },
        },
      ],
    };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    concat: charts,
    columns: 3,
    config: { view: { stroke: null } },
  } as unknown as TopLevelSpec;
}

export interface FidelityReading {
  /** Two-sample KS statistic per dimension, codes against as many prior samples. */
  ks: number[];
  ksMax: number;
  /** LPS of the codes (held-out R² of each dimension from the others; null for d = 1). */
  lps: number | null;
}

/** KS to the prior and LPS of the current codes (a few hundred rows: well under a second). */
export function fidelityReading(codes: Matrix, prior: Prior | null, seed = 0): FidelityReading {
  const samples = prior ? prior.sample(codes.rows, new Rng(seed)) : null;
  const ks = samples
    ? Array.from(
        { length: codes.cols },
        (_, j) => ksAndW1(Float64Array.from(column(codes, j)).sort(), Float64Array.from(column(samples, j)).sort()).ks,
      )
    : [];
  const z = { rows: codes.rows, cols: codes.cols, data: Float64Array.from(codes.data) };
  let l: number | null = null;
  if (codes.cols >= 2 && codes.rows >= 10) l = lps(z, { seed }).lps;
  return { ks, ksMax: ks.length ? Math.max(...ks) : NaN, lps: l };
}
