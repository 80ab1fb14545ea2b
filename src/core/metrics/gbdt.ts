/**
 * A compact histogram gradient-boosted regression-tree learner with LightGBM's defaults (the
 * LPS-gbdt regressor, paper §4.1): features pre-binned to ≤255 quantile bins (uint8), squared
 * loss boosted from the mean, leaf-wise (best-first) growth to 31 leaves, ≥20 samples per leaf,
 * gradient histograms built only for the smaller child (the sibling is parent − smaller), no
 * early stopping. Hand-written because no maintained npm package trains LightGBM-style trees.
 * Binning follows scikit-learn's HistGradientBoosting `_BinMapper` (midpoints of distinct values
 * when few, else midpoint percentiles); the split gain is LightGBM's GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)
 * with hessian 1 per sample. Everything runs on typed arrays with no per-sample allocation.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";

export interface GbdtOptions {
  /** Boosting rounds (LightGBM num_iterations). */
  numTrees: number;
  learningRate: number;
  /** Leaves per tree, grown best-first (num_leaves). */
  numLeaves: number;
  /** min_data_in_leaf. */
  minDataInLeaf: number;
  /** min_sum_hessian_in_leaf; the hessian is 1 per sample for squared loss. */
  minSumHessian: number;
  /** lambda_l2. */
  lambdaL2: number;
  /** Bins per feature, at most 255 so bins fit in a byte. */
  maxBins: number;
}

/** LightGBM's defaults (REFERENCE §4.1). */
export const GBDT_DEFAULTS: GbdtOptions = {
  numTrees: 100,
  learningRate: 0.1,
  numLeaves: 31,
  minDataInLeaf: 20,
  minSumHessian: 1e-3,
  lambdaL2: 0,
  maxBins: 255,
};

/** Rows of a matrix mapped to bins, column-major (bins[j·rows + i]) so one feature's bins are contiguous. */
export interface BinnedRows {
  readonly rows: number;
  readonly cols: number;
  readonly bins: Uint8Array;
}

/**
 * Upper bin edges per column, fitted on the rows `fitRows` of x: a value v falls in bin
 * b = #{edges < v}. Like scikit-learn's `_BinMapper`: with ≤ maxBins distinct values the edges are
 * midpoints between neighbours; otherwise midpoint-method percentiles at 100·k/maxBins, deduplicated.
 */
export function fitBinEdges(x: Matrix, fitRows: ArrayLike<number>, maxBins: number = GBDT_DEFAULTS.maxBins): Float64Array[] {
  if (maxBins < 2 || maxBins > 255) throw new SculptError(`maxBins ${maxBins} is out of range`, "use 2..255 bins");
  const n = fitRows.length;
  const col = new Float64Array(n);
  const edges: Float64Array[] = [];
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0; i < n; i++) col[i] = x.data[fitRows[i] * x.cols + j];
    col.sort();
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || col[i] !== col[i - 1]) distinct++;
    const out: number[] = [];
    if (distinct <= maxBins) {
      let prev = col[0];
      for (let i = 1; i < n; i++) {
        if (col[i] !== prev) {
          out.push((prev + col[i]) / 2);
          prev = col[i];
        }
      }
    } else {
      for (let k = 1; k < maxBins; k++) {
        const pos = ((n - 1) * k) / maxBins;
        const e = (col[Math.floor(pos)] + col[Math.ceil(pos)]) / 2;
        if (out.length === 0 || e > out[out.length - 1]) out.push(e);
      }
    }
    edges.push(Float64Array.from(out));
  }
  return edges;
}

/** Map rows of x to bins with `edges` (one binary search per value). */
export function applyBins(x: Matrix, rows: ArrayLike<number>, edges: Float64Array[]): BinnedRows {
  const d = x.cols;
  const n = rows.length;
  if (edges.length !== d) throw new SculptError(`bin edges for ${edges.length} columns, matrix has ${d}`);
  const bins = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const e = edges[j];
    for (let i = 0; i < n; i++) {
      const v = x.data[rows[i] * d + j];
      let lo = 0;
      let hi = e.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (v <= e[mid]) hi = mid;
        else lo = mid + 1;
      }
      bins[j * n + i] = lo;
    }
  }
  return { rows: rows.length, cols: d, bins };
}

/** One regression tree on bins. Internal nodes ≥ 0; a child < 0 is leaf ~child. */
interface Tree {
  feature: Int32Array;
  threshold: Int32Array; // go left when bin ≤ threshold
  left: Int32Array;
  right: Int32Array;
  leafValue: Float64Array;
}

