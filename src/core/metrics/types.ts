/**
 * What a metric is: a function of a representation (codes, and optionally ground-truth factors,
 * image/reconstruction pairs, the prior) that returns namespaced numbers. Needs are optional
 * capabilities (`needs.factors`, ...): `evaluateAll` runs every metric whose needs the inputs meet
 * and never branches on a metric's name.
 */
import type { Matrix } from "../matrix.js";
import type { Prior } from "../priors/types.js";
import type { LpsRunner } from "./lps-plan.js";
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
  /** Codes of new images drawn for chosen factor values (BetaVAE and FactorVAE scores). */
  interventions?: Interventions;
  seed?: number;
}

/**
 * A generator and an encoder together: the codes of freshly drawn images whose ground-truth
 * factors are given, as disentanglement_lib's `sample_observations_from_factors` followed by the
 * representation function. Only full-factorial data sets (every combination of factor classes
 * present) can offer it.
 */
export interface Interventions {
  /** Classes per factor; a factor of size 1 is never the one intervened on. */
  sizes: readonly number[];
  /** The encoder means (n×d) of images with these factor classes (n×k, row-major). */
  encode(classes: Int32Array, n: number): Promise<Matrix>;
}

/** A metric's result: keys namespaced like `lps.gbdt`, `mig.score`, `dci.disentanglement`. */
export type MetricValues = Record<string, number | number[] | number[][]>;

/** Which way is better for a metric key. */
export type Direction = "lower" | "higher";

/**
 * What tables, reports, the dashboard and the demo show for one metric key: the one place this is
 * declared (in the metric's registry entry). A key without an entry (per-dimension arrays) is kept
 * in metrics.json but shown nowhere.
 */
export interface MetricKeyInfo {
  /** Table label (sweep tables, the dashboard), e.g. "NMSE (dB)". */
  label: string;
  better: Direction;
  /** Compact column header (the demo's table); default: label. */
  column?: string;
  /** Name on figure axes (sweep reports); default: column. */
  title?: string;
}

/** What the environment can offer a metric (the Node layer supplies worker threads for LPS). */
export interface MetricContext {
  runLps?: LpsRunner;
}

/** What a file passed to `sculpt metric NAME FILES...` holds. */
export type MetricFile = "latents" | "factors" | "images" | "reconstructions";

/** What the command line read from the files (and --prior): only those the metric's `files` name. */
export interface MetricCommandInputs {
  latents?: Matrix;
  factors?: Factors;
  images?: ArrayLike<number>;
  reconstructions?: ArrayLike<number>;
  prior?: Prior;
}

/** The options `sculpt metric` parses; a metric lists the ones it reads. */
export interface MetricCommandOptions {
  /** LPS: gbdt | mlp. */
  regressor: string;
  split?: "random" | "ordered";
  seed: number;
  /** SAP, DCI: training rows (count, or fraction below 1). */
  train?: number;
  /** DCI: gbc | forest. */
  model: string;
  /** Fidelity: MMD permutation-test draws. */
  permutations: number;
}

/** How a metric runs on its own from the command line (`sculpt metric NAME FILES...`). */
export interface MetricCommand {
  /** The files after the name, in order; the CLI reads each into the matching input. */
  files: readonly MetricFile[];
  /** Which `sculpt metric` options it reads (their help lists the metrics that use them). */
  options: readonly (keyof MetricCommandOptions | "threads")[];
  /** The metric's full result (its own fields, e.g. `score`, `perDim`), as `--json` prints it. */
  run(
    inputs: MetricCommandInputs,
    options: MetricCommandOptions,
    ctx: MetricContext,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface MetricEntry {
  description: string;
  /** Every scalar key `compute` returns, with its label and better direction. */
  keys: Record<string, MetricKeyInfo>;
  /** The key a one-line summary shows for this metric (the demo's table); one of `keys`. */
  headline: string;
  /** `sculpt metric NAME`: absent for a variant reached through another's options (lps-mlp: `lps --regressor mlp`). */
  command?: MetricCommand;
  /** Inputs beyond the latents; a metric whose need is missing is skipped by evaluateAll. */
  needs: { factors?: true; reconstructions?: true; prior?: true; interventions?: true };
  /** A reason not to run on these inputs (e.g. too few factors, too costly), or undefined. */
  skip?(inputs: MetricInputs): string | undefined;
  compute(inputs: MetricInputs, ctx: MetricContext): MetricValues | Promise<MetricValues>;
}
