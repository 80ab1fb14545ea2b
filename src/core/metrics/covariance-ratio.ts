/**
 * Covariance ratio of the codes: Σ|diagonal| / Σ|off-diagonal| of their covariance matrix. Large
 * when the dimensions are decorrelated (a cheap, linear-only companion to LPS). The ddof choice
 * cancels in the ratio.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { checkLatents } from "./validate.js";
import type { MetricEntry } from "./types.js";

export interface CovarianceRatioResult {
  ratio: number;
  diagonal: number;
  offDiagonal: number;
}

export function covarianceRatio(z: Matrix): CovarianceRatioResult {
  checkLatents(z, "covariance ratio", { minRows: 2, minCols: 2 });
  const { rows: n, cols: d, data } = z;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b] += c[a] * c[b];
  }
  let diagonal = 0;
  let offDiagonal = 0;
  for (let a = 0; a < d; a++) {
    diagonal += Math.abs(cov[a * d + a]) / (n - 1);
    for (let b = a + 1; b < d; b++) offDiagonal += (2 * Math.abs(cov[a * d + b])) / (n - 1);
  }
  if (diagonal === 0)
    throw new SculptError("covariance ratio: every latent dimension is constant", "check that the encoder did not collapse");
  if (offDiagonal === 0) {
    throw new SculptError(
      "covariance ratio: all off-diagonal covariances are exactly 0, so the ratio is unbounded",
      "report the off-diagonal sum instead",
    );
  }
  return { ratio: diagonal / offDiagonal, diagonal, offDiagonal };
}

export const covarianceRatioMetric: MetricEntry = {
  description: "Σ|diagonal| / Σ|off-diagonal| of the codes' covariance (higher: more decorrelated)",
  needs: {},
  // Σ|diagonal| / Σ|off-diagonal|: larger means less linear dependence.
  keys: { "covariance.ratio": { label: "Cov. ratio", column: "cov ratio", better: "higher" } },
  headline: "covariance.ratio",
  command: { files: ["latents"], options: [], run: ({ latents }) => ({ ...covarianceRatio(latents!) }) },
  compute: ({ latents }) => ({ "covariance.ratio": covarianceRatio(latents).ratio }),
};
