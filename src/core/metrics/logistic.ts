/**
 * L2-regularised logistic regression as scikit-learn's `LogisticRegression()` defaults (≥ 0.22:
 * solver lbfgs, C = 1, intercept fitted and not penalised): multinomial (softmax) for more than
 * two classes, one weight vector (sigmoid) for two. It minimises C·Σ log-loss + ½‖W‖², which is
 * strictly convex, so any solver run to convergence lands on the same coefficients. Used by
 * explicitness (Ridgeway & Mozer 2018) and the BetaVAE score (Higgins et al. 2017), which both
 * call `LogisticRegression()` in disentanglement_lib. Hand-written L-BFGS: the npm
 * `ml-logistic-regression` runs fixed-step gradient descent one-vs-rest without this penalty, so
 * it does not reach scikit-learn's optimum. Changes from scikit-learn: iterations continue past its
 * default 100 until the gradient vanishes (the reference fixtures assert sklearn converged too).
 */
import { SculptError } from "../registry.js";

export interface LogisticOptions {
  /** Inverse regularisation strength (sklearn's C). */
  C: number;
  maxIter: number;
  /** Stop when the largest gradient entry of the per-row objective falls below this. */
  tol: number;
}

export const LOGISTIC_DEFAULTS: LogisticOptions = { C: 1, maxIter: 2000, tol: 1e-6 };

export interface LogisticModel {
  /** The distinct training labels, sorted: column c of `predictProba` is classes[c]. */
  classes: number[];
  /** Rows of (p weights, intercept): one per class, or one (for classes[1]) with two classes. */
  weights: Float64Array[];
  iterations: number;
  /** n×K class probabilities, row-major. */
  predictProba(x: ArrayLike<number>, n: number): Float64Array;
  predict(x: ArrayLike<number>, n: number): Int32Array;
}

/**
 * Fit on x (n×p, row-major) and integer labels y.
 * @example
 * const m = fitLogistic(x, 2, labels); m.predict(xTest, nTest);
 */
export function fitLogistic(
  xIn: ArrayLike<number>,
  p: number,
  y: ArrayLike<number>,
  options: Partial<LogisticOptions> = {},
): LogisticModel {
  const o = { ...LOGISTIC_DEFAULTS, ...options };
  const n = y.length;
  if (xIn.length !== n * p) throw new SculptError(`logistic regression: ${xIn.length} inputs for ${n} rows × ${p} columns`);
  // one concrete array type keeps the hot loops monomorphic
  const x = xIn instanceof Float64Array ? xIn : Float64Array.from(xIn);
  if (!(o.C > 0)) throw new SculptError(`logistic regression needs C > 0, got ${o.C}`);
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  if (classes.length < 2) {
    throw new SculptError(`logistic regression needs at least two classes in the training labels, got ${classes.length}`);
  }
  const K = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const label = Int32Array.from(y, (v) => index.get(v)!);
  const rows = K === 2 ? 1 : K;
  const q = p + 1;
  const dim = rows * q;
  // Objective per row (Σ log-loss + ½‖W‖²/C) / n: the same minimiser, gradients of order one.
  const lambda = 1 / (o.C * n);
  const logits = new Float64Array(K);
  const expo = new Float64Array(K);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const xi = i * p;
      scores(w, x, xi, p, K, logits);
      let max = -Infinity;
      for (let c = 0; c < K; c++) if (logits[c] > max) max = logits[c];
      let s = 0;
      for (let c = 0; c < K; c++) s += expo[c] = Math.exp(logits[c] - max);
      f += max + Math.log(s) - logits[label[i]];
      for (let r = 0; r < rows; r++) {
        const c = K === 2 ? 1 : r;
        const g = (expo[c] / s - (label[i] === c ? 1 : 0)) / n;
        const at = r * q;
        for (let j = 0; j < p; j++) grad[at + j] += g * x[xi + j];
        grad[at + p] += g;
      }
    }
    f /= n;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < p; j++) {
        const v = w[r * q + j];
        f += 0.5 * lambda * v * v;
        grad[r * q + j] += lambda * v;
      }
    }
    return f;
  };
  const { w, iterations } = lbfgs(objective, new Float64Array(dim), o.maxIter, o.tol);
  const weights = Array.from({ length: rows }, (_, r) => w.slice(r * q, (r + 1) * q));
  const predictProba = (xs: ArrayLike<number>, m: number): Float64Array => {
    if (xs.length !== m * p) throw new SculptError(`logistic regression: ${xs.length} inputs for ${m} rows × ${p} columns`);
    const out = new Float64Array(m * K);
    const xf = xs instanceof Float64Array ? xs : Float64Array.from(xs);
    for (let i = 0; i < m; i++) {
      scores(w, xf, i * p, p, K, logits);
      let max = -Infinity;
      for (let c = 0; c < K; c++) if (logits[c] > max) max = logits[c];
      let s = 0;
      for (let c = 0; c < K; c++) s += out[i * K + c] = Math.exp(logits[c] - max);
      for (let c = 0; c < K; c++) out[i * K + c] /= s;
    }
    return out;
  };
  return {
    classes,
    weights,
    iterations,
    predictProba,
    predict: (xs, m) => {
      const prob = predictProba(xs, m);
      const out = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        let best = 0;
        for (let c = 1; c < K; c++) if (prob[i * K + c] > prob[i * K + best]) best = c;
        out[i] = classes[best];
      }
      return out;
    },
  };
}

/** Class scores of row x[at..at+p): W_c·x + b_c, with class 0 fixed at 0 in the two-class form. */
function scores(w: Float64Array, x: Float64Array, at: number, p: number, K: number, out: Float64Array): void {
  const q = p + 1;
  if (K === 2) {
    let s = w[p];
    for (let j = 0; j < p; j++) s += w[j] * x[at + j];
    out[0] = 0;
    out[1] = s;
    return;
  }
  for (let c = 0; c < K; c++) {
    let s = w[c * q + p];
    for (let j = 0; j < p; j++) s += w[c * q + j] * x[at + j];
    out[c] = s;
  }
}

/**
 * Limited-memory BFGS (Nocedal & Wright 2006, Algorithm 7.4, memory 10) with a backtracking
 * line search on the Armijo condition; curvature pairs with sᵀy ≤ 0 are skipped.
 */
function lbfgs(
  f: (w: Float64Array, g: Float64Array) => number,
  w0: Float64Array,
  maxIter: number,
  tol: number,
): { w: Float64Array; iterations: number } {
  const m = 10;
  const dim = w0.length;
  let w = w0;
  let g = new Float64Array(dim);
  let fx = f(w, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const dir = new Float64Array(dim);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) < tol) break;
    // two-loop recursion: dir = −H·g
    for (let i = 0; i < dim; i++) dir[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < dim; i++) dir[i] *= gamma;
    for (let k = 0; k < S.length; k++) axpy(alpha[k] - rho[k] * dot(Y[k], dir), S[k], dir);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < dim; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    let step = 1;
    const wNew = new Float64Array(dim);
    const gNew = new Float64Array(dim);
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < dim; i++) wNew[i] = w[i] + step * dir[i];
      fNew = f(wNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) break; // no decrease possible at float precision
    const s = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      s[i] = wNew[i] - w[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-20) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const converged = fx - fNew <= 1e-15 * Math.max(1, Math.abs(fx));
    w = wNew;
    g = gNew;
    fx = fNew;
    if (converged && maxAbs(g) < Math.sqrt(tol)) break;
  }
  return { w, iterations: iter };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}
