/**
 * Laplacian kernel mixture Σ_c exp(−‖a−b‖ / (c·σ)) on the median heuristic σ. The distance is
 * taken as sqrt(max(d², 1e-12)) so coincident points (the diagonal) give zero, not NaN, gradients.
 */
import * as tf from "../tf.js";
import { z } from "zod";
import type { KernelEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("laplacian"),
  multipliers: z.array(z.number().positive()).min(1).default([0.5, 1, 2]),
});

export const laplacian: KernelEntry<z.infer<typeof schema>> = {
  schema,
  create: ({ multipliers }) => ({
    name: "laplacian",
    bandwidth: "median",
    gram: (sqd, sigma) =>
      tf.tidy(() => {
        const dist = tf.sqrt(tf.maximum(sqd, 1e-12));
        return tf.addN(multipliers.map((c) => tf.exp(tf.mul(dist, -1 / (c * sigma))))) as tf.Tensor2D;
      }),
  }),
};
