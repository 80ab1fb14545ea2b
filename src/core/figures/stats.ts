/**
 * Small descriptive statistics the figures need (covariance, quantiles, histograms, mean ± std),
 * on plain typed arrays so the browser dashboard can call them without tensors.
 */
import { SculptError } from "../registry.js";
import type { Matrix } from "../matrix.js";

/** Sample covariance (n − 1 denominator) of the columns of m, as d×d row-major. */
export function covariance(m: Matrix): Float64Array {
  if (m.rows < 2) throw new SculptError(`a covariance needs at least 2 rows (got ${m.rows})`, "pass more codes");
  const d = m.cols;
  const mean = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < d; j++) mean[j] += m.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= m.rows;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < d; j++) centred[j] = m.data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b] += centred[a] * centred[b];
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= m.rows - 1;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  return cov;
}

/** Linear-interpolated quantile q∈[0,1] of values already sorted ascending. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new SculptError("a quantile of no values was asked for");
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

export interface Histogram {
  /** Left edge of each bin; bins are equal-width. */
  edges: number[];
  width: number;
  /** Density: count / (total · width), so the bars integrate to the fraction of values inside the range. */
  density: number[];
  /** Values that fell outside [lo, hi]. */
  outside: number;
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return {
    edges: counts.map((_, k) => lo + k * width),
    width,
    density: counts.map((c) => c / (values.length * width)),
    outside,
  };
}

/** Mean and sample standard deviation (0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}
