import { describe, expect, it } from "vitest";
import * as tf from "../../core/tf.js";
import { useBackend } from "../../../test/helpers.js";
import { dataMovementKernels } from "./data-movement.js";

/** Run one of our kernels on the cpu backend instance and read the result. */
function runOurs(name: string, x: tf.Tensor, attrs: object): { shape: number[]; values: number[] } {
  const k = dataMovementKernels("cpu").find((c) => c.kernelName === name)!;
  const info = k.kernelFunc({ inputs: { x }, backend: tf.backend(), attrs } as never) as tf.TensorInfo;
  const t = tf.engine().makeTensorFromTensorInfo(info);
  const out = { shape: t.shape, values: Array.from(t.dataSync()) };
  t.dispose();
  return out;
}

describe("typed-array Slice and PadV2 agree with tfjs-backend-cpu", () => {
  const cases: [number[], number[], number[]][] = [
    [
      [2, 12, 12, 3],
      [0, 0, 0, 0],
      [2, 11, 11, 3],
    ], // the decoder's crop
    [
      [3, 5, 7, 2],
      [1, 2, 3, 1],
      [2, 3, 4, 1],
    ],
    [
      [4, 6],
      [1, 0],
      [2, 6],
    ],
    [[9], [2], [5]],
    [
      [2, 3, 4, 5, 2],
      [0, 1, 0, 2, 0],
      [2, 2, 4, 3, 2],
    ],
  ];
  it.each(cases)("slice %j at %j size %j", async (shape, begin, size) => {
    await useBackend("cpu");
    const x = tf.randomNormal(shape, 0, 1, "float32", 3);
    const ref = tf.slice(x, begin, size);
    const ours = runOurs("Slice", x, { begin, size });
    expect(ours.shape).toEqual(ref.shape);
    expect(ours.values).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, ref]);
  });
  it.each(cases)("pad %j", async (shape, begin) => {
    await useBackend("cpu");
    const x = tf.randomNormal(shape, 0, 1, "float32", 4);
    const paddings = shape.map((_, i) => [begin[i], (i + 1) % 3] as [number, number]);
    for (const constantValue of [0, 1.5]) {
      const ref = tf.pad(x, paddings, constantValue);
      const ours = runOurs("PadV2", x, { paddings, constantValue });
      expect(ours.shape).toEqual(ref.shape);
      expect(ours.values).toEqual(Array.from(ref.dataSync()));
      ref.dispose();
    }
    x.dispose();
  });
});
