/**
 * The wasm conv-gradient kernels against the cpu backend: conv2d and conv2dTranspose, forward and
 * both gradients (tf.grads), over strides, paddings, odd sizes, batch and channel counts and
 * kernel sizes; every form of the filter gradient; no tensor or backend buffer left behind; and a
 * tiny conv autoencoder that trains on wasm.
 *
 * Tolerance: float32 sums in a different order, so every output is compared to the cpu result as
 * max |wasm − cpu| ≤ 1e-5 · max |cpu| (over the whole tensor); observed worst about 1e-6.
 */
import * as tf from "../../core/tf.js";
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/random.js";
import { expectNoLeak, useBackend } from "../../../test/helpers.js";
import { registerWasmKernels } from "./index.js";
import { conv2dBackpropFilterKernel, type FilterGradForm } from "./conv2d-backprop-filter.js";
import { directAvailable } from "./conv2d-backprop-filter-direct.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

const TOLERANCE = 1e-5;

type Pad = "same" | "valid" | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  s: number;
  pad: Pad;
}

// Every kernel size × stride 1, 2 × 'same', 'valid', with sizes, batch and channels rotating
// through odd and even values, plus strided explicit-pad and larger cases.
const SIZES: [number, number][] = [
  [7, 9],
  [5, 5],
  [21, 21],
  [8, 8],
  [9, 7],
];
const CHANNELS: [number, number][] = [
  [1, 3],
  [3, 8],
  [8, 1],
  [1, 8],
  [8, 3],
];
const CASES: Case[] = [];
for (const k of [1, 3, 4, 5]) {
  for (const s of [1, 2]) {
    for (const pad of ["same", "valid"] as const) {
      const i = CASES.length;
      const [h, w] = SIZES[i % SIZES.length];
      const [ci, co] = CHANNELS[(i >> 1) % CHANNELS.length];
      CASES.push({ n: [1, 2, 3][i % 3], h, w, ci, co, k, s, pad });
    }
  }
}
CASES.push(
  { n: 2, h: 7, w: 9, ci: 3, co: 8, k: 3, s: 3, pad: 1 },
  { n: 1, h: 21, w: 21, ci: 3, co: 8, k: 4, s: 2, pad: "same" },
  { n: 4, h: 16, w: 16, ci: 1, co: 8, k: 4, s: 2, pad: "same" }, // the autoencoder's first layer, small
  { n: 2, h: 8, w: 8, ci: 16, co: 8, k: 4, s: 2, pad: "same" }, // per-row-phase transposed conv
  { n: 2, h: 9, w: 7, ci: 8, co: 16, k: 5, s: 2, pad: 2 },
  { n: 2, h: 9, w: 7, ci: 1, co: 3, k: 3, s: 1, pad: "same" }, // three column shifts folded into channels
  { n: 2, h: 10, w: 9, ci: 2, co: 8, k: 4, s: 2, pad: "valid" }, // 8 phase channels, no fold
  // direct form: overlapping last tiles (Co 12 and 9, kw·Ci = 15 and 12, kh·kw·Ci = 45), Co < 8, batch 1
  { n: 3, h: 11, w: 10, ci: 5, co: 12, k: 3, s: 1, pad: "same" },
  { n: 2, h: 13, w: 9, ci: 3, co: 9, k: 4, s: 2, pad: "valid" },
  { n: 2, h: 6, w: 7, ci: 6, co: 5, k: 2, s: 2, pad: "valid" },
  { n: 1, h: 17, w: 15, ci: 1, co: 32, k: 4, s: 2, pad: "same" },
  {
    n: 3,
    h: 9,
    w: 8,
    ci: 3,
    co: 8,
    k: 4,
    s: 2,
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ],
  },
);
const name = (c: Case) => `n${c.n} ${c.h}x${c.w}x${c.ci}->${c.co} k${c.k} s${c.s} ${JSON.stringify(c.pad)}`;

function values(size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** Conv output size along one axis, as tfjs computes it. */
function outSize(c: Case): [number, number] {
  const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [c.k, c.k, c.ci, c.co], c.s, 1, c.pad);
  return [info.outHeight, info.outWidth];
}

/** conv2d and conv2dTranspose outputs and their gradients (w.r.t. input and filter) on the current backend. */
function run(c: Case): Float32Array[] {
  const [ho, wo] = outSize(c);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
    const f = tf.tensor4d(values(c.k * c.k * c.ci * c.co, 2), [c.k, c.k, c.ci, c.co]);
    const y = tf.tensor4d(values(c.n * ho * wo * c.co, 3), [c.n, ho, wo, c.co]);
    const wy = tf.tensor4d(values(c.n * ho * wo * c.co, 4), [c.n, ho, wo, c.co]);
    const wx = tf.tensor4d(values(c.n * c.h * c.w * c.ci, 5), [c.n, c.h, c.w, c.ci]);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.s, c.pad);
    const convT = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2dTranspose(a, b, [c.n, c.h, c.w, c.ci], c.s, c.pad);
    const convGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), wy)))([x, f]);
    const convTGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(convT(a as tf.Tensor4D, b as tf.Tensor4D), wx)))([y, f]);
    return [conv(x, f), ...convGrads, convT(y, f), ...convTGrads].map((t) => t.dataSync() as Float32Array);
  });
}

function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  expect(worst, `${what}: max |wasm − cpu| = ${worst} at scale ${scale}`).toBeLessThanOrEqual(TOLERANCE * scale);
}

