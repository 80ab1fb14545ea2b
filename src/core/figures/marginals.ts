/**
 * Each latent dimension's histogram against the prior's marginal (paper Figure 1, bottom row, and
 * Figures 9–11): one small multiple per dimension. Where the prior has a marginal density it is
 * drawn as a curve; otherwise (e.g. custom or empirical priors) a histogram of prior samples on
 * the same bins stands in for it; with no prior (a model whose objective has none, such as a plain
 * AE) only the codes are drawn, labelled "no prior" rather than set against an N(0, 1) it never had.
 */
import type { TopLevelSpec } from "vega-lite";
import { column, type Matrix } from "../matrix.js";
import type { Prior } from "../priors/types.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { latentLabel } from "./covariance.js";
import { histogram, quantileSorted } from "./stats.js";

export interface MarginalsOptions {
  title?: string;
  bins?: number;
  /** Small multiples per row. */
  columns?: number;
  /** Prior samples drawn when the prior has no marginal density. */
  priorSamples?: number;
  seed?: number;
}

interface Row {
  x: number;
  x2?: number;
  y: number;
  series: string;
}

export function marginalsSpec(codes: Matrix, prior: Prior | null, options: MarginalsOptions = {}): TopLevelSpec {
  if (prior && prior.dim !== codes.cols) {
    throw new SculptError(`the prior has ${prior.dim} dimensions but the codes have ${codes.cols}`, "pass the run's own prior");
  }
  const bins = options.bins ?? 40;
  const samples =
    !prior || prior.marginalPdf ? null : prior.sample(options.priorSamples ?? Math.max(2000, codes.rows), new Rng(options.seed ?? 0));
  const priorSeries = prior?.marginalPdf ? "prior density" : "prior samples";
  const charts = [];
  for (let j = 0; j < codes.cols; j++) {
    const values = column(codes, j).sort();
    // The range covers the prior and all but the codes' extreme 0.5% tails, so one outlier
    // cannot squash the histogram; the caption counts what fell outside.
    let [lo, hi] = [quantileSorted(values, 0.005), quantileSorted(values, 0.995)];
    const pr = prior?.marginalRange?.(j) ?? (samples ? sampleRange(column(samples, j)) : null);
    if (pr) [lo, hi] = [Math.min(lo, pr[0]), Math.max(hi, pr[1])];
    if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
    const h = histogram(values, lo, hi, bins);
    const rows: Row[] = h.edges.map((e, k) => ({ x: e, x2: e + h.width, y: h.density[k], series: "codes" }));
    if (prior?.marginalPdf) {
      const steps = 200;
      for (let k = 0; k <= steps; k++) {
        const x = lo + ((hi - lo) * k) / steps;
        rows.push({ x, y: prior.marginalPdf(j, x), series: priorSeries });
      }
    } else if (samples) {
      const ph = histogram(column(samples, j), lo, hi, bins);
      // Step line through bin centres, closed at both ends so it reads as a histogram outline.
      rows.push({ x: lo, y: 0, series: priorSeries });
      ph.edges.forEach((e, k) => rows.push({ x: e + ph.width / 2, y: ph.density[k], series: priorSeries }));
      rows.push({ x: hi, y: 0, series: priorSeries });
    }
    const outside = h.outside > 0 ? ` (${h.outside} outside)` : "";
    charts.push({
      title: { text: `${latentLabel(j)}${outside}`, fontSize: 11 },
      width: 150,
      height: 90,
      data: { values: rows },
      layer: [
        {
          transform: [{ filter: "datum.series === 'codes'" }],
          mark: { type: "rect", opacity: 0.75 },
          encoding: {
            x: { field: "x", type: "quantitative", title: null, scale: { domain: [lo, hi], nice: false, zero: false } },
            x2: { field: "x2" },
            y: { field: "y", type: "quantitative", title: j % (options.columns ?? 5) === 0 ? "density" : null },
            color: {
              field: "series",
              type: "nominal",
              title: null,
              scale: { domain: prior ? ["codes", priorSeries] : ["codes"], range: ["#4c78a8", "#e45756"] },
            },
          },
        },
        {
          transform: [{ filter: "datum.series !== 'codes'" }],
          mark: { type: "line", strokeWidth: 2, interpolate: prior?.marginalPdf ? "linear" : "step" },
          encoding: {
            x: { field: "x", type: "quantitative" },
            y: { field: "y", type: "quantitative" },
            color: { field: "series", type: "nominal" },
          },
        },
      ],
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? (prior ? `Marginals of the codes against the prior ${prior.description}` : "Marginals of the codes (no prior)"),
    columns: options.columns ?? 5,
    concat: charts,
    resolve: { scale: { x: "independent", y: "independent" } },
    config: { legend: { orient: "top" } },
  } as TopLevelSpec;
}

function sampleRange(values: Float64Array): [number, number] {
  values.sort();
  return [quantileSorted(values, 0.005), quantileSorted(values, 0.995)];
}
