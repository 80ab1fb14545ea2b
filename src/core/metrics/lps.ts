/**
 * The Latent Predictability Score (paper §4.1): for each latent dimension i, regress z_i on the
 * other d−1 dimensions on the training rows and score R² on the held-out rows; LPS is the mean
 * over dimensions (lower is better, ≈0 means no dimension is predictable from the rest, even when
 * they are dependent in ways that do not move the mean, like the noisy circle).
 *
 * The work is split into a serialisable plan (split, bins) and one independent job per dimension,
 * so the Node layer can farm the jobs out to worker threads; `lps` runs them in this thread.
 *
 * Constant dimensions: a latent that is constant over all rows carries no information, so its R²
 * is defined as 0 (it is listed in `constantDims`) rather than scikit-learn's force_finite 1.0
 * for a perfectly predicted constant; a collapsed code must not look "predictable".
 */
import type { Matrix } from "../matrix.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { applyBins, fitBinEdges, fitGbdt, GBDT_DEFAULTS, type GbdtOptions } from "./gbdt.js";
import { applyScaler, fitMlp, fitScaler, MLP_DEFAULTS, type MlpOptions } from "./mlp.js";
import type { LpsPlan, LpsRegressor, LpsRunner } from "./lps-plan.js";
import { r2Score } from "./r2.js";
import { splitRows, type SplitKind } from "./split.js";
import { checkLatents, trainCount } from "./validate.js";
import type { MetricEntry } from "./types.js";

export type { LpsPlan, LpsRegressor, LpsRunner } from "./lps-plan.js";

export interface LpsOptions {
  regressor?: LpsRegressor;
  /** `random` (seeded, default) or `ordered` (first rows train, last rows test). */
  split?: SplitKind;
  /** Share of rows used for training (default 0.8). */
  trainFraction?: number;
  seed?: number;
  gbdt?: Partial<GbdtOptions>;
  mlp?: Partial<MlpOptions>;
}

export interface LpsResult {
  lps: number;
  /** Held-out R² per dimension. */
  perDim: number[];
  regressor: LpsRegressor;
  split: SplitKind;
  trainRows: number;
  testRows: number;
  /** Dimensions constant over all rows (R² defined as 0). */
  constantDims: number[];
}

const REGRESSORS: LpsRegressor[] = ["gbdt", "mlp"];

export function planLps(z: Matrix, options: LpsOptions = {}): LpsPlan {
  const regressor = options.regressor ?? "gbdt";
  if (!REGRESSORS.includes(regressor)) throw new SculptError(`unknown LPS regressor '${regressor}'`, "use gbdt or mlp");
  const split = options.split ?? "random";
  const seed = options.seed ?? 0;
  checkLatents(z, "LPS", { minRows: 4, minCols: 2 });
  const frac = options.trainFraction ?? 0.8;
  if (!(frac > 0 && frac < 1)) throw new SculptError(`LPS train fraction ${frac} is out of range`, "use a fraction between 0 and 1");
  const nTrain = trainCount(z.rows, frac, frac, "LPS");
  if (z.rows - nTrain < 2) throw new SculptError(`LPS needs at least 2 test rows, got ${z.rows - nTrain}`, "use more rows");
  const { train, test } = splitRows(z.rows, nTrain, split, seed);
  const constant = new Uint8Array(z.cols);
  for (let j = 0; j < z.cols; j++) {
    let c = 1;
    const first = z.data[j];
    for (let i = 1; i < z.rows && c; i++) if (z.data[i * z.cols + j] !== first) c = 0;
    constant[j] = c;
  }
  const plan: LpsPlan = {
    z,
    regressor,
    split,
    seed,
    train,
    test,
    constant,
    gbdt: { ...GBDT_DEFAULTS, ...options.gbdt },
    mlp: { ...MLP_DEFAULTS, ...options.mlp },
  };
  if (regressor === "gbdt") {
    const edges = fitBinEdges(z, train, plan.gbdt.maxBins);
    plan.trainBins = applyBins(z, train, edges);
    plan.testBins = applyBins(z, test, edges);
  }
  return plan;
}

