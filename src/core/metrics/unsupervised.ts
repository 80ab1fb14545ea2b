/**
 * disentanglement_lib's unsupervised scores (`evaluation/metrics/unsupervised_metrics.py`,
 * `unsupervised_metrics`, `gaussian_total_correlation`, `gaussian_wasserstein_correlation`), which
 * need no factors. On Σ = the codes' covariance (ddof 1):
 *  - Gaussian total correlation: KL(N(0, Σ) ‖ N(0, diag Σ)) = ½ (Σ_i log Σ_ii − log det Σ);
 *  - Gaussian Wasserstein dependency: the squared W2 distance between N(0, Σ) and N(0, diag Σ),
 *    2 tr Σ − 2 tr (diag(Σ) Σ)^½, and the same divided by tr Σ;
 *  - mutual-information score: the mean over pairs i ≠ j of the plug-in mutual information (nats)
 *    between codes i and j cut into 20 equal-width bins (as MIG).
 * tr (DΣ)^½ is Σ_k √λ_k over the eigenvalues of the symmetric D^½ Σ D^½ (similar to DΣ), so no
 * general matrix square root is needed. Hand-written Cholesky and Jacobi eigenvalues: two small
 * d×d factorisations do not warrant a linear-algebra dependency. Changes: none beyond using all
 * rows; a constant code (its log variance is −∞) is refused.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { binColumns, mutualInfo } from "./mig.js";
import { checkLatents } from "./validate.js";
import type { MetricEntry, MetricInputs } from "./types.js";

export interface UnsupervisedResult {
  gaussianTotalCorrelation: number;
  wassersteinDependency: number;
  /** The Wasserstein dependency divided by tr Σ. */
  wassersteinDependencyNorm: number;
  mutualInfo: number;
}

/**
 * @example
 * const { gaussianTotalCorrelation } = unsupervised(codes);
 */
export function unsupervised(z: Matrix, options: { bins?: number } = {}): UnsupervisedResult {
  const bins = options.bins ?? 20;
  checkLatents(z, "unsupervised scores", { minRows: 3, minCols: 2 });
  const constant = constantColumn(z);
  if (constant !== undefined) {
    throw new SculptError(
      `unsupervised scores: code ${constant} is constant, so the Gaussian total correlation is infinite`,
      "leave collapsed codes out first",
    );
  }
  const d = z.cols;
  const cov = covariance(z);
  let logDiag = 0;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    logDiag += Math.log(cov[i * d + i]);
    trace += cov[i * d + i];
  }
  const scaled = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) scaled[i * d + j] = Math.sqrt(cov[i * d + i]) * cov[i * d + j] * Math.sqrt(cov[j * d + j]);
  }
  let traceSqrt = 0;
  for (const l of symmetricEigenvalues(scaled, d)) traceSqrt += Math.sqrt(Math.max(l, 0));
  const w = 2 * trace - 2 * traceSqrt;
  const binned = binColumns(z, bins);
  let mi = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) mi += mutualInfo(binned[i], bins, binned[j], bins);
  return {
    gaussianTotalCorrelation: 0.5 * (logDiag - logDet(cov, d)),
    wassersteinDependency: w,
    wassersteinDependencyNorm: w / trace,
    mutualInfo: mi / (d * d - d),
  };
}

function constantColumn(z: Matrix): number | undefined {
  for (let c = 0; c < z.cols; c++) {
    let same = true;
    for (let r = 1; r < z.rows && same; r++) same = z.data[r * z.cols + c] === z.data[c];
    if (same) return c;
  }
  return undefined;
}

/** Sample covariance (ddof 1), d×d row-major, as `np.cov` of the codes. */
export function covariance(z: Matrix): Float64Array {
  const { rows: n, cols: d, data } = z;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mean[c] += data[r * d + c] / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) row[c] = data[r * d + c] - mean[c];
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[i * d + j] += row[i] * row[j];
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      cov[i * d + j] /= n - 1;
      cov[j * d + i] = cov[i * d + j];
    }
  }
  return cov;
}

/** log det of a symmetric positive-definite matrix by Cholesky; −∞ when it is singular. */
function logDet(a: Float64Array, d: number): number {
  const l = new Float64Array(d * d);
  let sum = 0;
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= l[j * d + k] ** 2;
    if (!(s > 0)) return -Infinity;
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    sum += 2 * Math.log(ljj);
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = t / ljj;
    }
  }
  return sum;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5). */
export function symmetricEigenvalues(m: Float64Array, d: number): Float64Array {
  const a = m.slice();
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < d; i++) {
      diag += a[i * d + i] ** 2;
      for (let j = i + 1; j < d; j++) off += a[i * d + j] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: d }, (_, i) => a[i * d + i]);
}

const needsVaryingCodes = ({ latents }: MetricInputs): string | undefined => {
  if (latents.cols < 2) return "needs at least two codes";
  const c = constantColumn(latents);
  return c === undefined ? undefined : `code ${c} is constant (total correlation would be infinite)`;
};

export const unsupervisedMetric: MetricEntry = {
  description:
    "disentanglement_lib's unsupervised scores: Gaussian total correlation, Wasserstein dependency, mutual information of binned codes",
  needs: {},
  skip: needsVaryingCodes,
  // Lower is better for all four: they measure how far the codes are from independent.
  keys: {
    "unsupervised.gaussianTotalCorrelation": { label: "Gaussian TC", better: "lower" },
    "unsupervised.wassersteinDependency": { label: "W2 dependency", better: "lower" },
    "unsupervised.wassersteinDependencyNorm": { label: "W2 dependency / tr Σ", better: "lower" },
    "unsupervised.mutualInfo": { label: "Mean MI of codes", better: "lower" },
  },
  headline: "unsupervised.gaussianTotalCorrelation",
  command: { files: ["latents"], options: [], run: ({ latents }) => ({ ...unsupervised(latents!) }) },
  compute: ({ latents }) => {
    const r = unsupervised(latents);
    return {
      "unsupervised.gaussianTotalCorrelation": r.gaussianTotalCorrelation,
      "unsupervised.wassersteinDependency": r.wassersteinDependency,
      "unsupervised.wassersteinDependencyNorm": r.wassersteinDependencyNorm,
      "unsupervised.mutualInfo": r.mutualInfo,
    };
  },
};
