/**
 * A random-forest regressor as scikit-learn's `RandomForestRegressor()` defaults (the importance
 * model of the original DCI, Eastwood & Williams 2018, used by the paper): 100 fully grown
 * `squared_error` trees on bootstrap samples (row weights = draw counts), all features at every
 * split, predictions averaged, MDI importances normalised per tree and averaged. Changes from
 * sklearn: our seeded Rng draws the bootstrap rows, so forests differ from sklearn's draw by draw.
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { applyTree, growTree, sortData, type RegressionTree } from "./tree.js";

export interface ForestOptions {
  trees: number;
  /** Depth limit (default none). */
  maxDepth: number;
  minSamplesLeaf: number;
  seed: number;
}

export const FOREST_DEFAULTS: ForestOptions = { trees: 100, maxDepth: Infinity, minSamplesLeaf: 1, seed: 0 };

export interface ForestModel {
  /** MDI importances, summing to 1 (all 0 if no tree split). */
  importances: Float64Array;
  predict(x: ArrayLike<number>, m: number): Float64Array;
}

export function fitForest(x: ArrayLike<number>, p: number, y: ArrayLike<number>, options: Partial<ForestOptions> = {}): ForestModel {
  const o = { ...FOREST_DEFAULTS, ...options };
  const n = y.length;
  if (x.length !== n * p) throw new SculptError(`random forest: ${x.length} inputs for ${n} rows × ${p} columns`);
  if (!(o.trees >= 1)) throw new SculptError(`random forest needs at least one tree, got ${o.trees}`);
  const data = sortData(x, n, p);
  const rng = new Rng(o.seed);
  const weight = new Float64Array(n);
  const trees: RegressionTree[] = [];
  const importances = new Float64Array(p);
  for (let t = 0; t < o.trees; t++) {
    weight.fill(0);
    for (let i = 0; i < n; i++) weight[rng.int(n)]++;
    const tree = growTree(
      data,
      y,
      weight,
      { maxDepth: o.maxDepth, minSamplesSplit: 2, minSamplesLeaf: o.minSamplesLeaf, criterion: "squared_error" },
      rng,
    );
    let s = 0;
    for (let f = 0; f < p; f++) s += tree.importance[f];
    if (s > 0) for (let f = 0; f < p; f++) importances[f] += tree.importance[f] / s / o.trees;
    trees.push(tree);
  }
  let total = 0;
  for (let f = 0; f < p; f++) total += importances[f];
  if (total > 0) for (let f = 0; f < p; f++) importances[f] /= total;
  return {
    importances,
    predict(xt: ArrayLike<number>, m: number): Float64Array {
      const out = new Float64Array(m);
      for (const tree of trees) {
        const leaves = applyTree(tree, xt, m, p);
        for (let i = 0; i < m; i++) out[i] += tree.value[leaves[i]] / trees.length;
      }
      return out;
    },
  };
}
