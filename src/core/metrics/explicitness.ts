/**
 * Explicitness (Ridgeway & Mozer 2018, §3), the disentanglement_lib way
 * (`evaluation/metrics/modularity_explicitness.py`, `compute_modularity_explicitness` and
 * `explicitness_per_factor`): codes standardised with the training rows' mean and population std,
 * one `LogisticRegression()` per factor on all codes (./logistic.ts), and the factor's score is
 * the macro-averaged one-vs-rest ROC-AUC of the predicted class probabilities; explicitness is the
 * mean over factors, on the test rows (and on the training rows). Changes: one set of rows split
 * into train/test (seeded random, or `ordered`) instead of two draws; a code constant on the
 * training rows is left unscaled (std taken as 1, as scikit-learn's StandardScaler does) instead
 * of becoming NaN; a class absent from the evaluated rows is left out of the average instead of
 * failing.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { fitLogistic, type LogisticOptions } from "./logistic.js";
import { supervisedSplit, type SplitKind } from "./split.js";
import { checkFactors, checkLatents, trainCount, type Factors } from "./validate.js";
import type { MetricEntry } from "./types.js";

export interface ExplicitnessOptions {
  /** Training rows: a count, or a fraction of the rows (default 2/3, disentanglement_lib's 10,000 : 5,000). */
  train?: number;
  split?: SplitKind;
  seed?: number;
  logistic?: Partial<LogisticOptions>;
}

export interface ExplicitnessResult {
  /** Mean over factors of the test ROC-AUC. */
  test: number;
  train: number;
  perFactorTest: number[];
  perFactorTrain: number[];
}

export function explicitness(z: Matrix, factors: Factors, options: ExplicitnessOptions = {}): ExplicitnessResult {
  checkLatents(z, "explicitness", { minRows: 3, minCols: 1 });
  checkFactors(factors, z.rows, "explicitness");
  const nTrain = trainCount(z.rows, options.train, 2 / 3, "explicitness");
  const d = z.cols;
  const { order, ys } = supervisedSplit(factors, z.rows, nTrain, options.split ?? "random", options.seed ?? 0, "explicitness");
  const x = new Float64Array(z.rows * d);
  order.forEach((r, i) => {
    for (let c = 0; c < d; c++) x[i * d + c] = z.data[r * d + c];
  });
  standardise(x, d, nTrain);
  const xTrain = x.subarray(0, nTrain * d);
  const xTest = x.subarray(nTrain * d);
  const perFactorTrain: number[] = [];
  const perFactorTest: number[] = [];
  for (const y of ys) {
    const yTrain = y.subarray(0, nTrain);
    const yTest = y.subarray(nTrain);
    const model = fitLogistic(xTrain, d, yTrain, options.logistic);
    perFactorTrain.push(macroAuc(model.predictProba(xTrain, nTrain), model.classes, yTrain));
    perFactorTest.push(macroAuc(model.predictProba(xTest, z.rows - nTrain), model.classes, yTest));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { test: mean(perFactorTest), train: mean(perFactorTrain), perFactorTest, perFactorTrain };
}

/** Scale columns of x (n×d) to zero mean and unit population std over its first nFit rows. */
function standardise(x: Float64Array, d: number, nFit: number): void {
  const n = x.length / d;
  for (let c = 0; c < d; c++) {
    let mean = 0;
    for (let i = 0; i < nFit; i++) mean += x[i * d + c];
    mean /= nFit;
    let ss = 0;
    for (let i = 0; i < nFit; i++) ss += (x[i * d + c] - mean) ** 2;
    const std = Math.sqrt(ss / nFit) || 1;
    for (let i = 0; i < n; i++) x[i * d + c] = (x[i * d + c] - mean) / std;
  }
}

/**
 * Mean over classes of the ROC-AUC of column c of `prob` (n×K) for "label is classes[c]", as
 * scikit-learn's `roc_auc_score` on one-hot labels (average "macro"); a class with no positive or
 * no negative row is left out.
 */
export function macroAuc(prob: Float64Array, classes: number[], y: ArrayLike<number>): number {
  const K = classes.length;
  const n = y.length;
  let sum = 0;
  let count = 0;
  const score = new Float64Array(n);
  const positive = new Uint8Array(n);
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < n; i++) {
      score[i] = prob[i * K + c];
      positive[i] = y[i] === classes[c] ? 1 : 0;
    }
    const auc = rocAuc(score, positive);
    if (auc !== undefined) {
      sum += auc;
      count++;
    }
  }
  if (count === 0) throw new SculptError("explicitness: no class has both positive and negative rows to score", "evaluate on more rows");
  return sum / count;
}

/** Mann–Whitney form of the ROC-AUC: P(score of a positive > score of a negative), ties counting ½. */
export function rocAuc(score: ArrayLike<number>, positive: ArrayLike<number>): number | undefined {
  const n = score.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[idx[j + 1]] === score[idx[i]]) j++;
    const rank = (i + j + 2) / 2; // average 1-based rank of the tied run
    for (let t = i; t <= j; t++) {
      if (positive[idx[t]]) {
        rankSum += rank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return undefined;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export const explicitnessMetric: MetricEntry = {
  description: "Explicitness (Ridgeway & Mozer 2018): ROC-AUC of a logistic regression from all codes to each factor",
  needs: { factors: true },
  keys: {
    "explicitness.test": { label: "Explicitness", better: "higher" },
    "explicitness.train": { label: "Explicitness (train)", better: "higher" },
  },
  headline: "explicitness.test",
  command: {
    files: ["latents", "factors"],
    options: ["split", "train", "seed"],
    run: ({ latents, factors }, o) => ({ ...explicitness(latents!, factors!, { split: o.split, train: o.train, seed: o.seed }) }),
  },
  compute: ({ latents, factors, seed }) => {
    const r = explicitness(latents, factors!, { seed });
    return { "explicitness.test": r.test, "explicitness.train": r.train };
  },
};
