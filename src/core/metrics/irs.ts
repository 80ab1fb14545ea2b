/**
 * Interventional Robustness Score (Suter et al. 2019), the disentanglement_lib way
 * (`evaluation/metrics/irs.py`, `compute_irs` and `scalable_disentanglement_score`, with
 * `diff_quantile` 0.99 and factors binned like codes: 20 equal-width bins per factor). Codes with
 * zero variance are dropped. For code i and factor j: the mean over the values g of factor j of
 * the 99th percentile of |z_i − E[z_i | g]|, divided by max |z_i − E z_i|; IRS_ij = 1 − that, code
 * i scores max_j IRS_ij, and IRS is the mean over codes weighted by their max deviation. Changes:
 * all rows are used (one draw), and `activeDims` counts the kept codes (disentanglement_lib's
 * `num_active_dims` sums their values instead).
 */
import type { Matrix } from "../matrix.js";
import { select } from "../kernels/distances.js";
import { SculptError } from "../registry.js";
import { histogramBins } from "./mig.js";
import { checkFactors, checkLatents, factorColumn, type Factors } from "./validate.js";
import type { MetricEntry } from "./types.js";

export interface IrsOptions {
  /** Quantile of the deviations (1 is the paper's maximum). */
  quantile?: number;
  /** Bins for the factors (disentanglement_lib's discretizer). */
  bins?: number;
}

export interface IrsResult {
  score: number;
  /** Codes with nonzero variance (the others are left out). */
  activeDims: number;
  /** IRS of each active code. */
  perCode: number[];
  /** IRS_ij, active codes × factors. */
  matrix: number[][];
}

/**
 * @example
 * const { score } = irs(codes, factors);
 */
export function irs(z: Matrix, factors: Factors, options: IrsOptions = {}): IrsResult {
  const quantile = options.quantile ?? 0.99;
  const bins = options.bins ?? 20;
  checkLatents(z, "IRS", { minRows: 2, minCols: 1 });
  checkFactors(factors, z.rows, "IRS");
  if (!(quantile >= 0 && quantile <= 1)) throw new SculptError(`IRS quantile must be between 0 and 1, got ${quantile}`);
  if (!Number.isInteger(bins) || bins < 2) throw new SculptError(`IRS bins must be a whole number ≥ 2, got ${bins}`);
  const n = z.rows;
  const codes: Float64Array[] = [];
  for (let i = 0; i < z.cols; i++) {
    const v = new Float64Array(n);
    for (let r = 0; r < n; r++) v[r] = z.data[r * z.cols + i];
    if (v.some((x) => x !== v[0])) codes.push(v);
  }
  const k = factors.sizes.length;
  if (codes.length === 0) return { score: 0, activeDims: 0, perCode: [], matrix: [] };
  const groups = Array.from({ length: k }, (_, j) => groupRows(histogramBins(Float64Array.from(factorColumn(factors, j)), bins), bins));
  const perCode: number[] = [];
  const matrix: number[][] = [];
  const maxDev: number[] = [];
  const buffer = new Float64Array(n);
  for (const v of codes) {
    const mean = v.reduce((a, b) => a + b, 0) / n;
    let dev = 0;
    for (const x of v) dev = Math.max(dev, Math.abs(x - mean));
    const row = groups.map((g) => {
      let cum = 0;
      for (const rows of g) cum += quantileOf(absDeviations(v, rows, buffer), quantile);
      return 1 - cum / g.length / dev;
    });
    matrix.push(row);
    perCode.push(Math.max(...row));
    maxDev.push(dev);
  }
  const total = maxDev.reduce((a, b) => a + b, 0);
  const score = perCode.reduce((s, p, i) => s + p * maxDev[i], 0) / total;
  return { score, activeDims: codes.length, perCode, matrix };
}

/** Row indices per occupied bin (empty bins left out, as `np.unique` does). */
function groupRows(binned: Int32Array, bins: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: bins }, () => []);
  binned.forEach((b, r) => lists[b].push(r));
  return lists.filter((l) => l.length > 0).map((l) => Int32Array.from(l));
}

/** |v[r] − mean of v over rows| for each of the rows, into `out`. */
function absDeviations(v: Float64Array, rows: Int32Array, out: Float64Array): Float64Array {
  let mean = 0;
  for (let k = 0; k < rows.length; k++) mean += v[rows[k]];
  mean /= rows.length;
  const d = out.subarray(0, rows.length);
  for (let k = 0; k < rows.length; k++) d[k] = Math.abs(v[rows[k]] - mean);
  return d;
}

/**
 * numpy's default (linear) percentile: the sorted values interpolated at position q·(n − 1). Found
 * by selection (reorders `values`), not a full sort.
 */
export function quantileOf(values: Float64Array, q: number): number {
  const n = values.length;
  const h = q * (n - 1);
  const lo = Math.floor(h);
  const a = select(values, lo);
  if (lo + 1 >= n || h === lo) return a;
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < b) b = values[i];
  return a + (h - lo) * (b - a);
}

export const irsMetric: MetricEntry = {
  description: "Interventional Robustness Score (Suter et al. 2019): how little a code moves when other factors change",
  needs: { factors: true },
  keys: { "irs.score": { label: "IRS", better: "higher" } },
  headline: "irs.score",
  command: { files: ["latents", "factors"], options: [], run: ({ latents, factors }) => ({ ...irs(latents!, factors!) }) },
  compute: ({ latents, factors }) => ({ "irs.score": irs(latents, factors!).score }),
};
