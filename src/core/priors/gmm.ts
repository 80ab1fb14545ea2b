/**
 * 1-D Gaussian mixture, i.i.d. per dimension (paper Appendix D).
 * Spec: `gmm(means, stds, weights)` with lists like -5|5; the paper's "auto-gmm" is the
 * two-argument form `gmm(-5|5, 5)`: modes at the given centres with one common std, equal weights.
 */
import { z } from "zod";
import { specNumber, specVector } from "./spec.js";
import { float32Number, iidPrior, mixtureWeights, normalPdf, type PriorEntry } from "./types.js";

const schema = z
  .object({
    kind: z.literal("gmm"),
    means: z.array(float32Number("gmm means")).min(1),
    stds: z.array(z.number().positive("gmm stds must be > 0")).min(1),
    weights: z.array(z.number().nonnegative()).optional(),
  })
  .refine((c) => c.stds.length === c.means.length, { message: "gmm needs one std per mean" })
  .refine((c) => !c.weights || c.weights.length === c.means.length, { message: "gmm needs one weight per mean" });
export type GmmConfig = z.infer<typeof schema>;

export const gmm: PriorEntry<GmmConfig> = {
  schema,
  help: {
    summary: "1-D Gaussian mixture per dimension; gmm(means, std) is auto-gmm: one std, equal weights",
    examples: ["gmm(-1|2, 0.5|1, 0.3|0.7)", "gmm(-5|5, 5)"],
  },
  fromSpec: (n) => {
    const means = specVector(n.args[0] ?? n.kwargs.means, "gmm means (e.g. -5|5)");
    const stdArg = n.args[1] ?? n.kwargs.stds ?? n.kwargs.std;
    const stds =
      stdArg && stdArg.type === "numbers" && stdArg.rows[0].length > 1
        ? specVector(stdArg, "gmm stds")
        : means.map(() => specNumber(stdArg, "gmm std", 1));
    const w = n.args[2] ?? n.kwargs.weights;
    return { kind: "gmm", means, stds, ...(w ? { weights: specVector(w, "gmm weights") } : {}) };
  },
  create: ({ means, stds, weights }, { dim }) => {
    const w = mixtureWeights(weights, means.length, "gmm");
    const cum: number[] = [];
    w.reduce((acc, v, i) => (cum[i] = acc + v), 0);
    const lo = Math.min(...means.map((m, i) => m - 4 * stds[i]));
    const hi = Math.max(...means.map((m, i) => m + 4 * stds[i]));
    const name = `GMM(${means.join("|")}; σ=${stds.join("|")})`;
    return iidPrior(
      dim,
      (rng) => {
        const k = rng.categorical(cum);
        return means[k] + stds[k] * rng.normal();
      },
      (x) => w.reduce((acc, wk, k) => acc + wk * normalPdf(x, means[k], stds[k]), 0),
      [lo, hi],
      name,
    );
  },
  broadcast: true,
};
