/**
 * The paper's kernel (Appendix A.3): Σ_c exp(−‖a−b‖² / (2 (c·σ)²)) over bandwidth multipliers
 * c ∈ {0.5, 1, 2} on the median heuristic σ. A mixture is robust to the scale of the codes early
 * in training, when a single bandwidth would give vanishing gradients.
 */
import * as tf from "../tf.js";
import { z } from "zod";
import type { KernelEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("rbf-mixture"),
  multipliers: z.array(z.number().positive()).min(1).default([0.5, 1, 2]),
});

export const rbfMixture: KernelEntry<z.infer<typeof schema>> = {
  schema,
  create: ({ multipliers }) => ({
    name: "rbf-mixture",
    bandwidth: "median",
    gram: (sqd, sigma) => tf.tidy(() => tf.addN(multipliers.map((c) => tf.exp(tf.mul(sqd, -1 / (2 * (c * sigma) ** 2))))) as tf.Tensor2D),
  }),
};
