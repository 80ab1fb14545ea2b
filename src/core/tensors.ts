/** Bridges between plain matrices and tensors, and a leak-checking helper for tests. */
import * as tf from "./tf.js";
import { matrix, type Matrix } from "./matrix.js";

export function toTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(m.data instanceof Float32Array ? m.data : Float32Array.from(m.data), [m.rows, m.cols]);
}

export function fromTensor(t: tf.Tensor2D): Matrix {
  return matrix(t.shape[0], t.shape[1], t.dataSync() as Float32Array);
}
