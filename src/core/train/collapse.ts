/**
 * Collapse detection: the codes' variance → 0 (seen on XY with a Gaussian prior at d = 2),
 * measured per dimension relative to the prior's own variance.
 */
import type { Prior } from "../priors/types.js";
import { Rng } from "../random.js";

export interface CollapseInfo {
  epoch: number;
  /** Largest per-dimension code variance relative to the prior's (all below the threshold). */
  maxRelativeVariance: number;
}

/** Codes whose every dimension has variance below this fraction of the prior's have collapsed. */
export const COLLAPSE_THRESHOLD = 1e-4;

/** Each code dimension's variance (from running sums over an epoch) relative to the prior's. */
export function relativeVariances(sum: Float64Array, sumSq: Float64Array, count: number, priorVar: Float64Array): number[] {
  return Array.from(sum, (s, k) => Math.max(sumSq[k] / count - (s / count) ** 2, 0) / priorVar[k]);
}

/** Collapse: every dimension's variance is below COLLAPSE_THRESHOLD of the prior's (one constant code). */
export function isCollapsed(relative: number[]): boolean {
  return relative.length > 0 && relative.every((v) => v < COLLAPSE_THRESHOLD);
}

/** Per-dimension variance of the prior, estimated from 4096 seeded draws (floor 1e-12). */
export function priorVariances(prior: Prior): Float64Array {
  const s = prior.sample(4096, new Rng(12345));
  const v = new Float64Array(prior.dim);
  for (let k = 0; k < prior.dim; k++) {
    let m = 0;
    let q = 0;
    for (let i = 0; i < s.rows; i++) {
      const x = s.data[i * prior.dim + k];
      m += x;
      q += x * x;
    }
    m /= s.rows;
    v[k] = Math.max(q / s.rows - m * m, 1e-12);
  }
  return v;
}
