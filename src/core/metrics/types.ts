/**
 * What a metric is: a function of a representation (codes, and optionally ground-truth factors,
 * image/reconstruction pairs, the prior) that returns namespaced numbers. Needs are optional
 * capabilities (`needs.factors`, ...): `evaluateAll` runs every metric whose needs the inputs meet
 * and never branches on a metric's name.
 */
import type { Matrix } from "../matrix.js";
import type { Prior } from "../priors/types.js";
import type { LpsRunner } from "./lps.js";
import type { Factors } from "./validate.js";

export interface MetricInputs {
  /** Codes, N×d (the encoder means). */
  latents: Matrix;
  /** Ground-truth factor classes for the same rows. */
  factors?: Factors;
  /** Originals and reconstructions as flat arrays of equal length (NMSE). */
  images?: Float32Array;
  reconstructions?: Float32Array;
  /** The prior the codes were sculpted toward (fidelity). */
  prior?: Prior;
  seed?: number;
}

/** A metric's result: keys namespaced like `lps.gbdt`, `mig.score`, `dci.disentanglement`. */
export type MetricValues = Record<string, number | number[] | number[][]>;

/** What the environment can offer a metric (the Node layer supplies worker threads for LPS). */
export interface MetricContext {
  runLps?: LpsRunner;
}

export interface MetricEntry {
  description: string;
  /** Inputs beyond the latents; a metric whose need is missing is skipped by evaluateAll. */
  needs: { factors?: true; reconstructions?: true; prior?: true };
  /** A reason not to run on these inputs (e.g. too few factors, too costly), or undefined. */
  skip?(inputs: MetricInputs): string | undefined;
  compute(inputs: MetricInputs, ctx: MetricContext): MetricValues | Promise<MetricValues>;
}