/** Held-out R² of dimension i predicted from the others. */
export function lpsDim(plan: LpsPlan, i: number): number {
  if (plan.constant[i]) return 0;
  const { z, train, test } = plan;
  const d = z.cols;
  const yTrain = new Float64Array(train.length);
  const yTest = new Float64Array(test.length);
  for (let r = 0; r < train.length; r++) yTrain[r] = z.data[train[r] * d + i];
  for (let r = 0; r < test.length; r++) yTest[r] = z.data[test[r] * d + i];
  if (plan.regressor === "gbdt") {
    // the target's own column stays in the bins but is never split on
    const model = fitGbdt(plan.trainBins!, yTrain, plan.gbdt, i);
    return r2Score(yTest, model.predict(plan.testBins!));
  }
  const p = d - 1;
  const gather = (rows: Int32Array) => {
    const x = new Float64Array(rows.length * p);
    for (let r = 0; r < rows.length; r++) {
      for (let j = 0, k = 0; j < d; j++) if (j !== i) x[r * p + k++] = z.data[rows[r] * d + j];
    }
    return x;
  };
  const xTrain = gather(train);
  const xTest = gather(test);
  const scaler = fitScaler(xTrain, p); // standardised inputs, fitted on the training rows
  applyScaler(xTrain, p, scaler);
  applyScaler(xTest, p, scaler);
  // one stream per dimension, so a dimension's result does not depend on which worker ran it
  const rng = new Rng((plan.seed * 1000003 + i * 7919 + 1) >>> 0);
  const model = fitMlp(xTrain, yTrain, p, rng, plan.mlp);
  return r2Score(yTest, model.predict(xTest));
}

export function finishLps(plan: LpsPlan, perDim: number[]): LpsResult {
  if (perDim.length !== plan.z.cols) throw new SculptError(`LPS: ${perDim.length} per-dimension scores for ${plan.z.cols} dimensions`);
  const constantDims: number[] = [];
  plan.constant.forEach((c, j) => c && constantDims.push(j));
  return {
    lps: perDim.reduce((a, b) => a + b, 0) / perDim.length,
    perDim,
    regressor: plan.regressor,
    split: plan.split,
    trainRows: plan.train.length,
    testRows: plan.test.length,
    constantDims,
  };
}

/**
 * LPS of the codes z (n×d), in this thread.
 * @example
 * const { lps: score, perDim } = lps(codes, { regressor: "gbdt", split: "random", seed: 0 });
 */
export function lps(z: Matrix, options: LpsOptions = {}): LpsResult {
  const plan = planLps(z, options);
  const perDim: number[] = [];
  for (let i = 0; i < z.cols; i++) perDim.push(lpsDim(plan, i));
  return finishLps(plan, perDim);
}

/** LPS with a runner for the per-dimension jobs (e.g. worker threads); falls back to this thread. */
export async function lpsAsync(z: Matrix, options: LpsOptions = {}, runner?: LpsRunner): Promise<LpsResult> {
  const plan = planLps(z, options);
  if (!runner)
    return finishLps(
      plan,
      Array.from({ length: z.cols }, (_, i) => lpsDim(plan, i)),
    );
  return finishLps(plan, await runner(plan));
}

/** Registry entries: LPS with each regressor (`lps.gbdt`, `lps.mlp` and their per-dimension R²). */
function lpsEntry(regressor: LpsRegressor): MetricEntry {
  return {
    description: `Latent Predictability Score with the ${regressor} regressor (paper §4.1; lower is better)`,
    needs: {},
    skip:
      regressor === "mlp"
        ? ({ latents }) =>
            latents.cols * latents.rows > 320_000
              ? "LPS-mlp is slow on this many codes; run `sculpt metric lps --regressor mlp` explicitly"
              : undefined
        : undefined,
    keys: { [`lps.${regressor}`]: { label: `LPS-${regressor}`, ...(regressor === "gbdt" ? { column: "LPS" } : {}), better: "lower" } },
    headline: `lps.${regressor}`,
    // `sculpt metric lps --regressor gbdt|mlp` reaches both entries.
    command:
      regressor === "gbdt"
        ? {
            files: ["latents"],
            options: ["regressor", "split", "seed", "threads"],
            run: async ({ latents }, o, ctx) => {
              if (o.regressor !== "gbdt" && o.regressor !== "mlp")
                throw new SculptError(`unknown regressor '${o.regressor}'`, "use gbdt or mlp");
              return { ...(await lpsAsync(latents!, { regressor: o.regressor, split: o.split, seed: o.seed }, ctx.runLps)) };
            },
          }
        : undefined,
    async compute({ latents, seed }, ctx) {
      const r = await lpsAsync(latents, { regressor, seed }, ctx.runLps);
      return { [`lps.${regressor}`]: r.lps, [`lps.${regressor}.perDim`]: r.perDim };
    },
  };
}

export const lpsGbdtMetric = lpsEntry("gbdt");
export const lpsMlpMetric = lpsEntry("mlp");
