/**
 * Squared Maximum Mean Discrepancy between a batch of codes and a batch of prior samples
 * (paper eq. 4–5). Biased V-statistic (the paper's, default) or unbiased U-statistic.
 * The three Gram blocks are computed separately (no concat of x and y: Concat is slow in wasm).
 * Where the backend cannot read synchronously (WebGPU in Node), the median heuristic is computed
 * on the device instead of read back, since the loss runs inside a gradient tape that cannot await.
 */
import * as tf from "../tf.js";
import { createKernel, type Kernel, type KernelConfig } from "../kernels/index.js";
import { medianPooledDistance, squaredDistances } from "../kernels/distances.js";
import { SculptError } from "../registry.js";
import { readsSync, withoutGradient } from "../tensors.js";

export type MmdEstimator = "biased" | "unbiased";

export interface MmdResult {
  /** Scalar tensor (differentiable w.r.t. x and y). */
  mmd2: tf.Scalar;
  /**
   * The σ used (median heuristic or fixed); a constant of the graph. NaN when the median was taken
   * on the device (see readsSync); `sigma` holds it then.
   */
  bandwidth: number;
  /** σ as a scalar tensor the caller owns; only when the median was taken on the device. */
  sigma?: tf.Scalar;
}

/**
 * MMD²(x, y) with `kernel`. x [n, d], y [m, d]. Returns a scalar tensor the caller owns.
 * @example
 * const { mmd2, bandwidth } = mmd(codes, priorSamples); // rbf-mixture, biased
 */
export function mmd(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  kernel: Kernel | KernelConfig | string = "rbf-mixture",
  estimator: MmdEstimator = "biased",
): MmdResult {
  const k = typeof kernel === "object" && "gram" in kernel ? (kernel as Kernel) : createKernel(kernel as KernelConfig | string);
  const [n, d] = x.shape;
  const [m, d2] = y.shape;
  if (d !== d2) throw new SculptError(`MMD inputs have different dimensions (${d} and ${d2})`);
  const minRows = estimator === "unbiased" ? 2 : 1;
  if (n < minRows || m < minRows) throw new SculptError(`MMD needs at least ${minRows} rows in each set (got ${n} and ${m})`);
  let bandwidth = 0;
  const out = tf.tidy(() => {
    const dxx = squaredDistances(x, x); // [n, n]
    const dyy = squaredDistances(y, y); // [m, m]
    const dxy = squaredDistances(x, y); // [n, m]
    let sigma: tf.Scalar | undefined;
    let grams: tf.Tensor2D[];
    if (k.bandwidth === "median" && !readsSync()) {
      // Every kernel is a scale family, k(d², σ) = k(d²/σ², 1) (checked in mmd.test.ts), so a σ
      // that stays on the device scales the distances instead.
      sigma = medianDistanceOnDevice(dxx, dyy, dxy);
      bandwidth = NaN;
      const s2 = tf.square(sigma);
      grams = [dxx, dyy, dxy].map((sq) => k.gram(tf.div(sq, s2) as tf.Tensor2D, 1));
    } else {
      if (k.bandwidth === "median") {
        bandwidth = medianPooledDistance(
          dxx.dataSync() as Float32Array,
          n,
          dyy.dataSync() as Float32Array,
          m,
          dxy.dataSync() as Float32Array,
        );
        if (!(bandwidth > 0)) bandwidth = 1; // all points coincide: any σ gives MMD 0
      } else bandwidth = k.bandwidth;
      grams = [dxx, dyy, dxy].map((sq) => k.gram(sq, bandwidth));
    }
    const [kxx, kyy, kxy] = grams;
    let mmd2: tf.Scalar;
    if (estimator === "biased") {
      mmd2 = tf.sub(tf.add(tf.mean(kxx), tf.mean(kyy)), tf.mul(2, tf.mean(kxy))) as tf.Scalar;
    } else {
      // Unbiased: drop the diagonals of K(x,x) and K(y,y). Their values are k(0) for every kernel here.
      const offDiagMean = (g: tf.Tensor2D, r: number) => tf.div(tf.sub(tf.sum(g), tf.sum(tf.mul(g, tf.eye(r)))), r * (r - 1));
      mmd2 = tf.sub(tf.add(offDiagMean(kxx, n), offDiagMean(kyy, m)), tf.mul(2, tf.mean(kxy))) as tf.Scalar;
    }
    return sigma ? { mmd2, sigma } : { mmd2 };
  });
  return { ...out, bandwidth };
}

/**
 * The median heuristic of medianPooledDistance (same pairs, numpy's median of the distances),
 * computed on the device: a scalar σ (1 when every distance is 0), outside any gradient.
 */
export function medianDistanceOnDevice(dxx: tf.Tensor2D, dyy: tf.Tensor2D, dxy: tf.Tensor2D): tf.Scalar {
  const [n] = dxx.shape;
  const [m] = dyy.shape;
  return withoutGradient(
    (a, b, c) => {
      const parts = [upperTriangle(a, n), upperTriangle(b, m), tf.reshape(c, [-1])].filter((p) => p.size > 0);
      const pooled = tf.concat(parts);
      const half = Math.floor(pooled.size / 2);
      // The half + 1 smallest squared distances in ascending order (topk of their negatives).
      const smallest = tf.neg(tf.topk(tf.neg(pooled), half + 1).values);
      const root = (i: number) => tf.sqrt(tf.relu(tf.slice(smallest, [i], [1])));
      const mid = pooled.size % 2 === 0 ? tf.mul(tf.add(root(half - 1), root(half)), 0.5) : root(half);
      return tf.reshape(tf.where(tf.greater(mid, 0), mid, tf.onesLike(mid)), []) as tf.Scalar;
    },
    dxx,
    dyy,
    dxy,
  );
}

/** Entries (i, j), i < j, of a square [r, r] matrix, row by row. */
function upperTriangle(t: tf.Tensor, r: number): tf.Tensor1D {
  const idx = new Int32Array((r * (r - 1)) / 2);
  let k = 0;
  for (let i = 0; i < r; i++) for (let j = i + 1; j < r; j++) idx[k++] = i * r + j;
  return tf.gather(tf.reshape(t, [-1]), tf.tensor1d(idx, "int32")) as tf.Tensor1D;
}
