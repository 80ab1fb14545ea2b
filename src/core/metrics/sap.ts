/**
 * Separated Attribute Predictability (Kumar et al. 2018), the disentanglement_lib way
 * (REFERENCE §3.2). Discrete: for each latent i and factor j, a LinearSVC(C=0.01,
 * class_weight="balanced") on the single latent predicts the factor; S[i][j] is its test accuracy.
 * Continuous: S[i][j] is the squared Pearson correlation on the training rows (0 when the latent's
 * variance is ≤ 1e-12). SAP is the mean over factors of the gap between the two best latents.
 * Ported from disentanglement_lib `evaluation/metrics/sap_score.py`; changes: one set of rows split
 * into train/test (seeded random, or `ordered`: first rows train, as the fixtures) instead of two
 * sampled batches.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";
import { fitLinearSvc } from "./linear-svc.js";
import { supervisedSplit, type SplitKind } from "./split.js";
import { topTwoGaps } from "./mig.js";
import { checkFactors, checkLatents, trainCount, type Factors } from "./validate.js";
import type { MetricEntry } from "./types.js";

export interface SapOptions {
  /** Training rows: a count, or a fraction of the rows (default 2/3, disentanglement_lib's 10,000 : 5,000). */
  train?: number;
  /** `random` (seeded, default: rows may come sorted by factor) or `ordered` (first rows train). */
  split?: SplitKind;
  /** Which scores to compute (default both). */
  discrete?: boolean;
  continuous?: boolean;
  seed?: number;
}

export interface SapResult {
  discrete?: number;
  continuous?: number;
  /** S[i][j], latents × factors. */
  discreteMatrix?: number[][];
  continuousMatrix?: number[][];
}

export function sap(z: Matrix, factors: Factors, options: SapOptions = {}): SapResult {
  checkLatents(z, "SAP", { minRows: 3, minCols: 2 });
  checkFactors(factors, z.rows, "SAP");
  const nTrain = trainCount(z.rows, options.train, 2 / 3, "SAP");
  const d = z.cols;
  const { order, ys } = supervisedSplit(factors, z.rows, nTrain, options.split ?? "random", options.seed ?? 0, "SAP");
  const latent = (i: number, from: number, to: number) => {
    const v = new Float64Array(to - from);
    for (let r = from; r < to; r++) v[r - from] = z.data[order[r] * d + i];
    return v;
  };
  const out: SapResult = {};
  if (options.continuous !== false) {
    const m: number[][] = [];
    for (let i = 0; i < d; i++) {
      const x = latent(i, 0, nTrain);
      m.push(ys.map((y) => squaredCorrelation(x, y.subarray(0, nTrain))));
    }
    out.continuousMatrix = m;
    out.continuous = mean(topTwoGaps(m).gaps);
  }
  if (options.discrete !== false) {
    const m: number[][] = [];
    for (let i = 0; i < d; i++) {
      const xTrain = latent(i, 0, nTrain);
      const xTest = latent(i, nTrain, z.rows);
      m.push(
        ys.map((y) => {
          const model = fitLinearSvc(xTrain, 1, y.subarray(0, nTrain), { C: 0.01, balanced: true, seed: options.seed ?? 0 });
          const pred = model.predict(xTest);
          let hit = 0;
          for (let r = 0; r < pred.length; r++) if (pred[r] === y[nTrain + r]) hit++;
          return hit / pred.length;
        }),
      );
    }
    out.discreteMatrix = m;
    out.discrete = mean(topTwoGaps(m).gaps);
  }
  if (out.discrete === undefined && out.continuous === undefined)
    throw new SculptError("SAP: nothing to compute", "enable discrete or continuous");
  return out;
}

/** cov(x, y)² / (var x · var y) with ddof 1, or 0 when var x ≤ 1e-12 (as disentanglement_lib). */
function squaredCorrelation(x: Float64Array, y: Int32Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  const varX = sxx / (n - 1);
  if (varX <= 1e-12) return 0;
  return (sxy / (n - 1)) ** 2 / (varX * (syy / (n - 1)));
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

export const sapMetric: MetricEntry = {
  description: "Separated Attribute Predictability, discrete (linear SVM accuracy gap) and continuous (R² gap)",
  needs: { factors: true },
  keys: {
    "sap.discrete": { label: "SAP", better: "higher" },
    "sap.continuous": { label: "SAP (continuous)", better: "higher" },
  },
  headline: "sap.discrete",
  command: {
    files: ["latents", "factors"],
    options: ["split", "train", "seed"],
    run: ({ latents, factors }, o) => ({ ...sap(latents!, factors!, { split: o.split, train: o.train, seed: o.seed }) }),
  },
  compute: ({ latents, factors, seed }) => {
    const r = sap(latents, factors!, { seed });
    return { "sap.discrete": r.discrete!, "sap.continuous": r.continuous! };
  },
};
