/**
 * Empirical prior: resample rows of a stored latent set (paper Figure 3, latent-space copying:
 * train an `ae`, then an `ae-mmd` toward `empirical(run/latents.npy)`). Spec: `empirical(z.npy)`.
 */
import { z } from "zod";
import { SculptError } from "../registry.js";
import { assertFinite, type Matrix } from "../matrix.js";
import { specWord } from "./spec.js";
import type { Prior, PriorEntry } from "./types.js";

const schema = z.object({ kind: z.literal("empirical"), path: z.string().min(1) });
export type EmpiricalConfig = z.infer<typeof schema>;

export const empirical: PriorEntry<EmpiricalConfig> = {
  schema,
  help: { summary: "resample rows of a stored latent set (.npy, e.g. a run's latents.npy)", examples: ["empirical(z.npy)"] },
  fromSpec: (n) => ({ kind: "empirical", path: specWord(n.args[0] ?? n.kwargs.path, "empirical path") }),
  create: ({ path }, ctx) => {
    if (!ctx.loadMatrix)
      throw new SculptError(`empirical(${path}) needs a file loader`, "create priors through sculpt/node, or pass loadMatrix");
    return empiricalPrior(ctx.loadMatrix(path), path);
  },
  broadcast: false,
};

/** A prior that draws rows of `m` uniformly with replacement. */
export function empiricalPrior(m: Matrix, name = "data"): Prior {
  if (m.rows < 2) throw new SculptError(`empirical prior ${name} has ${m.rows} rows`, "give it a latent set with at least 2 rows");
  // A NaN row would be drawn as a target and make training diverge far from the cause.
  assertFinite(m, `empirical prior ${name}`);
  const sorted = Array.from({ length: m.cols }, (_, j) => {
    const col = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) col[i] = m.data[i * m.cols + j];
    return col.sort();
  });
  return {
    dim: m.cols,
    description: `empirical(${name}, ${m.rows} rows)`,
    sample(n, rng) {
      const out = new Float32Array(n * m.cols);
      for (let i = 0; i < n; i++) {
        const r = rng.int(m.rows);
        for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = m.data[r * m.cols + j];
      }
      return { rows: n, cols: m.cols, data: out };
    },
    marginalRange: (j) => [sorted[j][0], sorted[j][m.rows - 1]],
  };
}
