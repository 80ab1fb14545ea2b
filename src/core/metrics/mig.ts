/**
 * Mutual Information Gap (Chen et al. 2018), the disentanglement_lib way (REFERENCE §3.1): each
 * latent is cut into 20 equal-width bins between its min and max (numpy `histogram` edges, then
 * `digitize`), the plug-in mutual information with each factor is taken in nats (scikit-learn
 * `mutual_info_score`), and MIG is the mean over factors of the gap between the two most
 * informative latents divided by the factor's entropy. Ported from disentanglement_lib
 * `evaluation/metrics/mig.py`; changes: all rows are used (no sampling), the unnormalised gap is
 * reported too, and constant factors are refused instead of dividing by a zero entropy.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { checkFactors, checkLatents, checkVaryingFactors, factorColumn, type Factors } from "./validate.js";
import type { MetricEntry } from "./types.js";

export interface MigResult {
  /** Mean over factors of (top MI − second MI) / H(factor). */
  score: number;
  /** The same gaps without the division by the entropy, in nats. */
  unnormalized: number;
  /** MI[i][j] between latent i and factor j, in nats. */
  mutualInformation: number[][];
  factorEntropy: number[];
  /** Index of the most informative latent per factor. */
  bestLatent: number[];
}

/**
 * Bin ids 0..bins−1 of v, as `np.digitize(v, np.histogram(v, bins)[1][:-1]) − 1`: edges
 * min + k·(max−min)/bins computed in float64, rounded to float32 when the codes are float32
 * (numpy keeps the input's dtype for the edges).
 */
export function histogramBins(v: Float32Array | Float64Array, bins: number): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  const out = new Int32Array(v.length);
  if (lo === hi) return out; // numpy widens the range by ±0.5: everything lands in one bin
  const f32 = v instanceof Float32Array;
  const step = (hi - lo) / bins;
  const edges = new Float64Array(bins);
  for (let k = 0; k < bins; k++) edges[k] = f32 ? Math.fround(k * step + lo) : k * step + lo;
  for (let i = 0; i < v.length; i++) {
    // number of left edges ≤ v, minus one
    let a = 0;
    let b = bins;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (edges[m] <= v[i]) a = m + 1;
      else b = m;
    }
    out[i] = a - 1;
  }
  return out;
}

/** Each column of z binned by `histogramBins` (disentanglement_lib `utils._histogram_discretize`). */
export function binColumns(z: Matrix, bins: number): Int32Array[] {
  const v = z.data instanceof Float32Array ? new Float32Array(z.rows) : new Float64Array(z.rows);
  return Array.from({ length: z.cols }, (_, i) => {
    for (let r = 0; r < z.rows; r++) v[r] = z.data[r * z.cols + i];
    return histogramBins(v, bins);
  });
}

/** Plug-in mutual information (nats) between two label vectors, as sklearn's `mutual_info_score`. */
export function mutualInfo(a: Int32Array, na: number, b: Int32Array, nb: number): number {
  const n = a.length;
  const joint = new Float64Array(na * nb);
  const pa = new Float64Array(na);
  const pb = new Float64Array(nb);
  for (let i = 0; i < n; i++) {
    joint[a[i] * nb + b[i]]++;
    pa[a[i]]++;
    pb[b[i]]++;
  }
  let mi = 0;
  for (let u = 0; u < na; u++) {
    for (let w = 0; w < nb; w++) {
      const c = joint[u * nb + w];
      if (c > 0) mi += (c / n) * Math.log((n * c) / (pa[u] * pb[w]));
    }
  }
  return Math.max(mi, 0);
}

/** Empirical entropy (nats) of a label vector. */
export function entropy(a: Int32Array, na: number): number {
  const counts = new Float64Array(na);
  for (let i = 0; i < a.length; i++) counts[a[i]]++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / a.length) * Math.log(c / a.length);
  return h;
}

/** Top-two gap per column of a [latents × factors] score matrix (disentanglement_lib's sort-and-subtract). */
export function topTwoGaps(m: number[][]): { gaps: number[]; best: number[] } {
  const k = m[0].length;
  const gaps: number[] = [];
  const best: number[] = [];
  for (let j = 0; j < k; j++) {
    let first = -Infinity;
    let second = -Infinity;
    let arg = -1;
    m.forEach((row, i) => {
      const v = row[j];
      if (v > first) {
        second = first;
        first = v;
        arg = i;
      } else if (v > second) second = v;
    });
    gaps.push(first - second);
    best.push(arg);
  }
  return { gaps, best };
}

/**
 * MIG of codes z (n×d, d ≥ 2) against discrete factors.
 * @example
 * const { score } = mig(codes, { classes, sizes: [3, 6], names: ["shape", "scale"] });
 */
export function mig(z: Matrix, factors: Factors, options: { bins?: number } = {}): MigResult {
  const bins = options.bins ?? 20;
  checkLatents(z, "MIG", { minRows: 2, minCols: 2 });
  checkFactors(factors, z.rows, "MIG");
  if (!Number.isInteger(bins) || bins < 2) throw new SculptError(`MIG bins must be a whole number ≥ 2, got ${bins}`);
  const k = factors.sizes.length;
  const cols = Array.from({ length: k }, (_, j) => factorColumn(factors, j));
  checkVaryingFactors(factors, cols, "MIG");
  const factorEntropy = cols.map((c, j) => entropy(c, factors.sizes[j]));
  const mutualInformation = binColumns(z, bins).map((binned) => cols.map((c, j) => mutualInfo(binned, bins, c, factors.sizes[j])));
  const { gaps, best } = topTwoGaps(mutualInformation);
  return {
    score: gaps.reduce((s, g, j) => s + g / factorEntropy[j], 0) / k,
    unnormalized: gaps.reduce((s, g) => s + g, 0) / k,
    mutualInformation,
    factorEntropy,
    bestLatent: best,
  };
}

export const migMetric: MetricEntry = {
  description: "Mutual Information Gap (20-bin histograms, nats, normalised by factor entropy)",
  needs: { factors: true },
  keys: {
    "mig.score": { label: "MIG", better: "higher" },
    "mig.unnormalized": { label: "MI gap (nats)", better: "higher" },
  },
  headline: "mig.score",
  command: { files: ["latents", "factors"], options: [], run: ({ latents, factors }) => ({ ...mig(latents!, factors!) }) },
  compute: ({ latents, factors }) => {
    const r = mig(latents, factors!);
    return { "mig.score": r.score, "mig.unnormalized": r.unnormalized };
  },
};
