/**
 * A linear support-vector classifier as scikit-learn's `LinearSVC` (liblinear): L2-regularised
 * squared-hinge loss solved in the dual by coordinate descent with shrinking (liblinear
 * `solve_l2r_l1l2_svc`, Hsieh et al. 2008), bias as an extra unit feature (intercept_scaling 1,
 * regularised like liblinear), one-vs-rest for more than two classes, `class_weight="balanced"`
 * scaling the positive class's C (liblinear trains class k against the rest with C·w_k and C).
 * Used by discrete SAP (C = 0.01, REFERENCE §3.2). Ported from liblinear `linear.cpp`; changes:
 * dense features, our seeded Rng for the coordinate order.
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";

export interface LinearSvcOptions {
  C: number;
  balanced: boolean;
  tol: number;
  maxIter: number;
  seed: number;
}

export const LINEAR_SVC_DEFAULTS: LinearSvcOptions = { C: 1, balanced: false, tol: 1e-4, maxIter: 1000, seed: 0 };

export interface LinearSvcModel {
  /** One weight vector (p features + bias) per binary problem: K of them, or 1 for two classes. */
  weights: Float64Array[];
  classes: number[];
  predict(x: Float64Array): Int32Array;
}

/** Dual coordinate descent for one binary problem; y ∈ {+1, −1}; x has p+1 columns (bias last). */
function solveBinary(x: Float64Array, q: number, y: Int8Array, cp: number, cn: number, o: LinearSvcOptions, rng: Rng): Float64Array {
  const l = y.length;
  const w = new Float64Array(q);
  const alpha = new Float64Array(l);
  const qd = new Float64Array(l);
  const index = new Int32Array(l);
  const diagP = 0.5 / cp;
  const diagN = 0.5 / cn;
  for (let i = 0; i < l; i++) {
    let s = y[i] > 0 ? diagP : diagN;
    for (let j = 0; j < q; j++) s += x[i * q + j] ** 2;
    qd[i] = s;
    index[i] = i;
  }
  let active = l;
  let pgMaxOld = Infinity;
  for (let iter = 0; iter < o.maxIter; iter++) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let i = 0; i < active; i++) {
      const j = i + rng.int(active - i);
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = index[s];
      const yi = y[i];
      let g = 0;
      for (let j = 0; j < q; j++) g += w[j] * x[i * q + j];
      g = yi * g - 1 + alpha[i] * (yi > 0 ? diagP : diagN);
      let pg = 0;
      if (alpha[i] === 0) {
        if (g > pgMaxOld) {
          // shrink: this variable is expected to stay at its bound
          active--;
          index[s] = index[active];
          index[active] = i;
          s--;
          continue;
        } else if (g < 0) pg = g;
      } else pg = g; // the upper bound is +∞ for the squared hinge
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.max(old - g / qd[i], 0);
        const d = (alpha[i] - old) * yi;
        for (let j = 0; j < q; j++) w[j] += d * x[i * q + j];
      }
    }
    if (pgMax - pgMin <= o.tol) {
      if (active === l) break;
      active = l;
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return w;
}

/** Fit on x (n×p row-major) and integer labels. */
export function fitLinearSvc(x: Float64Array, p: number, labels: Int32Array, options: Partial<LinearSvcOptions> = {}): LinearSvcModel {
  const o = { ...LINEAR_SVC_DEFAULTS, ...options };
  const n = labels.length;
  if (x.length !== n * p) throw new SculptError(`linear SVC: ${x.length} inputs for ${n} rows × ${p} columns`);
  if (!(o.C > 0)) throw new SculptError(`linear SVC: C must be positive, got ${o.C}`);
  const classes = Array.from(new Set(labels)).sort((a, b) => a - b);
  if (classes.length < 2) throw new SculptError("linear SVC needs at least two classes in the training labels");
  const K = classes.length;
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) counts[classIndex.get(labels[i])!]++;
  // sklearn compute_class_weight("balanced"): n / (K · n_k)
  const weight = Array.from(counts, (c) => (o.balanced ? n / (K * c) : 1));
  const q = p + 1;
  const xa = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) xa[i * q + j] = x[i * p + j];
    xa[i * q + p] = 1;
  }
  const rng = new Rng(o.seed);
  const y = new Int8Array(n);
  const weights: Float64Array[] = [];
  if (K === 2) {
    for (let i = 0; i < n; i++) y[i] = labels[i] === classes[1] ? 1 : -1;
    weights.push(solveBinary(xa, q, y, o.C * weight[1], o.C * weight[0], o, rng));
  } else {
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) y[i] = labels[i] === classes[k] ? 1 : -1;
      weights.push(solveBinary(xa, q, y, o.C * weight[k], o.C, o, rng));
    }
  }
  return {
    weights,
    classes,
    predict(xt: Float64Array): Int32Array {
      const m = xt.length / p;
      const out = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        let best = -Infinity;
        let arg = 0;
        weights.forEach((w, k) => {
          let s = w[p];
          for (let j = 0; j < p; j++) s += w[j] * xt[i * p + j];
          if (s > best) {
            best = s;
            arg = k;
          }
        });
        out[i] = K === 2 ? classes[best > 0 ? 1 : 0] : classes[arg];
      }
      return out;
    },
  };
}
