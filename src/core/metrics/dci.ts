/**
 * DCI disentanglement, completeness and informativeness (Eastwood & Williams 2018). An importance
 * matrix R [latents × factors] comes from one model per factor predicting it from all latents:
 *  - `gbc` (default), the disentanglement_lib form (REFERENCE §3.3): GradientBoostingClassifier
 *    defaults, informativeness = test accuracy (train accuracy too);
 *  - `forest`, the paper's / original form: RandomForestRegressor importances on the factor's
 *    class index (a regressor, as Eastwood & Williams' code, cianeastwood/qedr
 *    `lib/eval/regression.py`); informativeness as the mean test R² over factors (the regressor's
 *    scikit-learn `score`, near 1 when the codes predict the factors) and as the test NRMSE
 *    (RMSE / std, lower is better; the original paper's error form).
 * Then D_i = 1 − H_K(R_i· / Σ_j R_ij), weighted by ρ_i = Σ_j R_ij / Σ R; C_j = 1 − H_D(R_·j / Σ_i R_ij),
 * weighted by factor importance; entropies use the 1e-11 offset of disentanglement_lib's
 * `scipy.stats.entropy(R + 1e-11)`. Ported from disentanglement_lib `evaluation/metrics/dci.py`;
 * changes: one set of rows split into train/test (seeded random, or `ordered`), the forest variant,
 * refusal of constant factors.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { fitGbc, type GbcOptions } from "./gradient-boosting.js";
import { r2Score } from "./r2.js";
import { fitForest, type ForestOptions } from "./random-forest.js";
import { supervisedSplit, type SplitKind } from "./split.js";
import { checkFactors, checkLatents, trainCount, type Factors } from "./validate.js";
import type { MetricEntry, MetricInputs } from "./types.js";

export type DciModel = "gbc" | "forest";

export interface DciOptions {
  model?: DciModel;
  /** Training rows: a count, or a fraction of the rows (default 2/3). */
  train?: number;
  /** `random` (seeded, default) or `ordered` (first rows train). */
  split?: SplitKind;
  seed?: number;
  gbc?: Partial<GbcOptions>;
  forest?: Partial<ForestOptions>;
}

export interface DciResult {
  disentanglement: number;
  completeness: number;
  /** gbc: mean test accuracy over factors; forest: mean test R² over factors. */
  informativeness?: number;
  informativenessTrain?: number;
  /** forest: mean test RMSE / std of the factor over factors. */
  nrmse?: number;
  /** R[i][j]: importance of latent i for factor j. */
  importance: number[][];
  model: DciModel;
}

export function dci(z: Matrix, factors: Factors, options: DciOptions = {}): DciResult {
  const model = options.model ?? "gbc";
  if (model !== "gbc" && model !== "forest") throw new SculptError(`unknown DCI model '${model}'`, "use gbc or forest");
  checkLatents(z, "DCI", { minRows: 3, minCols: 2 });
  checkFactors(factors, z.rows, "DCI", { minFactors: 2 });
  const nTrain = trainCount(z.rows, options.train, 2 / 3, "DCI");
  const d = z.cols;
  const k = factors.sizes.length;
  const { order, ys } = supervisedSplit(factors, z.rows, nTrain, options.split ?? "random", options.seed ?? 0, "DCI");
  const x = new Float64Array(z.rows * d);
  order.forEach((r, i) => x.set(z.data.subarray(r * d, (r + 1) * d), i * d));
  const xTrain = x.subarray(0, nTrain * d);
  const xTest = x.subarray(nTrain * d);
  const nTest = z.rows - nTrain;
  const R: number[][] = Array.from({ length: d }, () => new Array<number>(k).fill(0));
  let accTest = 0;
  let accTrain = 0;
  let nrmse = 0;
  let r2 = 0;
  for (let j = 0; j < k; j++) {
    const yTrain = ys[j].subarray(0, nTrain);
    const yTest = ys[j].subarray(nTrain);
    if (model === "gbc") {
      const m = fitGbc(xTrain, d, yTrain, { seed: options.seed ?? 0, ...options.gbc });
      m.importances.forEach((v, i) => (R[i][j] = Math.abs(v)));
      accTrain += accuracy(m.predict(xTrain, nTrain), yTrain) / k;
      accTest += accuracy(m.predict(xTest, nTest), yTest) / k;
    } else {
      const m = fitForest(xTrain, d, yTrain, { seed: options.seed ?? 0, ...options.forest });
      m.importances.forEach((v, i) => (R[i][j] = Math.abs(v)));
      const pred = m.predict(xTest, nTest);
      nrmse += normalisedRmse(pred, yTest) / k;
      r2 += r2Score(yTest, pred) / k;
    }
  }
  const { disentanglement, completeness } = dciScores(R);
  return model === "gbc"
    ? { disentanglement, completeness, informativeness: accTest, informativenessTrain: accTrain, importance: R, model }
    : { disentanglement, completeness, informativeness: r2, nrmse, importance: R, model };
}

