/**
 * Correlated (joint) Gaussian N(mean, Σ) in d dimensions, sampled as mean + L·ε with Σ = L·Lᵀ.
 * Spec: `mvn(0|0, 1|0.8;0.8|1)` (mean list, covariance rows separated by ';').
 */
import { z } from "zod";
import { SculptError } from "../registry.js";
import { specMatrix, specVector } from "./spec.js";
import { normalPdf, type PriorEntry } from "./types.js";

const schema = z
  .object({ kind: z.literal("mvn"), mean: z.array(z.number()).min(1), cov: z.array(z.array(z.number())) })
  .refine((c) => c.cov.length === c.mean.length && c.cov.every((r) => r.length === c.mean.length), {
    message: "mvn covariance must be d×d for a mean of length d",
  });
export type MvnConfig = z.infer<typeof schema>;

export const mvn: PriorEntry<MvnConfig> = {
  schema,
  help: { summary: "correlated Gaussian N(mean, cov), cov rows separated by ;", examples: ["mvn(0|0, 1|0.8;0.8|1)"] },
  fromSpec: (n) => ({
    kind: "mvn",
    mean: specVector(n.args[0] ?? n.kwargs.mean, "mvn mean"),
    cov: specMatrix(n.args[1] ?? n.kwargs.cov, "mvn cov"),
  }),
  create: ({ mean, cov }) => {
    const d = mean.length;
    const L = cholesky(cov);
    return {
      dim: d,
      description: `N(μ, Σ) in ${d}-D`,
      sample(n, rng) {
        const out = new Float32Array(n * d);
        const eps = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < d; k++) eps[k] = rng.normal();
          for (let r = 0; r < d; r++) {
            let s = mean[r];
            for (let k = 0; k <= r; k++) s += L[r * d + k] * eps[k];
            out[i * d + r] = s;
          }
        }
        return { rows: n, cols: d, data: out };
      },
      marginalPdf: (j, x) => normalPdf(x, mean[j], Math.sqrt(cov[j][j])),
      marginalRange: (j) => [mean[j] - 4 * Math.sqrt(cov[j][j]), mean[j] + 4 * Math.sqrt(cov[j][j])],
    };
  },
  broadcast: false,
};

/** Lower Cholesky factor (row-major d×d); refuses a matrix that is not symmetric positive definite. */
export function cholesky(a: number[][]): Float64Array {
  const d = a.length;
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * (1 + Math.abs(a[i][j]))) {
        throw new SculptError(`covariance is not symmetric at (${i}, ${j})`, "make cov[i][j] equal cov[j][i]");
      }
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (s <= 0) throw new SculptError("covariance is not positive definite", "use a valid covariance matrix (all eigenvalues > 0)");
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return L;
}
