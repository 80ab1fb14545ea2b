/**
 * What a prior is (paper §3.1): anything that can draw n samples in d dimensions. Marginal
 * densities and ranges are optional capabilities used by plots, traversals and fidelity metrics;
 * shared code checks for the member, never for the prior's kind.
 */
import { z as zod, type z } from "zod";
import { SculptError } from "../registry.js";
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
  /** Validates this kind's fields (nested components are validated when built); `sculpt prior --help` lists them and their defaults. */
  schema: z.ZodType<C>;
  /** `sculpt prior --help`: what the prior is, and spec texts that parse to this kind. */
  help: { summary: string; examples: readonly string[] };
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

/** Most dimensions a prior may have: far above any latent size, low enough to sample without running out of memory. */
export const MAX_PRIOR_DIM = 65536;

/** Refuse a dimension count above MAX_PRIOR_DIM, naming what asked for it. */
export function checkPriorDim(dim: number, what: string): void {
  if (!(Number.isInteger(dim) && dim >= 1 && dim <= MAX_PRIOR_DIM)) {
    throw new SculptError(
      `${what} asks for ${dim} dimensions; a prior has at most ${MAX_PRIOR_DIM} dimensions`,
      "use a smaller latent size or repeat count",
    );
  }
}

/** Largest float32: samples are float32, so a bound beyond it would be written as ±inf. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A prior parameter that must fit in float32. */
export const float32Number = (what: string) =>
  zod.number().refine((v) => Math.abs(v) <= FLOAT32_MAX, `${what} must fit in float32 (|x| ≤ 3.4e38)`);

/**
 * Mixture weights (gmm, mixture): each ≥ 0 and finite, summing to 1 (within 1e-6). Weights that
 * sum to something else are refused rather than silently renormalised: they usually mean a typo.
 */
export function mixtureWeights(weights: number[] | undefined, count: number, what: string): number[] {
  if (weights === undefined) return Array.from({ length: count }, () => 1 / count);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w)))
    throw new SculptError(`${what} weights must be finite and ≥ 0 (got ${weights.join("|")})`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-6) {
    const even = Array.from({ length: weights.length }, () => +(1 / weights.length).toPrecision(3)).join("|");
    throw new SculptError(
      `${what} weights sum to ${+total.toPrecision(6)}, not 1 (${weights.join("|")})`,
      total > 0
        ? `divide them by ${+total.toPrecision(6)}, or leave them out for equal weights (${even})`
        : `give at least one weight > 0, e.g. ${even}`,
    );
  }
  return weights.map((w) => w / total);
}

export const SQRT_2PI = Math.sqrt(2 * Math.PI);
export const normalPdf = (x: number, mean: number, std: number) => Math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * SQRT_2PI);
