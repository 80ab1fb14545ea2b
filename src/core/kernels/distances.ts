/** Pairwise squared Euclidean distances and the median heuristic shared by all kernels. */
import * as tf from "../tf.js";

/** ‖a_i − b_j‖² for a [n, d], b [m, d] → [n, m], clamped at 0 against rounding. */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aa = tf.reshape(tf.sum(tf.square(a), 1), [-1, 1]); // [n] -> [n, 1]
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]); // [m] -> [1, m]
    const ab = tf.matMul(a, b, false, true); // [n, m]
    return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(2, ab))) as tf.Tensor2D;
  });
}

/**
 * Median of the Euclidean distances between all distinct pairs of the pooled set x ∪ y, from
 * the three blocks of squared distances (pairs i<j inside x and inside y, all pairs across).
 * For an even count, the mean of the two middle values (numpy's median).
 */
export function medianPooledDistance(dxx: Float32Array, n: number, dyy: Float32Array, m: number, dxy: Float32Array): number {
  const count = (n * (n - 1)) / 2 + (m * (m - 1)) / 2 + n * m;
  const all = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) all[k++] = dxx[i * n + j];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) all[k++] = dyy[i * m + j];
  for (let i = 0; i < dxy.length; i++) all[k++] = dxy[i];
  return median(all, true);
}

/** Median of values (optionally of their square roots); reorders `values`. */
export function median(values: Float64Array, sqrt = false): number {
  const n = values.length;
  if (n === 0) return NaN;
  const hi = select(values, Math.floor(n / 2));
  let mid = sqrt ? Math.sqrt(Math.max(hi, 0)) : hi;
  if (n % 2 === 0) {
    // the lower middle is the max of the left part after selection
    let lo = -Infinity;
    for (let i = 0; i < n / 2; i++) if (values[i] > lo) lo = values[i];
    mid = (mid + (sqrt ? Math.sqrt(Math.max(lo, 0)) : lo)) / 2;
  }
  return mid;
}

/** Quickselect: the k-th smallest value; afterwards values[0..k) ≤ values[k] ≤ values(k..]. */
export function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}
