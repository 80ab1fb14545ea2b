/** Bridges between plain matrices and tensors, and helpers for code that must not read synchronously. */
import * as tf from "./tf.js";
import { matrix, type Matrix } from "./matrix.js";

export function toTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(m.data instanceof Float32Array ? m.data : Float32Array.from(m.data), [m.rows, m.cols]);
}

/** Synchronous; on WebGPU in Node use `(await t.data())` instead (see readsSync). */
export function fromTensor(t: tf.Tensor2D): Matrix {
  return matrix(t.shape[0], t.shape[1], t.dataSync() as Float32Array);
}

/**
 * Whether dataSync works on the active backend. tfjs's WebGPU backend reads synchronously through
 * an OffscreenCanvas, which Node lacks; code inside a gradient tape (which cannot await) then
 * computes on the device what it would otherwise read back and compute in JavaScript.
 */
export function readsSync(): boolean {
  return tf.getBackend() !== "webgpu" || typeof OffscreenCanvas !== "undefined";
}

/**
 * f(...xs) as a constant of any enclosing gradient tape: its ops are not recorded and the inputs
 * get a zero gradient through it (a detach).
 */
export function withoutGradient<T extends tf.Tensor>(f: (...xs: tf.Tensor[]) => T, ...xs: tf.Tensor[]): T {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, xs.length) as tf.Tensor[];
    return { value: f(...inputs), gradFunc: () => inputs.map((x) => tf.zerosLike(x)) };
  })(...xs) as T;
}

/**
 * log Σ_j exp(x_…j) along the last axis, with its gradient written out: dy · softmax(x). tf.logSumExp
 * differentiates through its max as well (a broadcast equality mask, slow on the cpu and native
 * backends for the [d, B, B] tensors of β-TCVAE), although that part of the gradient is zero.
 */
export function logSumExpLast(x: tf.Tensor): tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const axis = t.rank - 1;
    const m = tf.max(t, axis, true);
    const lse = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(t, m)), axis, true)));
    save([t, lse]);
    return {
      value: tf.squeeze(lse, [axis]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, l] = saved;
        return tf.mul(tf.expandDims(dy, axis), tf.exp(tf.sub(xs, l)));
      },
    };
  })(x);
}
