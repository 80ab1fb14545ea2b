/**
 * A characteristic kernel for MMD (paper eq. 4–5, Appendix A.3), written as a function of squared
 * distances so every kernel shares one pairwise-distance computation. The bandwidth is a plain
 * number: the median heuristic is evaluated outside the graph, so no gradient flows through it.
 */
import type * as tf from "../tf.js";
import type { z } from "zod";

export interface Kernel {
  readonly name: string;
  /** 'median': σ is the median distance of the pooled batch (× multipliers); else a fixed σ. */
  readonly bandwidth: "median" | number;
  /** k applied elementwise to squared distances [n, m] at scale σ → [n, m]. */
  gram(sqDist: tf.Tensor2D, sigma: number): tf.Tensor2D;
}

export interface KernelConfig {
  kind: string;
  [field: string]: unknown;
}

export interface KernelEntry<C extends KernelConfig = KernelConfig> {
  schema: z.ZodType<C>;
  create(config: C): Kernel;
}