export interface GbdtModel {
  readonly init: number;
  readonly trees: Tree[];
  /** Predict binned rows (binned with the same edges as the training rows). */
  predict(x: BinnedRows): Float64Array;
}

/** Histogram stride per feature: 256 bins × (sum of gradients, count). */
const FH = 512;

/**
 * Gradient histogram of the rows idx[start..end) into hist[slot·d·FH ...]. Feature by feature, so
 * the 4 KB histogram being filled stays in L1 cache while its column of bins is walked. The root
 * holds every row in every tree, so its counts come from `rootCounts` instead of being recounted.
 */
function buildHistogram(
  hist: Float64Array,
  slot: number,
  bins: Uint8Array,
  n: number,
  d: number,
  exclude: number,
  idx: Int32Array,
  start: number,
  end: number,
  ordered: Float64Array,
  rootCounts: Float64Array,
): void {
  const base = slot * d * FH;
  if (start === 0 && end === n) {
    hist.set(rootCounts, base); // counts at odd positions, zero gradients at even ones
    for (let f = 0; f < d; f++) {
      if (f === exclude) continue;
      const col = f * n;
      const h = base + f * FH;
      let k = 0;
      for (; k + 4 <= n; k += 4) {
        hist[h + (bins[col + k] << 1)] += ordered[n + k];
        hist[h + (bins[col + k + 1] << 1)] += ordered[n + k + 1];
        hist[h + (bins[col + k + 2] << 1)] += ordered[n + k + 2];
        hist[h + (bins[col + k + 3] << 1)] += ordered[n + k + 3];
      }
      for (; k < n; k++) hist[h + (bins[col + k] << 1)] += ordered[n + k];
    }
    return;
  }
  hist.fill(0, base, base + d * FH);
  // gradients in leaf order, read once per feature
  for (let k = start; k < end; k++) ordered[k] = ordered[n + idx[k]];
  for (let f = 0; f < d; f++) {
    if (f === exclude) continue;
    const col = f * n;
    const h = base + f * FH;
    let k = start;
    for (; k + 2 <= end; k += 2) {
      const p = h + (bins[col + idx[k]] << 1);
      const p2 = h + (bins[col + idx[k + 1]] << 1);
      hist[p] += ordered[k];
      hist[p + 1] += 1;
      hist[p2] += ordered[k + 1];
      hist[p2 + 1] += 1;
    }
    for (; k < end; k++) {
      const p = h + (bins[col + idx[k]] << 1);
      hist[p] += ordered[k];
      hist[p + 1] += 1;
    }
  }
}

/**
 * Best split of a leaf from its histogram; writes [gain, feature, bin] into `out` (gain −1: none).
 * Gain GL²/(nL+λ) + GR²/(nR+λ) − G²/(n+λ) (LightGBM's, hessian 1 per sample), both sides ≥ minData.
 * With `sub` ≥ 0 the leaf's histogram is first turned into (its slot) − (slot `sub`) in the same
 * pass: the sibling-subtraction trick fused with the scan, so the larger child costs one read.
 */
function bestSplit(
  hist: Float64Array,
  slot: number,
  sub: number,
  d: number,
  exclude: number,
  count: number,
  sumG: number,
  minData: number,
  minHess: number,
  lam: number,
  inv: Float64Array,
  out: Float64Array,
): void {
  out[0] = -1;
  out[1] = -1;
  out[2] = -1;
  // a leaf that cannot be split never needs its histogram again: skip the subtraction too
  if (count < 2 * minData) return;
  const parent = (sumG * sumG) / (count + lam);
  let bestGain = -1;
  let bestFeat = -1;
  let bestBin = -1;
  const minLeft = Math.max(minData, minHess);
  const off = (sub - slot) * d * FH;
  for (let f = 0; f < d; f++) {
    if (f === exclude) continue;
    const h = slot * d * FH + f * FH;
    let gl = 0;
    let nl = 0;
    let q = h;
    const end = h + FH - 2; // 255 bins
    // empty bins repeat the previous candidate, which never wins a strict comparison: no branch needed
    for (; q < end; q += 2) {
      if (sub >= 0) {
        // an emptied bin gets an exact 0 gradient, not a rounding residue that could win a tie
        const c = hist[q + 1] - hist[q + 1 + off];
        hist[q + 1] = c;
        hist[q] = c === 0 ? 0 : hist[q] - hist[q + off];
      }
      gl += hist[q];
      nl += hist[q + 1];
      const nr = count - nl;
      if (nr < minLeft) {
        q += 2;
        break;
      }
      if (nl < minLeft) continue;
      const gr = sumG - gl;
      const gain = gl * gl * inv[nl] + gr * gr * inv[nr]; // inv[c] = 1/(c+λ): no division in the scan
      if (gain > bestGain) {
        bestGain = gain;
        bestFeat = f;
        bestBin = (q - h) >> 1;
      }
    }
    if (sub >= 0) {
      for (; q < end; q += 2) {
        const c = hist[q + 1] - hist[q + 1 + off];
        hist[q + 1] = c;
        hist[q] = c === 0 ? 0 : hist[q] - hist[q + off];
      }
    }
  }
  const gain = bestGain - parent;
  // LightGBM splits only on a strictly positive gain (min_gain_to_split = 0); tinier gains are rounding.
  if (bestFeat < 0 || !(gain > 1e-12 * Math.max(1, parent))) return;
  out[0] = gain;
  out[1] = bestFeat;
  out[2] = bestBin;
}

