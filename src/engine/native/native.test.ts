/**
 * The native backend agrees with tfjs's cpu backend: convolutions (forward and both gradients)
 * over strides, paddings, odd sizes and small channel counts, matrix products with transposes and
 * batches, fused bias/activation, and a few training steps of a tiny conv autoencoder. Every case
 * also checks that the addon, not the cpu fallback, computed it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../core/tf.js";
import { initBackend } from "../../node/backend.js";
import { loadNativeAddon, NATIVE_ADDON_PATH } from "../../node/native.js";
import { mmd } from "../../core/divergences/mmd.js";
import { expectNoLeak } from "../../../test/helpers.js";
import { nativeAddon } from "../../../test/requires.js";
import { defaultPoolBytes, NativeBackend, nativeStats, UNARY_CODES } from "./index.js";
import { broadcastLayout } from "./kernels.js";

const load = loadNativeAddon();
const ADDON = nativeAddon();

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(tf.util.sizeFromShape(shape), seed), shape);
}

/** Run fn on a backend and return its outputs as plain arrays. */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend(backend);
  const outs = tf.tidy(fn);
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return data;
}

/** Max |a-b| relative to the largest |b| (float32 sums in another order differ by ~1e-7 of that). */
function relError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** Compare fn on native against cpu; no kernel may fall back to cpu, and the named ones must run in the addon. */
async function agrees(fn: () => tf.Tensor[], natively: string[], tol = 2e-5): Promise<void> {
  const want = await on("cpu", fn);
  const fallbacks = { ...nativeStats.fallbacks };
  const calls = { ...nativeStats.calls };
  const got = await on("native", fn);
  expect(nativeStats.fallbacks, "a kernel fell back to cpu").toEqual(fallbacks);
  for (const k of natively) expect(nativeStats.calls[k] ?? 0, `${k} ran in the addon`).toBeGreaterThan(calls[k] ?? 0);
  want.forEach((w, i) => expect(relError(got[i], w), `output ${i}`).toBeLessThan(tol));
}

interface ConvCase {
  x: number[];
  filter: number[];
  strides: number | [number, number];
  pad: "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
  dilations?: number;
}

