import { describe, expect, it } from "vitest";
import * as tf from "./tf.js";
import { useBackend } from "../../test/helpers.js";
import { logSumExpLast } from "./tensors.js";

describe("logSumExpLast", () => {
  it("gives tf.logSumExp's value and gradient along the last axis, also for large values", async () => {
    await useBackend("cpu");
    const x = tf.tensor3d(
      Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.sin(i) * (i % 7 === 0 ? 80 : 3)),
      [2, 3, 5],
    );
    const w = tf.tensor2d(
      Array.from({ length: 6 }, (_, i) => i - 2),
      [2, 3],
    ); // weights the rows differently
    const f = (lse: (t: tf.Tensor) => tf.Tensor) => tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(lse(t), w)) as tf.Scalar)(x);
    const ours = f(logSumExpLast);
    const theirs = f((t) => tf.logSumExp(t, -1));
    expect(ours.value.dataSync()[0]).toBeCloseTo(theirs.value.dataSync()[0], 4);
    const [a, b] = [ours.grad.dataSync(), theirs.grad.dataSync()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    expect(Number.isFinite(ours.value.dataSync()[0])).toBe(true);
  });
});
