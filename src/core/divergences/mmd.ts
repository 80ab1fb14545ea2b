/**
 * Squared Maximum Mean Discrepancy between a batch of codes and a batch of prior samples
 * (paper eq. 4–5). Biased V-statistic (the paper's, default) or unbiased U-statistic.
 * The three Gram blocks are computed separately (no concat of x and y: Concat is slow in wasm).
 */
import * as tf from "../tf.js";
import { createKernel, type Kernel, type KernelConfig } from "../kernels/index.js";
import { medianPooledDistance, squaredDistances } from "../kernels/distances.js";
import { SculptError } from "../registry.js";

export type MmdEstimator = "biased" | "unbiased";

export interface MmdResult {
  /** Scalar tensor (differentiable w.r.t. x and y). */
  mmd2: tf.Scalar;
  /** The σ used (median heuristic or fixed); a constant of the graph. */
  bandwidth: number;
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
  const mmd2 = tf.tidy(() => {
    const dxx = squaredDistances(x, x); // [n, n]
    const dyy = squaredDistances(y, y); // [m, m]
    const dxy = squaredDistances(x, y); // [n, m]
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
    const kxx = k.gram(dxx, bandwidth);
    const kyy = k.gram(dyy, bandwidth);
    const kxy = k.gram(dxy, bandwidth);
    if (estimator === "biased") {
      return tf.sub(tf.add(tf.mean(kxx), tf.mean(kyy)), tf.mul(2, tf.mean(kxy))) as tf.Scalar;
    }
    // Unbiased: drop the diagonals of K(x,x) and K(y,y). Their values are k(0) for every kernel here.
    const offDiagMean = (g: tf.Tensor2D, r: number) => tf.div(tf.sub(tf.sum(g), tf.sum(tf.mul(g, tf.eye(r)))), r * (r - 1));
    return tf.sub(tf.add(offDiagMean(kxx, n), offDiagMean(kyy, m)), tf.mul(2, tf.mean(kxy))) as tf.Scalar;
  });
  return { mmd2, bandwidth };
}
