/** Uniform U(low, high), i.i.d. per dimension. Spec: `uniform`, `uniform(-5, 5)`. Default U(-1, 1). */
import { z } from "zod";
import { specNumber } from "./spec.js";
import { float32Number, iidPrior, type PriorEntry } from "./types.js";

const schema = z
  .object({ kind: z.literal("uniform"), low: float32Number("uniform low").default(-1), high: float32Number("uniform high").default(1) })
  .refine((c) => c.high > c.low, { message: "uniform needs low < high" });
export type UniformConfig = z.infer<typeof schema>;

export const uniform: PriorEntry<UniformConfig> = {
  schema,
  help: { summary: "i.i.d. U(low, high) per dimension", examples: ["uniform", "uniform(-5, 5)"] },
  fromSpec: (n) => ({
    kind: "uniform",
    low: specNumber(n.args[0] ?? n.kwargs.low, "low", -1),
    high: specNumber(n.args[1] ?? n.kwargs.high, "high", 1),
  }),
  create: ({ low, high }, { dim }) => {
    const w = high - low;
    return iidPrior(
      dim,
      (rng) => low + w * rng.uniform(),
      (x) => (x >= low && x <= high ? 1 / w : 0),
      [low - 0.1 * w, high + 0.1 * w],
      `U(${low}, ${high})`,
    );
  },
  broadcast: true,
};
