/**
 * A gradient-boosted tree classifier as scikit-learn's `GradientBoostingClassifier()` defaults
 * (the DCI importance model of disentanglement_lib, REFERENCE §3.3): log-loss, 100 stages,
 * learning rate 0.1, depth-3 `friedman_mse` trees, no subsampling; one tree per class per stage
 * for more than two classes (one for two); the prior's log-probabilities (log-odds) as the
 * initial score; each leaf set by one Newton step; feature importances as the mean MDI over
 * trees that split, normalised to sum to 1. Ported from scikit-learn 1.2
 * `ensemble/_gb.py` and `_gb_losses.py`; changes: exact trees grown level-wise (tree.ts).
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { applyTree, growTree, sortData, type RegressionTree } from "./tree.js";

export interface GbcOptions {
  stages: number;
  learningRate: number;
  maxDepth: number;
  seed: number;
}

export const GBC_DEFAULTS: GbcOptions = { stages: 100, learningRate: 0.1, maxDepth: 3, seed: 0 };

export interface GbcModel {
  classes: number[];
  /** MDI importances per feature, summing to 1 (all 0 when no tree split). */
  importances: Float64Array;
  predict(x: ArrayLike<number>, m: number): Int32Array;
}

const EPS32 = 1.1920929e-7; // np.finfo(np.float32).eps, sklearn's clip of the prior probabilities

/** Fit on x (n×p row-major) and class labels. */
export function fitGbc(x: ArrayLike<number>, p: number, labels: Int32Array, options: Partial<GbcOptions> = {}): GbcModel {
  const o = { ...GBC_DEFAULTS, ...options };
  const n = labels.length;
  if (x.length !== n * p) throw new SculptError(`gradient boosting: ${x.length} inputs for ${n} rows × ${p} columns`);
  const classes = Array.from(new Set(labels)).sort((a, b) => a - b);
  if (classes.length < 2) throw new SculptError("gradient boosting needs at least two classes in the training labels");
  const K = classes.length;
  const T = K === 2 ? 1 : K; // trees per stage
  const idx = new Map(classes.map((c, k) => [c, k]));
  const yk = Int32Array.from(labels, (c) => idx.get(c)!);
  const data = sortData(x, n, p);
  const rng = new Rng(o.seed);
  const treeOptions = { maxDepth: o.maxDepth, minSamplesSplit: 2, minSamplesLeaf: 1, criterion: "friedman_mse" as const };

  // initial raw scores from the class prior
  const prior = new Float64Array(K);
  for (let i = 0; i < n; i++) prior[yk[i]] += 1 / n;
  const clip = (v: number) => Math.min(Math.max(v, EPS32), 1 - EPS32);
  const init = new Float64Array(T);
  if (K === 2) init[0] = Math.log(clip(prior[1]) / (1 - clip(prior[1])));
  else for (let k = 0; k < K; k++) init[k] = Math.log(clip(prior[k]));
  const raw = new Float64Array(n * T);
  for (let i = 0; i < n; i++) raw.set(init, i * T);

  const trees: RegressionTree[][] = [];
  const leafValues: Float64Array[][] = [];
  const importanceSum = new Float64Array(p);
  let relevant = 0;
  const residual = new Float64Array(n);
  const target = new Float64Array(n);
  const prob = new Float64Array(n * T);
  for (let stage = 0; stage < o.stages; stage++) {
    // probabilities from the scores at the start of the stage (sklearn copies raw_predictions)
    for (let i = 0; i < n; i++) {
      if (K === 2) prob[i] = 1 / (1 + Math.exp(-raw[i]));
      else {
        let mx = -Infinity;
        for (let k = 0; k < K; k++) mx = Math.max(mx, raw[i * K + k]);
        let z = 0;
        for (let k = 0; k < K; k++) z += Math.exp(raw[i * K + k] - mx);
        for (let k = 0; k < K; k++) prob[i * K + k] = Math.exp(raw[i * K + k] - mx) / z;
      }
    }
    const stageTrees: RegressionTree[] = [];
    const stageValues: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const cls = K === 2 ? 1 : t;
      for (let i = 0; i < n; i++) {
        target[i] = yk[i] === cls ? 1 : 0;
        residual[i] = target[i] - prob[i * T + t]; // the negative gradient of the log-loss
      }
      const tree = growTree(data, residual, null, treeOptions, rng);
      // Newton step per leaf: Σr / Σ(y−r)(1−y+r), times (K−1)/K for the multinomial loss
      const num = new Float64Array(tree.feature.length);
      const den = new Float64Array(tree.feature.length);
      for (let i = 0; i < n; i++) {
        const l = tree.leafOfRow[i];
        num[l] += residual[i];
        den[l] += (target[i] - residual[i]) * (1 - target[i] + residual[i]);
      }
      const values = new Float64Array(tree.feature.length);
      for (let l = 0; l < values.length; l++) {
        if (tree.feature[l] >= 0) continue;
        const nm = K === 2 ? num[l] : (num[l] * (K - 1)) / K;
        values[l] = Math.abs(den[l]) < 1e-150 ? 0 : nm / den[l];
      }
      for (let i = 0; i < n; i++) raw[i * T + t] += o.learningRate * values[tree.leafOfRow[i]];
      if (tree.feature.length > 1) {
        relevant++;
        for (let f = 0; f < p; f++) importanceSum[f] += tree.importance[f];
      }
      stageTrees.push(tree);
      stageValues.push(values);
    }
    trees.push(stageTrees);
    leafValues.push(stageValues);
  }
  let total = 0;
  for (let f = 0; f < p; f++) total += importanceSum[f];
  const importances = new Float64Array(p);
  if (relevant > 0 && total > 0) for (let f = 0; f < p; f++) importances[f] = importanceSum[f] / total;

  return {
    classes,
    importances,
    predict(xt: ArrayLike<number>, m: number): Int32Array {
      const score = new Float64Array(m * T);
      for (let i = 0; i < m; i++) score.set(init, i * T);
      trees.forEach((stage, s) =>
        stage.forEach((tree, t) => {
          const leaves = applyTree(tree, xt, m, p);
          for (let i = 0; i < m; i++) score[i * T + t] += o.learningRate * leafValues[s][t][leaves[i]];
        }),
      );
      const out = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        if (K === 2) out[i] = classes[score[i] > 0 ? 1 : 0];
        else {
          let arg = 0;
          for (let k = 1; k < K; k++) if (score[i * K + k] > score[i * K + arg]) arg = k;
          out[i] = classes[arg];
        }
      }
      return out;
    },
  };
}