const CONVS: Record<string, ConvCase> = {
  "batch 1, 1→8 channels, stride 1, same, odd size": { x: [1, 7, 9, 1], filter: [3, 3, 1, 8], strides: 1, pad: "same" },
  "3→8, 4×4 stride 2, same": { x: [2, 8, 8, 3], filter: [4, 4, 3, 8], strides: 2, pad: "same" },
  "asymmetric same padding (5 px, 4×4, stride 2)": { x: [2, 5, 5, 3], filter: [4, 4, 3, 8], strides: 2, pad: "same" },
  "8→3, stride 2, valid, odd sizes": { x: [3, 9, 7, 8], filter: [3, 3, 8, 3], strides: 2, pad: "valid" },
  "valid with an unused last row/column (6 px, 3×3, stride 2)": { x: [2, 6, 6, 8], filter: [3, 3, 8, 1], strides: 2, pad: "valid" },
  "8→8, mixed strides": { x: [2, 9, 8, 8], filter: [3, 2, 8, 8], strides: [2, 1], pad: "same" },
  "explicit asymmetric pads": {
    x: [2, 6, 7, 3],
    filter: [3, 3, 3, 8],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  "1→1 channel, batch 1": { x: [1, 6, 6, 1], filter: [4, 4, 1, 1], strides: 2, pad: "same" },
  // Few input channels take the addon's own data gradient: its edges and strides.
  "1→8, valid, an unused last row/column": { x: [2, 6, 6, 1], filter: [3, 3, 1, 8], strides: 2, pad: "valid" },
  "2→8, mixed strides, odd sizes": { x: [3, 9, 8, 2], filter: [3, 2, 2, 8], strides: [2, 1], pad: "same" },
  "1→32, the 84 px layer at batch 3": { x: [3, 84, 84, 1], filter: [4, 4, 1, 32], strides: 2, pad: "same" },
  "the paper's 4×4 stride-2 layer, 32→32": { x: [4, 16, 16, 32], filter: [4, 4, 32, 32], strides: 2, pad: "same" },
};

describe("the native backend's array pool", () => {
  it("reuses disposed arrays and, past its limit, drops the ones pooled longest ago", () => {
    const backend = new NativeBackend(40_000); // two arrays of 4096 floats (16 KB each), not three
    const tensors = [4096, 4096, 5000].map((n) => {
      const values = backend.alloc(n);
      return { values, info: backend.makeTensorInfo([n], "float32", values) };
    });
    // Disposed in order: a and b are pooled, then c (20 KB) pushes a out.
    tensors.forEach((t) => backend.disposeData(t.info.dataId));
    const [a, b, c] = tensors.map((t) => t.values);
    expect(backend.reused).toBe(0);
    expect(backend.alloc(5000)).toBe(c);
    expect(backend.alloc(4096)).toBe(b);
    expect(backend.alloc(4096)).not.toBe(a);
    expect(backend.reused).toBe(2);
    backend.dispose();
  });

  it("is sized from the machine's memory: a quarter, within 256 MB and 3 GB", () => {
    expect(defaultPoolBytes(24 * 2 ** 30)).toBe(3 * 2 ** 30);
    expect(defaultPoolBytes(8 * 2 ** 30)).toBe(2 * 2 ** 30);
    expect(defaultPoolBytes(0)).toBe(256 * 2 ** 20);
  });
});

describe.skipIf(!ADDON.ok)(ADDON.title("native backend vs cpu"), () => {
  beforeAll(async () => {
    await initBackend("native");
  });

  it("is what auto picks when built", async () => {
    const info = await initBackend("auto");
    expect(info.name).toBe("native");
  });

  for (const [name, c] of Object.entries(CONVS)) {
    it(`conv2d forward and gradients: ${name}`, async () => {
      await agrees(() => {
        const x = rand(c.x, 1);
        const w = rand(c.filter, 2);
        const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
        const dy = rand(y.shape, 3);
        // dx runs Conv2DBackpropInput, dw Conv2DBackpropFilter.
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)
            .mul(dy)
            .sum(),
        )([x, w]);
        return [y, dx, dw];
      }, [tf.Conv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter]);
    });
  }

  it("conv2d on a float32 tensor cast from bool (it shares the bool array)", async () => {
    await agrees(
      () => [tf.conv2d(rand([2, 8, 8, 1], 1).greater(0).toFloat() as tf.Tensor4D, rand([4, 4, 1, 4], 2) as tf.Tensor4D, 2, "same")],
      [tf.Conv2D],
    );
  });

  it("conv2d with dilations", async () => {
    await agrees(
      () => [tf.conv2d(rand([2, 11, 10, 3], 1) as tf.Tensor4D, rand([3, 3, 3, 4], 2) as tf.Tensor4D, 1, "same", "NHWC", 2)],
      [tf.Conv2D],
    );
  });

  it("conv2d in NCHW", async () => {
    await agrees(() => {
      const x = rand([2, 3, 8, 7], 1) as tf.Tensor4D;
      const w = rand([3, 3, 3, 5], 2) as tf.Tensor4D;
      const dy = rand([2, 5, 4, 4], 3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf
          .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same", "NCHW")
          .mul(dy)
          .sum(),
      )([x, w]);
      return [tf.conv2d(x, w, 2, "same", "NCHW"), dx, dw];
    }, [tf.Conv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter]);
  });

  it("conv2dTranspose (a decoder layer) to an odd output size", async () => {
    await agrees(
      () => [tf.conv2dTranspose(rand([2, 4, 4, 8], 1) as tf.Tensor4D, rand([4, 4, 3, 8], 2) as tf.Tensor4D, [2, 7, 7, 3], 2, "same")],
      [tf.Conv2DBackpropInput],
    );
  });

  for (const activation of ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const) {
    it(`fused conv2d with bias and ${activation}`, async () => {
      await agrees(
        () => [
          tf.fused.conv2d({
            x: rand([2, 8, 8, 3], 1) as tf.Tensor4D,
            filter: rand([3, 3, 3, 6], 2) as tf.Tensor4D,
            strides: 1,
            pad: "same",
            bias: rand([6], 3),
            activation,
            leakyreluAlpha: 0.3,
          }),
        ],
        [tf.FusedConv2D],
      );
    });
  }

  it("fused conv2d with prelu falls back to the cpu kernel, and says so", async () => {
    await initBackend("native");
    const before = nativeStats.fallbacks[tf.FusedConv2D] ?? 0;
    const y = tf.tidy(() =>
      tf.fused.conv2d({
        x: rand([1, 4, 4, 2], 1) as tf.Tensor4D,
        filter: rand([3, 3, 2, 2], 2) as tf.Tensor4D,
        strides: 1,
        pad: "same",
        activation: "prelu",
        preluActivationWeights: tf.scalar(0.1),
      }),
    );
    expect(y.shape).toEqual([1, 4, 4, 2]);
    y.dispose();
    expect(nativeStats.fallbacks[tf.FusedConv2D]).toBe(before + 1);
  });

  const MATMULS: [string, number[], number[], boolean, boolean][] = [
    ["plain", [3, 5], [5, 4], false, false],
    ["transpose a", [5, 3], [5, 4], true, false],
    ["transpose b", [3, 5], [4, 5], false, true],
    ["transpose both", [5, 3], [4, 5], true, true],
    ["batched", [2, 3, 5], [2, 5, 4], false, false],
    ["batch broadcast", [1, 3, 5], [4, 4, 5], false, true],
    ["rank 2 × rank 3", [3, 5], [2, 5, 4], false, false],
    ["many small products", [16, 4, 3], [16, 3, 2], false, false],
    ["a dense layer", [64, 1024], [1024, 256], false, false],
  ];
  for (const [name, a, b, ta, tb] of MATMULS) {
    it(`matmul: ${name}`, async () => {
      await agrees(() => [tf.matMul(rand(a, 1), rand(b, 2), ta, tb)], [tf.BatchMatMul]);
    });
  }

  it("fused matmul with a row bias and relu, and with a full bias and sigmoid", async () => {
    await agrees(
      () => [
        tf.fused.matMul({ a: rand([6, 5], 1), b: rand([5, 4], 2), bias: rand([4], 3), activation: "relu" }),
        tf.fused.matMul({ a: rand([6, 5], 1), b: rand([4, 5], 2), transposeB: true, bias: rand([6, 4], 3), activation: "sigmoid" }),
      ],
      [tf._FusedMatMul],
    );
  });

  const BIG = [4, 16, 16, 64]; // 65536 values: above the size where elementwise ops go native
  const BROADCASTS: [string, number[], number[]][] = [
    ["same shape", BIG, BIG],
    ["scalar", BIG, []],
    ["bias vector", BIG, [64]],
    ["bias as [1,1,1,C]", BIG, [1, 1, 1, 64]],
    ["trailing block", BIG, [16, 64]],
    ["smaller first operand", [64], BIG],
    ["along a middle axis", [64, 1, 512], [1, 4, 512]],
    ["an outer product", [64, 1], [1, 64]],
    ["both ways at once, rank 5", [2, 1, 3, 1, 5], [1, 4, 3, 6, 1]],
    ["small, along the last axis", [8, 1], [8, 3]],
  ];
  const BINARY = {
    add: tf.Add,
    sub: tf.Sub,
    mul: tf.Multiply,
    div: tf.RealDiv,
    squaredDifference: tf.SquaredDifference,
    maximum: tf.Maximum,
    minimum: tf.Minimum,
  } as const;
  for (const [op, kernel] of Object.entries(BINARY) as [keyof typeof BINARY, string][]) {
    it(`elementwise ${op} over broadcasts`, async () => {
      await agrees(
        () =>
          BROADCASTS.map(([, a, b]) => {
            const y = op === "div" ? rand(b, 2).abs().add(0.5) : rand(b, 2);
            return tf[op](rand(a, 1), y);
          }),
        [kernel],
      );
    });
  }

  it("a broadcast of more than 8 alternating dims falls back to cpu, correctly", async () => {
    const a = [2, 1, 2, 1, 2, 1, 2, 1, 2];
    const b = [1, 2, 1, 2, 1, 2, 1, 2, 1];
    await initBackend("native");
    const before = nativeStats.fallbacks[tf.Add] ?? 0;
    const [got] = await on("native", () => [tf.add(rand(a, 1), rand(b, 2))]);
    expect(nativeStats.fallbacks[tf.Add]).toBe(before + 1);
    const [want] = await on("cpu", () => [tf.add(rand(a, 1), rand(b, 2))]);
    expect(relError(got, want)).toBe(0);
  });

  it("broadcast layouts merge dims where both operands allow", () => {
    expect(Array.from(broadcastLayout([64, 1, 512], [1, 4, 512], [64, 4, 512])!)).toEqual([3, 64, 4, 512, 512, 0, 1, 0, 512, 1]);
    // Bias over channels: the leading dims merge into one.
    expect(Array.from(broadcastLayout([8, 5, 5, 3], [3], [8, 5, 5, 3])!)).toEqual([2, 200, 3, 3, 1, 0, 1]);
    expect(Array.from(broadcastLayout([4, 6], [], [4, 6])!)).toEqual([1, 24, 1, 0]);
    expect(Array.from(broadcastLayout([1, 1], [1], [1, 1])!)).toEqual([1, 1, 1, 1]);
  });

  it("rejects a layout that would read past an operand", () => {
    const a = new Float32Array(6);
    const out = new Float32Array(12);
    // 2×6 output from a 6-value a with stride 6: its second row is out of bounds.
    expect(() => load.addon!.binary(0, a, new Float32Array(1), out, Int32Array.from([2, 2, 6, 6, 1, 0, 0]))).toThrow(/does not fit/);
  });

  it("unary ops", async () => {
    await agrees(() => {
      const x = rand(BIG, 1);
      const pos = x.abs().add(0.1);
      return [
        tf.relu(x),
        tf.step(x, 0.25),
        tf.neg(x),
        tf.exp(x),
        tf.log(pos),
        tf.log1p(pos),
        tf.sqrt(pos),
        tf.rsqrt(pos),
        tf.square(x),
        tf.abs(x),
        tf.sigmoid(x.mul(4)),
        tf.tanh(x.mul(4)),
        tf.elu(x),
        tf.leakyRelu(x, 0.3),
        tf.relu6(x.mul(10)),
        tf.reciprocal(pos),
      ];
    }, Object.keys(UNARY_CODES));
  });

  it("sums over leading axes (bias gradients), middle axes (broadcast gradients), trailing axes and all axes", async () => {
    await agrees(() => {
      const x = rand(BIG, 1);
      return [x.sum([0, 1, 2]), x.sum([0, 1, 2], true), x.sum([0, 1]), x.sum([1, 2]), x.sum(1, true), x.sum([2, 3]), x.sum(-1), x.sum()];
    }, [tf.Sum]);
  });

  it("means over leading axes, middle axes, trailing axes and all axes (a loss)", async () => {
    await agrees(() => {
      const x = rand(BIG, 1);
      return [x.mean([0, 1, 2]), x.mean([0, 1, 2], true), x.mean(2), x.mean([2, 3]), x.mean(-1), x.mean(), x.add(1).mean()];
    }, [tf.Mean]);
  });

  it("keeps an array read with dataSync() intact after its tensor is disposed and memory is recycled", async () => {
    await initBackend("native");
    const x = rand(BIG, 1);
    const y = tf.relu(x);
    const seen = y.dataSync();
    const copy = seen.slice();
    const backend = tf.backend() as NativeBackend;
    const reused = backend.reused;
    y.dispose();
    // Same-sized outputs that reuse memory (read ones never go back to the pool, so sum them).
    for (let i = 0; i < 20; i++) tf.tidy(() => tf.neg(x).sum().dataSync());
    expect(backend.reused).toBeGreaterThan(reused);
    expect(seen).toEqual(copy);
    x.dispose();
  });

  it("keeps a slice (a view on the same memory) intact after the sliced tensor is disposed", async () => {
    await initBackend("native");
    const x = rand(BIG, 1);
    const y = tf.relu(x);
    // A simple strided slice of whole leading rows: tfjs-backend-cpu returns a subarray of y's array.
    const view = tf.stridedSlice(y, [0, 0, 0, 0], [1, 16, 16, 64], [1, 1, 1, 1]);
    const want = await on("cpu", () => [tf.stridedSlice(tf.relu(rand(BIG, 1)), [0, 0, 0, 0], [1, 16, 16, 64], [1, 1, 1, 1])]);
    await initBackend("native");
    y.dispose();
    for (let i = 0; i < 20; i++) tf.tidy(() => tf.neg(x).sum().dataSync());
    expect(view.dataSync()).toEqual(want[0]);
    tf.dispose([x, view]);
  });

  it("slices and pads on recycled memory agree with cpu", async () => {
    await initBackend("native");
    // Leave arrays of the output sizes in the pool, full of other values.
    tf.tidy(() => [tf.relu(rand([4, 11, 11, 64], 5)), tf.relu(rand([4, 12, 12, 64], 6))]).forEach((t) => t.dispose());
    const reused = (tf.backend() as NativeBackend).reused;
    const crop = () => {
      const x = rand([4, 12, 12, 64], 1);
      const y = rand([4, 11, 11, 64], 2);
      return [
        tf.slice(x, [0, 0, 0, 0], [4, 11, 11, 64]),
        tf.pad(y, [
          [0, 0],
          [0, 1],
          [0, 1],
          [0, 0],
        ]),
        tf.pad(
          y,
          [
            [0, 0],
            [1, 0],
            [0, 1],
            [0, 0],
          ],
          2.5,
        ),
      ];
    };
    const got = await on("native", crop);
    expect((tf.backend() as NativeBackend).reused).toBeGreaterThan(reused);
    const want = await on("cpu", crop);
    want.forEach((w, i) => expect(relError(got[i], w), `output ${i}`).toBe(0));
  });

  it("survives signals during oneDNN's sgemm (the profiler's SIGPROF), which corrupted the heap before", () => {
    // oneDNN 2.x's sgemm kernels point rsp into the heap; a profiled loop of dense-layer products
    // aborted with "corrupted size vs. prev_size" within a second until the addon held signals.
    const dir = mkdtempSync(join(tmpdir(), "sculpt-sigprof-"));
    const script = `
      const addon = require(${JSON.stringify(NATIVE_ADDON_PATH)});
      const [m, n, k] = [64, 256, 2304];
      const a = new Float32Array(m * k).fill(0.5), b = new Float32Array(k * n).fill(0.25), c = new Float32Array(m * n);
      const end = Date.now() + 1500;
      while (Date.now() < end) addon.matmul(a, b, c, 1, 1, m, n, k, false, false, null, 0, 0, 0);
      if (Math.abs(c[0] - 0.125 * k) > 1e-2) throw new Error("wrong product " + c[0]);`;
    try {
      const r = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "-e", script], { encoding: "utf8", timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaks no tensors", async () => {
    await initBackend("native");
    const x = rand([2, 8, 8, 3], 1) as tf.Tensor4D;
    const w = rand([3, 3, 3, 4], 2) as tf.Tensor4D;
    await expectNoLeak(() => {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same").sum())([x, w]);
      });
    });
    tf.dispose([x, w]);
  });

  it("trains a tiny conv autoencoder with the same losses as cpu", async () => {
    const losses = async (backend: string): Promise<number[]> => {
      await initBackend(backend);
      const v = (shape: number[], seed: number, scale: number) => tf.variable(rand(shape, seed).mul(scale));
      const params = {
        c1: v([4, 4, 1, 8], 11, 0.3),
        b1: v([8], 12, 0.1),
        c2: v([4, 4, 8, 8], 13, 0.15),
        b2: v([8], 14, 0.1),
        d1: v([128, 3], 15, 0.1),
        e1: v([3, 128], 16, 0.3),
        t1: v([4, 4, 8, 8], 17, 0.15),
        t2: v([4, 4, 1, 8], 18, 0.15),
      };
      const images = tf.tensor(
        values(8 * 16 * 16, 19).map((u) => (u > 0 ? 1 : 0)),
        [8, 16, 16, 1],
      ) as tf.Tensor4D;
      const prior = rand([8, 3], 20).mul(1.7) as tf.Tensor2D;
      const opt = tf.train.adam(1e-2);
      const out: number[] = [];
      for (let step = 0; step < 4; step++) {
        const loss = opt.minimize(() => {
          const p = params;
          const h1 = tf.fused.conv2d({ x: images, filter: p.c1 as tf.Tensor4D, strides: 2, pad: "same", bias: p.b1, activation: "relu" });
          const h2 = tf.fused.conv2d({ x: h1, filter: p.c2 as tf.Tensor4D, strides: 2, pad: "same", bias: p.b2, activation: "relu" });
          const z = tf.matMul(h2.reshape([8, 128]), p.d1) as tf.Tensor2D; // [8, 128] -> [8, 3]
          const g = tf.relu(tf.matMul(z, p.e1)).reshape([8, 4, 4, 8]) as tf.Tensor4D;
          const u = tf.relu(tf.conv2dTranspose(g, p.t1 as tf.Tensor4D, [8, 8, 8, 8], 2, "same"));
          const logits = tf.conv2dTranspose(u, p.t2 as tf.Tensor4D, [8, 16, 16, 1], 2, "same");
          const rec = tf.losses.sigmoidCrossEntropy(images, logits);
          return rec.add(mmd(z, prior).mmd2.mul(0.3)) as tf.Scalar;
        }, true)!;
        out.push(loss.dataSync()[0]);
        loss.dispose();
      }
      opt.dispose();
      tf.dispose([images, prior, ...Object.values(params)]);
      return out;
    };
    const want = await losses("cpu");
    const fallbacks = { ...nativeStats.fallbacks };
    const got = await losses("native");
    expect(nativeStats.fallbacks).toEqual(fallbacks);
    expect(want[3]).toBeLessThan(want[0]); // it does train
    got.forEach((l, i) => expect(Math.abs(l - want[i]) / Math.abs(want[i]), `step ${i}`).toBeLessThan(1e-4));
  });
});
