/**
 * Exact (non-histogram) CART regression trees as scikit-learn's `DecisionTreeRegressor` builds
 * them, for the DCI importance models: best split over every threshold between distinct sorted
 * values (midpoints, neighbours closer than 1e-7 skipped), `friedman_mse` or `squared_error`
 * proxy gains, optional sample weights (bootstrap counts; zero-weight rows are left out as
 * sklearn does), mean-decrease-in-impurity importances. Trees are grown level by level from one
 * global sort per feature: each level walks every feature's sorted rows once and keeps running
 * sums for all open nodes at the same time, O(depth · features · rows) per tree. Split search
 * does not depend on the growth order, so the trees equal sklearn's depth-first ones up to ties.
 */
import type { Rng } from "../random.js";

export type SplitCriterion = "friedman_mse" | "squared_error";

export interface TreeOptions {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  criterion: SplitCriterion;
}

/** Training rows as columns (x[f·n + i]) plus each feature's row order by value. */
export interface SortedData {
  n: number;
  p: number;
  x: Float64Array;
  order: Int32Array[];
}

export interface RegressionTree {
  /** −1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Weighted mean target per node (the leaf prediction unless replaced). */
  value: Float64Array;
  /** Leaf of every training row (−1 for rows with zero weight). */
  leafOfRow: Int32Array;
  /** Unnormalised MDI: Σ over splits on f of w·imp − wL·impL − wR·impR, divided by the root weight. */
  importance: Float64Array;
}

/** Columns of x (n×p, row-major, any rows subset) and their sorted orders. */
export function sortData(x: ArrayLike<number>, n: number, p: number): SortedData {
  const cols = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let f = 0; f < p; f++) cols[f * n + i] = x[i * p + f];
  const order: Int32Array[] = [];
  for (let f = 0; f < p; f++) {
    const col = cols.subarray(f * n, (f + 1) * n);
    order.push(Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => col[a] - col[b] || a - b));
  }
  return { n, p, x: cols, order };
}

const FEATURE_THRESHOLD = 1e-7; // sklearn: values closer than this are not split apart
const EPSILON = 2.220446049250313e-16; // sklearn: a node this pure is a leaf

/**
 * Grow one tree on target y with optional sample weights. `rng` orders the features per level
 * (sklearn draws them in random order, which only matters for ties).
 */
