/** Single Gaussian RBF exp(−‖a−b‖² / (2σ²)) with a fixed σ, or the median heuristic when σ is omitted. */
import * as tf from "../tf.js";
import { z } from "zod";
import type { KernelEntry } from "./types.js";

const schema = z.object({ kind: z.literal("rbf"), sigma: z.union([z.number().positive(), z.literal("median")]).default("median") });

export const rbf: KernelEntry<z.infer<typeof schema>> = {
  schema,
  create: ({ sigma }) => ({
    name: "rbf",
    bandwidth: sigma,
    gram: (sqd, s) => tf.tidy(() => tf.exp(tf.mul(sqd, -1 / (2 * s * s))) as tf.Tensor2D),
  }),
};