/** Disentanglement and completeness of an importance matrix R [latents × factors]. */
export function dciScores(R: number[][]): { disentanglement: number; completeness: number } {
  const d = R.length;
  const k = R[0].length;
  let total = 0;
  for (const row of R) for (const v of row) total += v;
  const rowSum = R.map((row) => row.reduce((a, b) => a + b, 0));
  const colSum = Array.from({ length: k }, (_, j) => R.reduce((a, row) => a + row[j], 0));
  let disentanglement = 0;
  for (let i = 0; i < d; i++) {
    const rho = total > 0 ? rowSum[i] / total : 1 / d; // disentanglement_lib: R = ones when R sums to 0
    disentanglement += rho * (1 - entropyBase(R[i], k));
  }
  let completeness = 0;
  for (let j = 0; j < k; j++) {
    const w = total > 0 ? colSum[j] / total : 1 / k;
    completeness +=
      w *
      (1 -
        entropyBase(
          R.map((row) => row[j]),
          d,
        ));
  }
  return { disentanglement, completeness };
}

/** scipy.stats.entropy(v + 1e-11, base): the entropy of v normalised to sum 1. */
function entropyBase(v: number[], base: number): number {
  const s = v.reduce((a, b) => a + b + 1e-11, 0);
  let h = 0;
  for (const x of v) {
    const q = (x + 1e-11) / s;
    if (q > 0) h -= q * Math.log(q);
  }
  return h / Math.log(base);
}

/** Fraction of predicted classes equal to the true ones. */
export function accuracy(pred: Int32Array, y: Int32Array): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hit++;
  return hit / y.length;
}

function normalisedRmse(pred: Float64Array, y: Int32Array): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i] / y.length;
  let se = 0;
  let ss = 0;
  for (let i = 0; i < y.length; i++) {
    se += (pred[i] - y[i]) ** 2;
    ss += (y[i] - mean) ** 2;
  }
  return ss > 0 ? Math.sqrt(se / ss) : se > 0 ? Infinity : 0;
}

const needsTwoFactors = ({ factors }: MetricInputs) => (factors && factors.sizes.length < 2 ? "DCI needs at least two factors" : undefined);

export const dciMetric: MetricEntry = {
  description: "DCI with gradient-boosted classifier importances (disentanglement_lib)",
  needs: { factors: true },
  skip: needsTwoFactors,
  keys: {
    "dci.disentanglement": { label: "DCI-D", title: "DCI disentanglement", better: "higher" },
    "dci.completeness": { label: "DCI-C", better: "higher" },
    "dci.informativeness": { label: "DCI-I (test acc.)", better: "higher" },
    "dci.informativenessTrain": { label: "DCI-I (train acc.)", better: "higher" },
  },
  headline: "dci.disentanglement",
  command: {
    files: ["latents", "factors"],
    options: ["model", "split", "train", "seed"],
    // dci() refuses a model other than gbc or forest.
    run: ({ latents, factors }, o) => ({
      ...dci(latents!, factors!, { model: o.model as DciModel, split: o.split, train: o.train, seed: o.seed }),
    }),
  },
  compute: ({ latents, factors, seed }) => {
    const r = dci(latents, factors!, { seed });
    return {
      "dci.disentanglement": r.disentanglement,
      "dci.completeness": r.completeness,
      "dci.informativeness": r.informativeness!,
      "dci.informativenessTrain": r.informativenessTrain!,
    };
  },
};

export const dciForestMetric: MetricEntry = {
  description: "DCI with random-forest regressor importances (Eastwood & Williams; the paper's form)",
  needs: { factors: true },
  skip: needsTwoFactors,
  keys: {
    "dci-forest.disentanglement": { label: "DCI-forest D", better: "higher" },
    "dci-forest.completeness": { label: "DCI-forest C", better: "higher" },
    "dci-forest.informativeness": { label: "DCI-forest I (test R²)", better: "higher" },
    "dci-forest.nrmse": { label: "DCI-forest NRMSE", better: "lower" },
  },
  headline: "dci-forest.disentanglement",
  compute: ({ latents, factors, seed }) => {
    const r = dci(latents, factors!, { seed, model: "forest" });
    return {
      "dci-forest.disentanglement": r.disentanglement,
      "dci-forest.completeness": r.completeness,
      "dci-forest.informativeness": r.informativeness!,
      "dci-forest.nrmse": r.nrmse!,
    };
  },
};
