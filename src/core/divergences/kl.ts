/** KL terms used by the baselines (VAE family and the paper's batch-statistics KL, Figure 1(d)). */
import * as tf from "../tf.js";

/**
 * Closed-form KL(N(μ, diag σ²) ‖ N(0, I)) per example, summed over dimensions:
 * ½ Σ (μ² + σ² − log σ² − 1). mu, logVar [B, d] → [B].
 */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1)) as tf.Tensor1D);
}

/**
 * KL(N(m, C) ‖ N(0, I)) with m, C the batch mean and covariance of z [B, d] (paper Figure 1(d)):
 * ½ (tr C + mᵀm − d − log det C), C with divisor B − 1. tfjs has no Cholesky, so log det C comes
 * from one unrolled in tensor ops (logDetSpd). A small ridge (1e-6·I) keeps C invertible for
 * collapsed codes.
 */
export function batchMomentKl(z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [b, d] = z.shape;
    const mean = tf.mean(z, 0); // [d]
    const centred = tf.sub(z, mean); // [B, d]
    const cov = tf.add(tf.div(tf.matMul(centred, centred, true, false), Math.max(b - 1, 1)), tf.mul(1e-6, tf.eye(d))) as tf.Tensor2D; // [d, d]
    const trace = tf.sum(tf.mul(cov, tf.eye(d)));
    return tf.mul(0.5, tf.sub(tf.add(trace, tf.sum(tf.square(mean))), tf.add(d, logDetSpd(cov)))) as tf.Scalar;
  });
}

/** log det of a symmetric positive-definite d×d matrix via an unrolled Cholesky in tensor ops (differentiable). */
export function logDetSpd(a: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const d = a.shape[0];
    // L columns built one at a time; d is a latent size (≤ 64), so the unrolled graph stays small.
    const cols: tf.Tensor1D[] = [];
    let logDet: tf.Scalar = tf.scalar(0);
    for (let j = 0; j < d; j++) {
      let v = tf.reshape(tf.slice(a, [0, j], [d, 1]), [d]) as tf.Tensor1D; // a[:, j]: [d, 1] -> [d]
      for (let k = 0; k < j; k++) v = tf.sub(v, tf.mul(cols[k], tf.slice(cols[k], [j], [1]))) as tf.Tensor1D;
      const pivot = tf.sqrt(tf.maximum(tf.slice(v, [j], [1]), 1e-12)); // [1]
      const mask = tf.tensor1d(Array.from({ length: d }, (_, i) => (i >= j ? 1 : 0)));
      cols.push(tf.mul(tf.div(v, pivot), mask) as tf.Tensor1D);
      logDet = tf.add(logDet, tf.reshape(tf.mul(2, tf.log(pivot)), [])) as tf.Scalar; // [1] -> []
    }
    return logDet;
  });
}
