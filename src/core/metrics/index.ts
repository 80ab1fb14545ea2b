/**
 * The metric registry and `evaluateAll`. Adding a metric: one file exporting a MetricEntry (its
 * keys, labels, better direction, headline column and `sculpt metric` form declared there), one
 * line in METRICS, one row in metrics.test.ts (the table is typed by the registry's keys). Tables,
 * reports, the dashboard, the demo and `sculpt metric` all read the entry. Registry order is the
 * order columns appear in tables.
 */
import { SculptError } from "../registry.js";
import { betaVaeMetric } from "./beta-vae.js";
import { covarianceRatioMetric } from "./covariance-ratio.js";
import { dciForestMetric, dciMetric } from "./dci.js";
import { fidelityMetric } from "./fidelity.js";
import { lpsGbdtMetric, lpsMlpMetric } from "./lps.js";
import { explicitnessMetric } from "./explicitness.js";
import { factorVaeMetric } from "./factor-vae.js";
import { irsMetric } from "./irs.js";
import { migMetric } from "./mig.js";
import { modularityMetric } from "./modularity.js";
import { nmseMetric } from "./nmse.js";
import { sapMetric } from "./sap.js";
import { unsupervisedMetric } from "./unsupervised.js";
import type { MetricContext, MetricEntry, MetricInputs, MetricValues } from "./types.js";
import { factorColumn, type Factors } from "./validate.js";

export const METRICS = {
  lps: lpsGbdtMetric,
  "lps-mlp": lpsMlpMetric,
  nmse: nmseMetric,
  mig: migMetric,
  sap: sapMetric,
  dci: dciMetric,
  "dci-forest": dciForestMetric,
  modularity: modularityMetric,
  explicitness: explicitnessMetric,
  irs: irsMetric,
  "beta-vae": betaVaeMetric,
  "factor-vae": factorVaeMetric,
  "covariance-ratio": covarianceRatioMetric,
  unsupervised: unsupervisedMetric,
  fidelity: fidelityMetric,
} satisfies Record<string, MetricEntry>;

export type MetricName = keyof typeof METRICS;

export interface EvaluateOptions {
  /** Run only these metrics (default: all that apply). */
  only?: MetricName[];
  context?: MetricContext;
  /** Called before each metric runs (progress). */
  onMetric?: (name: MetricName) => void;
}

export interface EvaluateResult {
  values: MetricValues;
  /** Metrics not run, with the reason. */
  skipped: Partial<Record<MetricName, string>>;
  /** Seconds per metric run. */
  seconds: Partial<Record<MetricName, number>>;
  /** Factors left out because they take a single value on these rows. */
  droppedFactors: string[];
}

/** Why `entry` cannot run on `inputs`, or undefined when it can. */
function unmet(entry: MetricEntry, inputs: MetricInputs): string | undefined {
  if (entry.needs.factors && !inputs.factors) return "needs ground-truth factors";
  if (entry.needs.factors && inputs.factors && inputs.factors.sizes.length === 0) return "every factor is constant on these rows";
  if (entry.needs.reconstructions && !(inputs.images && inputs.reconstructions)) return "needs images and their reconstructions";
  if (entry.needs.prior && !inputs.prior) return "needs the prior";
  if (entry.needs.interventions && !inputs.interventions) {
    return "needs the run's encoder and a data set that draws images for given factor values";
  }
  return entry.skip?.(inputs);
}

/** Factors without the ones that take a single value (they carry no information; e.g. dSprites' colour). */
function dropConstantFactors(f: Factors): { factors: Factors; dropped: string[] } {
  const keep: number[] = [];
  const dropped: string[] = [];
  f.sizes.forEach((_, j) => {
    const col = factorColumn(f, j);
    if (col.some((v) => v !== col[0])) keep.push(j);
    else dropped.push(f.names[j]);
  });
  if (dropped.length === 0) return { factors: f, dropped };
  const k = f.sizes.length;
  const n = f.classes.length / k;
  const classes = new Int32Array(n * keep.length);
  for (let i = 0; i < n; i++) keep.forEach((j, c) => (classes[i * keep.length + c] = f.classes[i * k + j]));
  return { factors: { classes, sizes: keep.map((j) => f.sizes[j]), names: keep.map((j) => f.names[j]) }, dropped };
}

/**
 * Run every metric that applies to the inputs.
 * @example
 * const { values } = await evaluateAll({ latents, factors, prior, seed: 0 });
 * values["lps.gbdt"]; values["mig.score"];
 */
export async function evaluateAll(inputs: MetricInputs, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const names = (options.only ?? (Object.keys(METRICS) as MetricName[])).slice();
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(METRICS, name)) {
      throw new SculptError(`unknown metric '${name}'`, `use one of: ${Object.keys(METRICS).sort().join(", ")}`);
    }
  }
  let droppedFactors: string[] = [];
  let prepared = inputs;
  if (inputs.factors) {
    const r = dropConstantFactors(inputs.factors);
    droppedFactors = r.dropped;
    prepared = { ...inputs, factors: r.factors };
  }
  const result: EvaluateResult = { values: {}, skipped: {}, seconds: {}, droppedFactors };
  for (const name of names) {
    const entry: MetricEntry = METRICS[name];
    const reason = unmet(entry, prepared);
    if (reason) {
      result.skipped[name] = reason;
      continue;
    }
    options.onMetric?.(name);
    const t0 = performance.now();
    Object.assign(result.values, await entry.compute(prepared, options.context ?? {}));
    result.seconds[name] = (performance.now() - t0) / 1000;
  }
  return result;
}

export type {
  Direction,
  Interventions,
  MetricCommand,
  MetricCommandInputs,
  MetricCommandOptions,
  MetricContext,
  MetricEntry,
  MetricFile,
  MetricInputs,
  MetricKeyInfo,
  MetricValues,
} from "./types.js";
export type { Factors } from "./validate.js";
export { factorsFromMatrix } from "./validate.js";
export { lps, lpsAsync, planLps, lpsDim, finishLps, type LpsOptions, type LpsResult, type LpsPlan, type LpsRunner } from "./lps.js";
export { mig, type MigResult } from "./mig.js";
export { modularity, type ModularityResult } from "./modularity.js";
export { explicitness, type ExplicitnessOptions, type ExplicitnessResult } from "./explicitness.js";
export { irs, type IrsOptions, type IrsResult } from "./irs.js";
export { betaVaeScore, BETA_VAE_DEFAULTS, type BetaVaeOptions, type BetaVaeResult } from "./beta-vae.js";
export { factorVaeScore, FACTOR_VAE_DEFAULTS, type FactorVaeOptions, type FactorVaeResult } from "./factor-vae.js";
export { unsupervised, type UnsupervisedResult } from "./unsupervised.js";
export { fitLogistic, LOGISTIC_DEFAULTS, type LogisticOptions, type LogisticModel } from "./logistic.js";
export { sap, type SapOptions, type SapResult } from "./sap.js";
export { dci, dciScores, type DciOptions, type DciResult } from "./dci.js";
export { covarianceRatio, type CovarianceRatioResult } from "./covariance-ratio.js";
export { nmse, type NmseResult } from "./nmse.js";
export { fidelity, type FidelityOptions, type FidelityResult } from "./fidelity.js";
export { fitGbdt, fitBinEdges, applyBins, GBDT_DEFAULTS, type GbdtOptions } from "./gbdt.js";
export { fitMlp, MLP_DEFAULTS, type MlpOptions } from "./mlp.js";
