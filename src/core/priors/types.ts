/**
 * What a prior is (paper §3.1): anything that can draw n samples in d dimensions. Marginal
 * densities and ranges are optional capabilities used by plots, traversals and fidelity metrics;
 * shared code checks for the member, never for the prior's kind.
 */
import type { z } from "zod";
import type { Matrix } from "../matrix.js";
import type { Rng } from "../random.js";
import type { SpecNode } from "./spec.js";

export interface Prior {
  readonly dim: number;
  /** n×dim samples (float32). */
  sample(n: number, rng: Rng): Matrix;
  /** Density of dimension j's marginal at x. */
  marginalPdf?(j: number, x: number): number;
  /** An interval holding nearly all of dimension j's mass (histogram and traversal ranges). */
  marginalRange?(j: number): [number, number];
  /** Human-readable description, e.g. "N(0, 1)^5". */
  readonly description: string;
}

/** A prior's serialisable config: plain data tagged by `kind`. */
export interface PriorConfig {
  kind: string;
  [field: string]: unknown;
}

export interface PriorContext {
  /** The dimension wanted of priors that are i.i.d. across dimensions (1-D priors broadcast). */
  dim: number;
  /** Build a nested prior (hybrid and mixture components) at a given dimension. */
  create(config: PriorConfig, dim: number): Prior;
  /** Load a stored latent matrix (empirical priors); supplied by the Node layer or the caller. */
  loadMatrix?(path: string): Matrix;
}

export interface SpecContext {
  /** Turn a nested syntax node into a config. */
  toConfig(node: SpecNode): PriorConfig;
}

export interface PriorEntry<C extends PriorConfig = PriorConfig> {
  /** Validates this kind's fields (nested components are validated when built). */
  schema: z.ZodType<C>;
  /** The text form's node → config. */
  fromSpec(node: SpecNode, ctx: SpecContext): C;
  create(config: C, ctx: PriorContext): Prior;
  /** True for 1-D priors that are i.i.d. across however many dimensions are asked for. */
  broadcast: boolean;
}

/** Build a d-dimensional i.i.d. prior from a 1-D sampler and density. */
export function iidPrior(
  dim: number,
  draw: (rng: Rng) => number,
  pdf: (x: number) => number,
  range: [number, number],
  name: string,
): Prior {
  return {
    dim,
    description: dim === 1 ? name : `${name}^${dim}`,
    sample(n, rng) {
      const data = new Float32Array(n * dim);
      for (let i = 0; i < data.length; i++) data[i] = draw(rng);
      return { rows: n, cols: dim, data };
    },
    marginalPdf: (_j, x) => pdf(x),
    marginalRange: () => range,
  };
}

export const SQRT_2PI = Math.sqrt(2 * Math.PI);
export const normalPdf = (x: number, mean: number, std: number) => Math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * SQRT_2PI);
