/**
 * Modularity (Ridgeway & Mozer 2018, §3), the disentanglement_lib way
 * (`evaluation/metrics/modularity_explicitness.py`, `compute_modularity_explicitness` and
 * `modularity`): each code is cut into 20 equal-width bins (as MIG), m[i][j] is its plug-in mutual
 * information with factor j in nats, and code i scores 1 − (Σ_j m_ij² − max_j m_ij²) /
 * (max_j m_ij² · (K − 1)), or 0 when it shares no information with any factor; modularity is the
 * mean over codes. Changes: all rows are used (disentanglement_lib uses its 10,000 training draws).
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { binColumns, mutualInfo } from "./mig.js";
import { checkFactors, checkLatents, checkVaryingFactors, factorColumn, type Factors } from "./validate.js";
import type { MetricEntry, MetricInputs } from "./types.js";

export interface ModularityResult {
  score: number;
  /** Modularity of each code. */
  perCode: number[];
  /** MI[i][j] between binned code i and factor j, in nats. */
  mutualInformation: number[][];
}

/**
 * @example
 * const { score } = modularity(codes, factors);
 */
export function modularity(z: Matrix, factors: Factors, options: { bins?: number } = {}): ModularityResult {
  const bins = options.bins ?? 20;
  checkLatents(z, "modularity", { minRows: 2, minCols: 1 });
  checkFactors(factors, z.rows, "modularity", { minFactors: 2 });
  if (!Number.isInteger(bins) || bins < 2) throw new SculptError(`modularity bins must be a whole number ≥ 2, got ${bins}`);
  const k = factors.sizes.length;
  const cols = Array.from({ length: k }, (_, j) => factorColumn(factors, j));
  checkVaryingFactors(factors, cols, "modularity");
  const mutualInformation = binColumns(z, bins).map((b) => cols.map((c, j) => mutualInfo(b, bins, c, factors.sizes[j])));
  const perCode = mutualInformation.map((row) => {
    let top = 0;
    let sum = 0;
    for (const m of row) {
      sum += m * m;
      top = Math.max(top, m * m);
    }
    return top === 0 ? 0 : 1 - (sum - top) / (top * (k - 1));
  });
  return { score: perCode.reduce((a, b) => a + b, 0) / perCode.length, perCode, mutualInformation };
}

const needsTwoFactors = ({ factors }: MetricInputs): string | undefined =>
  factors && factors.sizes.length < 2 ? "modularity needs at least two factors" : undefined;

export const modularityMetric: MetricEntry = {
  description: "Modularity (Ridgeway & Mozer 2018): how much each code's information is about a single factor",
  needs: { factors: true },
  skip: needsTwoFactors,
  keys: { "modularity.score": { label: "Modularity", better: "higher" } },
  headline: "modularity.score",
  command: { files: ["latents", "factors"], options: [], run: ({ latents, factors }) => ({ ...modularity(latents!, factors!) }) },
  compute: ({ latents, factors }) => ({ "modularity.score": modularity(latents, factors!).score }),
};
