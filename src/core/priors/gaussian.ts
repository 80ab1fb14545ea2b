/** Gaussian N(mean, std²), i.i.d. per dimension. Spec: `gaussian`, `gaussian(0, 2)`. */
import { z } from "zod";
import { specNumber } from "./spec.js";
import { float32Number, iidPrior, normalPdf, type PriorEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("gaussian"),
  mean: float32Number("mean").default(0),
  std: float32Number("std").pipe(z.number().positive("std must be > 0")).default(1),
});
export type GaussianConfig = z.infer<typeof schema>;

export const gaussian: PriorEntry<GaussianConfig> = {
  schema,
  help: { summary: "i.i.d. N(mean, std²) per dimension", examples: ["gaussian", "gaussian(0, 2)"] },
  fromSpec: (n) => ({
    kind: "gaussian",
    mean: specNumber(n.args[0] ?? n.kwargs.mean, "mean", 0),
    std: specNumber(n.args[1] ?? n.kwargs.std, "std", 1),
  }),
  create: ({ mean, std }, { dim }) =>
    iidPrior(
      dim,
      (rng) => mean + std * rng.normal(),
      (x) => normalPdf(x, mean, std),
      [mean - 4 * std, mean + 4 * std],
      `N(${mean}, ${std}²)`,
    ),
  broadcast: true,
};
