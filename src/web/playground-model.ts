/**
 * The prior playground's computations, without the DOM: a typed spec → a prior or the parser's
 * message, seeded samples, per-dimension moments, a 2-D scatter spec, the marginals figure
 * (src/core/figures) and the MMD between a run's codes and the prior's samples (src/core mmd on
 * whatever TensorFlow.js backend is active: cpu in the dashboard). Unit-tested in Node.
 */
import type { TopLevelSpec } from "vega-lite";
import { mmd } from "../core/divergences/mmd.js";
import { latentLabel, marginalsSpec } from "../core/figures/index.js";
import { column, matrix, takeRows, type Matrix } from "../core/matrix.js";
import { createPrior, type Prior } from "../core/priors/index.js";
import { Rng } from "../core/random.js";
import { SculptError } from "../core/registry.js";
import * as tf from "../core/tf.js";

export type SpecResult = { ok: true; prior: Prior } | { ok: false; message: string };

/** Limits that keep each keystroke's update well under a second in a browser tab. */
export const LIMITS = { maxSamples: 20000, maxDim: 64, mmdRows: 400, scatterPoints: 1500 } as const;

/**
 * Build the prior a spec describes at latent size `dim`; any error (syntax, unknown name, bad
 * parameter, wrong dimension) comes back as its message, which for syntax errors carries the
 * position and a caret under the spec.
 */
export function priorFromText(spec: string, dim: number): SpecResult {
  if (!spec.trim()) return { ok: false, message: "type a prior spec, e.g. gaussian, uniform(-2, 2) or hybrid[gaussian, gmm(-2|2, 0.5)]" };
  try {
    const prior = createPrior(spec, {
      dim,
      loadMatrix: (path) => {
        throw new SculptError(`empirical(${path}) reads a file, which the playground cannot`, "try it with `sculpt prior sample`");
      },
    });
    return { ok: true, prior };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Check a requested sample count or dimension from an input box. */
export function boundedInt(text: string, what: string, lo: number, hi: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new SculptError(`${what} must be a whole number from ${lo} to ${hi} (got '${text}')`);
  return v;
}

export interface Moments {
  mean: number[];
  std: number[];
}

export function moments(m: Matrix): Moments {
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < m.cols; j++) {
    const c = column(m, j);
    const mu = c.reduce((a, v) => a + v, 0) / c.length;
    mean.push(mu);
    std.push(Math.sqrt(c.reduce((a, v) => a + (v - mu) ** 2, 0) / Math.max(1, c.length - 1)));
  }
  return { mean, std };
}

/** At most `max` rows of m, a seeded random subset (all rows, in order, when m is small enough). */
export function subsample(m: Matrix, max: number, seed: number): Matrix {
  if (m.rows <= max) return m;
  return takeRows(m, new Rng(seed).permutation(m.rows).subarray(0, max));
}

export interface MmdReading {
  mmd2: number;
  bandwidth: number;
  /** Rows of each set that entered the estimate. */
  rows: [number, number];
}

/** Biased MMD² (the paper's kernel: rbf-mixture on the median distance) between codes and prior samples. */
export function mmdToCodes(codes: Matrix, samples: Matrix, maxRows: number = LIMITS.mmdRows, seed = 0): MmdReading {
  if (codes.cols !== samples.cols) {
    throw new SculptError(
      `the codes have ${codes.cols} dimensions but the prior has ${samples.cols}`,
      "give a prior of the run's latent size",
    );
  }
  const x = subsample(codes, maxRows, seed);
  const y = subsample(samples, maxRows, seed + 1);
  let bandwidth = 0;
  const out = tf.tidy(() => {
    const r = mmd(tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols]), tf.tensor2d(Float32Array.from(y.data), [y.rows, y.cols]));
    bandwidth = r.bandwidth;
    return r.mmd2;
  });
  const mmd2 = out.dataSync()[0];
  out.dispose();
  return { mmd2, bandwidth, rows: [x.rows, y.rows] };
}

/** Prior samples (and a run's codes, when given) on two chosen dimensions. */
export function scatterSpec(
  samples: Matrix,
  codes: Matrix | null,
  xDim: number,
  yDim: number,
  maxPoints: number = LIMITS.scatterPoints,
): TopLevelSpec {
  for (const d of [xDim, yDim]) {
    if (!Number.isInteger(d) || d < 0 || d >= samples.cols)
      throw new SculptError(`dimension ${d + 1} is not one of the prior's ${samples.cols}`);
  }
  const rows: { x: number; y: number; set: string }[] = [];
  const add = (m: Matrix, set: string) => {
    const s = subsample(m, maxPoints, 7);
    for (let i = 0; i < s.rows; i++) rows.push({ x: s.data[i * s.cols + xDim], y: s.data[i * s.cols + yDim], set });
  };
  // Samples first, so the run's codes are drawn on top of them.
  add(samples, "prior samples");
  if (codes) add(codes, "run codes");
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${latentLabel(yDim)} against ${latentLabel(xDim)}`,
    width: 320,
    height: 320,
    data: { values: rows },
    mark: { type: "circle", size: 10, opacity: 0.5 },
    encoding: {
      x: { field: "x", type: "quantitative", title: latentLabel(xDim), scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: latentLabel(yDim), scale: { zero: false } },
      color: {
        field: "set",
        type: "nominal",
        title: null,
        scale: { domain: codes ? ["prior samples", "run codes"] : ["prior samples"], range: ["#e45756", "#1f4e8c"] },
      },
    },
    config: { legend: { orient: "top" } },
  } as TopLevelSpec;
}

/**
 * The marginals figure. With a run's codes: its codes against the typed prior (what training
 * would push them toward). Without: the prior's own samples against its density, the bars
 * relabelled "samples" (marginalsSpec calls its data "codes").
 */
export function playgroundMarginalsSpec(prior: Prior, samples: Matrix, codes: Matrix | null, maxDims = 10): TopLevelSpec {
  const dims = Math.min(maxDims, prior.dim);
  const keep = (m: Matrix) => (m.cols === dims ? m : firstColumns(m, dims));
  const shown: Prior = {
    dim: dims,
    description: prior.description,
    sample: (n, rng) => keep(prior.sample(n, rng)),
    marginalPdf: prior.marginalPdf?.bind(prior),
    marginalRange: prior.marginalRange?.bind(prior),
  };
  const more = prior.dim > dims ? ` (first ${dims} of ${prior.dim} dimensions)` : "";
  if (codes) return marginalsSpec(keep(codes), shown, { title: `The run's codes against ${prior.description}${more}`, bins: 30 });
  const spec = marginalsSpec(keep(samples), shown, { title: `${samples.rows} samples of ${prior.description}${more}`, bins: 30 });
  return relabelSeries(spec, "codes", "samples");
}

function firstColumns(m: Matrix, k: number): Matrix {
  const out = new Float32Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = m.data[i * m.cols + j];
  return matrix(m.rows, k, out);
}

/** Rename a series throughout a spec: the data rows' `series`, scale domains and filter tests. */
export function relabelSeries<T>(spec: T, from: string, to: string): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) {
        if (k === "series" && x === from) out[k] = to;
        else if (k === "filter" && typeof x === "string") out[k] = x.split(`'${from}'`).join(`'${to}'`);
        else if (k === "domain" && Array.isArray(x)) out[k] = x.map((d) => (d === from ? to : d));
        else out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(spec) as T;
}