/** Run fn on wasm and assert it leaves neither tensors nor backend buffers behind. */
async function onWasmNoLeak<T>(fn: () => T): Promise<T> {
  await useBackend("wasm");
  const buffers = tf.backend().numDataIds();
  const out = await expectNoLeak(fn);
  expect(tf.backend().numDataIds(), "wasm buffers leaked").toBe(buffers);
  return out;
}

const OUTPUTS = ["conv2d", "conv2d dx", "conv2d dfilter", "conv2dTranspose", "conv2dTranspose dy", "conv2dTranspose dfilter"];

describe("wasm conv kernels match cpu", () => {
  it.each(CASES.map((c) => [name(c), c] as const))("%s", async (_name, c) => {
    await useBackend("cpu");
    const want = run(c);
    const got = await onWasmNoLeak(() => run(c));
    OUTPUTS.forEach((what, i) => expectClose(got[i], want[i], what));
  });

  it.each(CASES.map((c) => [name(c), c] as const))("every filter-gradient form: %s", async (_name, c) => {
    const [ho, wo] = outSize(c);
    const attrs = { strides: c.s, pad: c.pad, dataFormat: "NHWC", filterShape: [c.k, c.k, c.ci, c.co] };
    const filterGrad = (form?: FilterGradForm) => {
      const x = tf.tensor4d(values(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
      const dy = tf.tensor4d(values(c.n * ho * wo * c.co, 3), [c.n, ho, wo, c.co]);
      const out = form
        ? tf
            .engine()
            .makeTensorFromTensorInfo(
              conv2dBackpropFilterKernel(form)({ inputs: { x, dy }, backend: tf.backend(), attrs }) as tf.TensorInfo,
            )
        : (tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as tf.Tensor);
      const v = out.dataSync() as Float32Array;
      tf.dispose([x, dy, out]);
      return v;
    };
    await useBackend("cpu");
    const want = filterGrad();
    await useBackend("wasm");
    expect(directAvailable(tf.backend() as BackendWasm), "the direct form runs in Node's wasm").toBe(true);
    const forms: FilterGradForm[] = ["dy-as-filter", "direct-dy-rows"];
    if (c.s * c.s * c.ci <= 8) forms.push("x-as-filter");
    if (c.co >= 8) forms.push("direct-x-rows");
    for (const form of forms) expectClose(await onWasmNoLeak(() => filterGrad(form)), want, form);
  });
});

describe("wasm kernel registration", () => {
  it("is idempotent and keeps the built-in Conv2DBackpropInput for NCHW", async () => {
    await useBackend("wasm");
    const before = tf.getKernel("Conv2DBackpropInput", "wasm")!.kernelFunc;
    registerWasmKernels();
    registerWasmKernels();
    expect(tf.getKernel("Conv2DBackpropInput", "wasm")!.kernelFunc).toBe(before);
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
    // NCHW goes to the built-in kernel: dy [1, 2, 3, 3], filter [3, 3, 1, 2] -> dx [1, 1, 5, 5].
    const nchw = (backend: string) => async () => {
      await useBackend(backend);
      const dy = tf.tensor4d(values(18, 6), [1, 2, 3, 3]);
      const f = tf.tensor4d(values(18, 7), [3, 3, 1, 2]);
      const dx = tf
        .engine()
        .runKernel(
          "Conv2DBackpropInput",
          { dy, filter: f },
          { strides: 2, pad: "same", dataFormat: "NCHW", inputShape: [1, 1, 5, 5] },
        ) as tf.Tensor;
      const v = dx.dataSync() as Float32Array;
      tf.dispose([dy, f, dx]);
      return v;
    };
    expectClose(await nchw("wasm")(), await nchw("cpu")(), "NCHW Conv2DBackpropInput");
  });
});

describe("a tiny conv autoencoder trains on wasm", () => {
  it("its loss falls over a few Adam steps", async () => {
    await useBackend("wasm");
    await expectNoLeak(() => {
      const rng = new Rng(7);
      const init = (shape: number[], fanIn: number) =>
        tf.tidy(() =>
          tf.variable(
            tf.tensor(
              Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal() / Math.sqrt(fanIn)),
              shape,
            ),
          ),
        );
      // 12×12×1 -> 6×6×8 -> 3×3×8 -> 6×6×8 -> 12×12×1, 4×4 stride-2 'same' convs; conv2dTranspose filters are [h, w, out, in].
      const weights = [init([4, 4, 1, 8], 16), init([4, 4, 8, 8], 128), init([4, 4, 8, 8], 128), init([4, 4, 1, 8], 128)];
      const [e1, e2, d1, d2] = weights;
      const images = tf.tensor4d(
        Float32Array.from({ length: 8 * 144 }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.05)),
        [8, 12, 12, 1],
      );
      const loss = () => {
        const h1 = tf.relu(tf.conv2d(images, e1 as tf.Tensor4D, 2, "same"));
        const z = tf.relu(tf.conv2d(h1, e2 as tf.Tensor4D, 2, "same"));
        const g1 = tf.relu(tf.conv2dTranspose(z, d1 as tf.Tensor4D, [8, 6, 6, 8], 2, "same"));
        const out = tf.conv2dTranspose(g1, d2 as tf.Tensor4D, [8, 12, 12, 1], 2, "same");
        return tf.mean(tf.square(tf.sub(out, images))) as tf.Scalar;
      };
      const optimizer: tf.Optimizer = tf.train.adam(0.01);
      const losses: number[] = [];
      for (let step = 0; step < 12; step++) {
        const { value, grads } = tf.variableGrads(loss);
        optimizer.applyGradients(grads);
        losses.push(value.dataSync()[0]);
        tf.dispose([value, ...Object.values(grads)]);
      }
      optimizer.dispose();
      tf.dispose([images, ...weights]);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]);
    });
  });
});