export function growTree(data: SortedData, y: ArrayLike<number>, weight: Float64Array | null, o: TreeOptions, rng: Rng): RegressionTree {
  const { n, p, x } = data;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const wN: number[] = []; // weighted size
  const impurity: number[] = [];
  const importance = new Float64Array(p);
  const nodeOf = new Int32Array(n).fill(-1);

  // root statistics
  let w0 = 0;
  let s0 = 0;
  let q0 = 0;
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    if (w === 0) continue;
    nodeOf[i] = 0;
    w0 += w;
    s0 += w * y[i];
    q0 += w * y[i] * y[i];
    c0++;
  }
  const addNode = (w: number, s: number, q: number) => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(s / w);
    wN.push(w);
    impurity.push(Math.max(q / w - (s / w) ** 2, 0));
    return feature.length - 1;
  };
  addNode(w0, s0, q0);
  let open = [{ node: 0, count: c0, sum: s0, sq: q0, w: w0 }];
  const featOrder = Int32Array.from({ length: p }, (_, f) => f);

  for (let depth = 0; open.length > 0; depth++) {
    const splittable = open.filter(
      (nd) => depth < o.maxDepth && nd.count >= o.minSamplesSplit && nd.count >= 2 * o.minSamplesLeaf && impurity[nd.node] > EPSILON,
    );
    if (splittable.length === 0) break;
    const m = splittable.length;
    // node id → position in `splittable` (−1: not split at this level)
    const nodeSlot = new Int32Array(feature.length).fill(-1);
    splittable.forEach((nd, k) => (nodeSlot[nd.node] = k));
    // running left-side sums per open node
    const cL = new Int32Array(m);
    const wL = new Float64Array(m);
    const sL = new Float64Array(m);
    const qL = new Float64Array(m);
    const prev = new Float64Array(m);
    const best = new Float64Array(m).fill(-Infinity);
    const bestF = new Int32Array(m).fill(-1);
    const bestT = new Float64Array(m);
    const bestStats = new Float64Array(m * 3); // wL, sL, qL at the best split
    const nCount = Int32Array.from(splittable, (nd) => nd.count);
    const nW = Float64Array.from(splittable, (nd) => nd.w);
    const nSum = Float64Array.from(splittable, (nd) => nd.sum);
    const friedman = o.criterion === "friedman_mse";
    const minLeaf = o.minSamplesLeaf;
    for (let a = p - 1; a > 0; a--) {
      const b = rng.int(a + 1);
      const t = featOrder[a];
      featOrder[a] = featOrder[b];
      featOrder[b] = t;
    }
    for (const f of featOrder) {
      cL.fill(0);
      wL.fill(0);
      sL.fill(0);
      qL.fill(0);
      const ord = data.order[f];
      const col = f * n;
      for (let r = 0; r < n; r++) {
        const i = ord[r];
        const node = nodeOf[i];
        if (node < 0) continue;
        const k = nodeSlot[node];
        if (k < 0) continue;
        const v = x[col + i];
        // a split between the previous row of this node and row i
        if (cL[k] >= minLeaf && nCount[k] - cL[k] >= minLeaf && v > prev[k] + FEATURE_THRESHOLD) {
          const wl = wL[k];
          const wr = nW[k] - wl;
          const sl = sL[k];
          const sr = nSum[k] - sl;
          let gain: number;
          if (friedman) {
            const diff = wr * sl - wl * sr;
            gain = (diff * diff) / (wl * wr);
          } else gain = (sl * sl) / wl + (sr * sr) / wr;
          if (gain > best[k]) {
            best[k] = gain;
            bestF[k] = f;
            let t = prev[k] / 2 + v / 2;
            if (t === v || !Number.isFinite(t)) t = prev[k];
            bestT[k] = t;
            bestStats[3 * k] = wl;
            bestStats[3 * k + 1] = sl;
            bestStats[3 * k + 2] = qL[k];
          }
        }
        const w = weight === null ? 1 : weight[i];
        const yi = y[i];
        cL[k]++;
        wL[k] += w;
        sL[k] += w * yi;
        qL[k] += w * yi * yi;
        prev[k] = v;
      }
    }
    const next: typeof open = [];
    const childOf = new Int32Array(m * 2).fill(-1);
    for (let k = 0; k < m; k++) {
      const nd = splittable[k];
      if (bestF[k] < 0) continue;
      const wl = bestStats[3 * k];
      const sl = bestStats[3 * k + 1];
      const ql = bestStats[3 * k + 2];
      const l = addNode(wl, sl, ql);
      const r = addNode(nd.w - wl, nd.sum - sl, nd.sq - ql);
      feature[nd.node] = bestF[k];
      threshold[nd.node] = bestT[k];
      left[nd.node] = l;
      right[nd.node] = r;
      importance[bestF[k]] += nd.w * impurity[nd.node] - wN[l] * impurity[l] - wN[r] * impurity[r];
      childOf[2 * k] = l;
      childOf[2 * k + 1] = r;
      next.push({ node: l, count: 0, sum: sl, sq: ql, w: wl }, { node: r, count: 0, sum: nd.sum - sl, sq: nd.sq - ql, w: nd.w - wl });
    }
    // route rows to the children and count them
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const node = nodeOf[i];
      if (node < 0 || node >= nodeSlot.length) continue;
      const k = nodeSlot[node];
      if (k < 0 || childOf[2 * k] < 0) continue;
      const child = x[feature[node] * n + i] <= threshold[node] ? childOf[2 * k] : childOf[2 * k + 1];
      nodeOf[i] = child;
      counts.set(child, (counts.get(child) ?? 0) + 1);
    }
    for (const nd of next) nd.count = counts.get(nd.node) ?? 0;
    open = next;
  }
  for (let f = 0; f < p; f++) importance[f] /= w0;
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    leafOfRow: nodeOf,
    importance,
  };
}

/** Leaf index of each row of x (m×p, row-major). */
export function applyTree(tree: RegressionTree, x: ArrayLike<number>, m: number, p: number): Int32Array {
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let k = 0;
    while (tree.feature[k] >= 0) k = x[i * p + tree.feature[k]] <= tree.threshold[k] ? tree.left[k] : tree.right[k];
    out[i] = k;
  }
  return out;
}