/**
 * Fit on binned rows x (all columns are features except `exclude`, if ≥ 0) to targets y.
 * Deterministic: there is no sampling in LightGBM's defaults.
 */
export function fitGbdt(x: BinnedRows, y: ArrayLike<number>, options: Partial<GbdtOptions> = {}, exclude = -1): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  const n = x.rows;
  const d = x.cols;
  if (y.length !== n) throw new SculptError(`gbdt: ${y.length} targets for ${n} rows`);
  if (n < 1) throw new SculptError("gbdt needs at least one training row");
  if (!(o.numLeaves >= 2) || !(o.minDataInLeaf >= 1) || !(o.numTrees >= 0) || !(o.learningRate > 0)) {
    throw new SculptError("gbdt options out of range", "numLeaves ≥ 2, minDataInLeaf ≥ 1, numTrees ≥ 0, learningRate > 0");
  }
  const bins = x.bins;
  const L = o.numLeaves;
  const HS = d * FH;

  let init = 0;
  for (let i = 0; i < n; i++) init += y[i];
  init /= n; // boost_from_average: the L2-optimal constant

  const pred = new Float64Array(n).fill(init);
  // [0, n): gradients in leaf order; [n, 2n): gradients by row
  const ordered = new Float64Array(2 * n);
  const idx = new Int32Array(n);
  const scratch = new Int32Array(n);
  const hist = new Float64Array(HS * L); // L slots, reused by every tree
  const freeSlots = new Int32Array(L);
  const lStart = new Int32Array(L);
  const lEnd = new Int32Array(L);
  const lSum = new Float64Array(L);
  const lSlot = new Int32Array(L);
  const lGain = new Float64Array(L);
  const lFeat = new Int32Array(L);
  const lBin = new Int32Array(L);
  const lLink = new Int32Array(L); // 2·parent node + (right ? 1 : 0); −1 for the root
  const split = new Float64Array(3);
  const rootCounts = new Float64Array(HS);
  for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) rootCounts[f * FH + (bins[f * n + i] << 1) + 1] += 1;
  const inv = new Float64Array(n + 1);
  for (let c = 0; c <= n; c++) inv[c] = 1 / (c + o.lambdaL2);
  const evaluate = (l: number, sub: number) => {
    bestSplit(hist, lSlot[l], sub, d, exclude, lEnd[l] - lStart[l], lSum[l], o.minDataInLeaf, o.minSumHessian, o.lambdaL2, inv, split);
    lGain[l] = split[0];
    lFeat[l] = split[1];
    lBin[l] = split[2];
  };

  const trees: Tree[] = [];
  for (let t = 0; t < o.numTrees; t++) {
    let sumAll = 0;
    for (let i = 0; i < n; i++) {
      const g = pred[i] - y[i]; // ∂/∂pred of ½(pred − y)²; the hessian is 1
      ordered[n + i] = g;
      sumAll += g;
      idx[i] = i;
    }
    const tree: Tree = {
      feature: new Int32Array(L - 1),
      threshold: new Int32Array(L - 1),
      left: new Int32Array(L - 1),
      right: new Int32Array(L - 1),
      leafValue: new Float64Array(L),
    };
    let nodes = 0;
    let leaves = 1;
    for (let s = 0; s < L; s++) freeSlots[s] = L - 1 - s;
    let nFree = L;
    lStart[0] = 0;
    lEnd[0] = n;
    lSum[0] = sumAll;
    lLink[0] = -1;
    lSlot[0] = freeSlots[--nFree];
    buildHistogram(hist, lSlot[0], bins, n, d, exclude, idx, 0, n, ordered, rootCounts);
    evaluate(0, -1);

    while (leaves < L) {
      let best = -1;
      for (let l = 0; l < leaves; l++) if (lGain[l] > 0 && (best < 0 || lGain[l] > lGain[best])) best = l;
      if (best < 0) break;
      const f = lFeat[best];
      const thr = lBin[best];
      const start = lStart[best];
      const end = lEnd[best];
      // stable partition of the leaf's rows: bin ≤ thr to the left
      const col = f * n;
      let nl = 0;
      let nr = 0;
      let gl = 0;
      for (let k = start; k < end; k++) {
        const r = idx[k];
        if (bins[col + r] <= thr) {
          idx[start + nl++] = r;
          gl += ordered[n + r];
        } else scratch[nr++] = r;
      }
      idx.set(scratch.subarray(0, nr), start + nl);
      const mid = start + nl;
      // record the split as node `nodes`, hooked under its parent
      const node = nodes++;
      tree.feature[node] = f;
      tree.threshold[node] = thr;
      const link = lLink[best];
      if (link >= 0) {
        if (link & 1) tree.right[link >> 1] = node;
        else tree.left[link >> 1] = node;
      }
      const parentSlot = lSlot[best];
      const sumG = lSum[best];
      const newLeaf = leaves++;
      // the left child keeps index `best`, the right child is `newLeaf`
      lStart[best] = start;
      lEnd[best] = mid;
      lSum[best] = gl;
      lLink[best] = 2 * node;
      lStart[newLeaf] = mid;
      lEnd[newLeaf] = end;
      lSum[newLeaf] = sumG - gl;
      lLink[newLeaf] = 2 * node + 1;
      if (Math.max(nl, nr) < 2 * o.minDataInLeaf) {
        // neither child can be split again: no histograms needed
        lGain[best] = -1;
        lGain[newLeaf] = -1;
        continue;
      }
      // histogram of the smaller child by scanning; the larger is parent − smaller, in place
      const smallSlot = freeSlots[--nFree];
      const leftSmaller = nl <= nr;
      if (leftSmaller) buildHistogram(hist, smallSlot, bins, n, d, exclude, idx, start, mid, ordered, rootCounts);
      else buildHistogram(hist, smallSlot, bins, n, d, exclude, idx, mid, end, ordered, rootCounts);
      lSlot[best] = leftSmaller ? smallSlot : parentSlot;
      lSlot[newLeaf] = leftSmaller ? parentSlot : smallSlot;
      // the larger child's histogram is parent − smaller, formed while it is scanned
      evaluate(best, leftSmaller ? -1 : smallSlot);
      evaluate(newLeaf, leftSmaller ? smallSlot : -1);
    }
    // leaf values: the Newton step −G/(H+λ), shrunk by the learning rate; update training predictions
    for (let l = 0; l < leaves; l++) {
      const v = (-o.learningRate * lSum[l]) / (lEnd[l] - lStart[l] + o.lambdaL2);
      tree.leafValue[l] = v;
      const link = lLink[l];
      if (link >= 0) {
        if (link & 1) tree.right[link >> 1] = ~l;
        else tree.left[link >> 1] = ~l;
      }
      for (let k = lStart[l]; k < lEnd[l]; k++) pred[idx[k]] += v;
    }
    trees.push({
      feature: tree.feature.slice(0, nodes),
      threshold: tree.threshold.slice(0, nodes),
      left: tree.left.slice(0, nodes),
      right: tree.right.slice(0, nodes),
      leafValue: tree.leafValue.slice(0, leaves),
    });
  }
  return { init, trees, predict: (xt) => predictGbdt(init, trees, d, xt) };
}

function predictGbdt(init: number, trees: Tree[], d: number, xt: BinnedRows): Float64Array {
  if (xt.cols !== d) throw new SculptError(`gbdt: predicting ${xt.cols} columns with a model fitted on ${d}`);
  const m = xt.rows;
  const out = new Float64Array(m).fill(init);
  const bt = xt.bins;
  for (const tree of trees) {
    if (tree.feature.length === 0) {
      for (let i = 0; i < m; i++) out[i] += tree.leafValue[0];
      continue;
    }
    for (let i = 0; i < m; i++) {
      let k = 0;
      while (k >= 0) k = bt[tree.feature[k] * m + i] <= tree.threshold[k] ? tree.left[k] : tree.right[k];
      out[i] += tree.leafValue[~k];
    }
  }
  return out;
}
