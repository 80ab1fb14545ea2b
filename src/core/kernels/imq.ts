/**
 * Multi-scale inverse multiquadric Σ_s C_s / (C_s + ‖a−b‖²), as in the Wasserstein autoencoder
 * (Tolstikhin et al. 2018), which found its heavy tails give useful gradients far from the prior.
 * WAE sets C_s = 2·d·σ_p²·s for a prior of variance σ_p²; here C_s = s·σ² on the median heuristic σ
 * (or a fixed σ), so it adapts to any prior's scale. Scales default to WAE's 0.1 … 10.
 */
import * as tf from "../tf.js";
import { z } from "zod";
import type { KernelEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("imq"),
  scales: z.array(z.number().positive()).min(1).default([0.1, 0.2, 0.5, 1, 2, 5, 10]),
  sigma: z.union([z.number().positive(), z.literal("median")]).default("median"),
});

export const imq: KernelEntry<z.infer<typeof schema>> = {
  schema,
  create: ({ scales, sigma }) => ({
    name: "imq",
    bandwidth: sigma,
    gram: (sqd, s) => tf.tidy(() => tf.addN(scales.map((sc) => tf.div(sc * s * s, tf.add(sqd, sc * s * s)))) as tf.Tensor2D),
  }),
};
