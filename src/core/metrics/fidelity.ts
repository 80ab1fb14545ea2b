/**
 * How closely the codes follow the prior (beyond the paper): per dimension, the two-sample
 * Kolmogorov–Smirnov statistic and 1-Wasserstein distance between the code marginal and the
 * prior's marginal (from prior samples), and an MMD two-sample permutation test of the codes
 * against prior samples with the paper's kernel (Σ_c exp(−‖a−b‖²/(2(cσ)²)), c ∈ {0.5, 1, 2}, σ the
 * pooled median distance) and the biased estimator, giving a p-value for "codes ~ prior".
 * Plain typed arrays: the pooled Gram matrix is computed once and each permutation re-sums it.
 */
import { median } from "../kernels/distances.js";
import type { Matrix } from "../matrix.js";
import type { Prior } from "../priors/types.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { checkLatents } from "./validate.js";
import type { MetricEntry } from "./types.js";

export interface FidelityOptions {
  seed?: number;
  /** Prior samples for the marginals (default max(rows, 2000)). */
  priorSamples?: number;
  /** Rows of codes (and as many prior samples) in the MMD test (default 500; O(rows²) memory). */
  testRows?: number;
  permutations?: number;
}

export interface FidelityResult {
  ks: number[];
  wasserstein: number[];
  ksMax: number;
  wassersteinMean: number;
  mmd2: number;
  pValue: number;
  bandwidth: number;
  permutations: number;
}

export function fidelity(z: Matrix, prior: Prior, options: FidelityOptions = {}): FidelityResult {
  checkLatents(z, "fidelity", { minRows: 2 });
  if (prior.dim !== z.cols) {
    throw new SculptError(
      `fidelity: the prior has ${prior.dim} dimensions, the codes ${z.cols}`,
      "pass the prior the model was trained with",
    );
  }
  const permutations = options.permutations ?? 200;
  if (!Number.isInteger(permutations) || permutations < 1) throw new SculptError(`fidelity: permutations must be ≥ 1, got ${permutations}`);
  const rng = new Rng(options.seed ?? 0);
  const m = options.priorSamples ?? Math.max(z.rows, 2000);
  const samples = prior.sample(m, rng.fork());
  const d = z.cols;
  const ks: number[] = [];
  const wasserstein: number[] = [];
  const a = new Float64Array(z.rows);
  const b = new Float64Array(m);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < z.rows; i++) a[i] = z.data[i * d + j];
    for (let i = 0; i < m; i++) b[i] = samples.data[i * d + j];
    a.sort();
    b.sort();
    const r = ksAndW1(a, b);
    ks.push(r.ks);
    wasserstein.push(r.w1);
  }
  const t = Math.min(options.testRows ?? 500, z.rows);
  const pick = rng.permutation(z.rows).subarray(0, t);
  const test = mmdPermutationTest(z, pick, prior.sample(t, rng.fork()), permutations, rng);
  return {
    ks,
    wasserstein,
    ksMax: Math.max(...ks),
    wassersteinMean: wasserstein.reduce((s, v) => s + v, 0) / d,
    ...test,
    permutations,
  };
}

/** sup |F_a − F_b| and ∫|F_a − F_b| dx for sorted samples a and b. */
export function ksAndW1(a: Float64Array, b: Float64Array): { ks: number; w1: number } {
  let i = 0;
  let j = 0;
  let ks = 0;
  let w1 = 0;
  let x = Math.min(a[0], b[0]);
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    w1 += Math.abs(i / a.length - j / b.length) * (next - x);
    x = next;
    while (i < a.length && a[i] === next) i++;
    while (j < b.length && b[j] === next) j++;
    ks = Math.max(ks, Math.abs(i / a.length - j / b.length));
  }
  return { ks, w1 };
}

function mmdPermutationTest(z: Matrix, rows: Int32Array, y: Matrix, permutations: number, rng: Rng) {
  const n = rows.length;
  const N = n + y.rows;
  const d = z.cols;
  const pts = new Float64Array(N * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) pts[i * d + j] = z.data[rows[i] * d + j];
  for (let i = 0; i < y.rows * d; i++) pts[n * d + i] = y.data[i];
  // squared distances, then the median pooled distance σ (pairs i<j)
  const K = new Float64Array(N * N);
  const pairs = new Float64Array((N * (N - 1)) / 2);
  let k = 0;
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (pts[i * d + c] - pts[j * d + c]) ** 2;
      K[i * N + j] = s;
      pairs[k++] = s;
    }
  }
  let sigma = median(pairs, true);
  if (!(sigma > 0)) sigma = 1; // all points coincide: any σ gives MMD 0
  const coef = [0.5, 1, 2].map((c) => -1 / (2 * (c * sigma) ** 2));
  const kern = (s: number) => Math.exp(coef[0] * s) + Math.exp(coef[1] * s) + Math.exp(coef[2] * s);
  for (let i = 0; i < N; i++) {
    K[i * N + i] = 3;
    for (let j = i + 1; j < N; j++) {
      const v = kern(K[i * N + j]);
      K[i * N + j] = v;
      K[j * N + i] = v;
    }
  }
  let total = 0;
  for (let i = 0; i < N * N; i++) total += K[i];
  const inX = new Uint8Array(N);
  const xs = new Int32Array(n);
  const stat = () => {
    // S_xx and S_xy from row sums over X; S_yy = total − S_xx − 2 S_xy
    for (let i = 0, c = 0; i < N; i++) if (inX[i]) xs[c++] = i;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < N; i++) {
      let r = 0;
      const row = i * N;
      for (let c = 0; c < n; c++) r += K[row + xs[c]];
      if (inX[i]) sxx += r;
      else sxy += r;
    }
    const m = N - n;
    return sxx / (n * n) + (total - sxx - 2 * sxy) / (m * m) - (2 * sxy) / (n * m);
  };
  for (let i = 0; i < n; i++) inX[i] = 1;
  const observed = stat();
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    const perm = rng.permutation(N);
    inX.fill(0);
    for (let i = 0; i < n; i++) inX[perm[i]] = 1;
    if (stat() >= observed - 1e-12 * Math.abs(observed)) atLeast++;
  }
  return { mmd2: observed, pValue: (1 + atLeast) / (1 + permutations), bandwidth: sigma };
}

export const fidelityMetric: MetricEntry = {
  description: "Marginal KS and 1-Wasserstein distances to the prior, and an MMD permutation test p-value",
  needs: { prior: true },
  keys: {
    "fidelity.ks.max": { label: "KS max", better: "lower" },
    "fidelity.w1.mean": { label: "W1 mean", better: "lower" },
    "fidelity.mmd2": { label: "MMD²", better: "lower" },
    // High when the codes cannot be told apart from prior samples.
    "fidelity.pValue": { label: "MMD p-value", better: "higher" },
  },
  headline: "fidelity.ks.max",
  command: {
    files: ["latents"],
    options: ["seed", "permutations"],
    run: ({ latents, prior }, o) => ({ ...fidelity(latents!, prior!, { seed: o.seed, permutations: o.permutations }) }),
  },
  compute: ({ latents, prior, seed }) => {
    const r = fidelity(latents, prior!, { seed });
    return {
      "fidelity.ks.max": r.ksMax,
      "fidelity.ks.perDim": r.ks,
      "fidelity.w1.mean": r.wassersteinMean,
      "fidelity.w1.perDim": r.wasserstein,
      "fidelity.mmd2": r.mmd2,
      "fidelity.pValue": r.pValue,
    };
  },
};
