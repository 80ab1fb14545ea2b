import * as tf from "../tf.js";
import { describe, expect, it, vi } from "vitest";
import { join } from "node:path";
import { medianDistanceOnDevice, mmd } from "./mmd.js";
import { createKernel, KERNELS, medianPooledDistance, squaredDistances } from "../kernels/index.js";
import { close, describeBackends, expectNoLeak, FIXTURES, readJson, useBackend } from "../../../test/helpers.js";

// The median heuristic has two paths: read back and taken in JavaScript (backends that read
// synchronously), or taken on the device (WebGPU in Node). Forcing the device path here tests it on
// every backend, not only where the host path is impossible.
const force = vi.hoisted(() => ({ deviceMedian: false }));
vi.mock("../tensors.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../tensors.js")>();
  return { ...real, readsSync: () => !force.deviceMedian && real.readsSync() };
});
const { readsSync } = await vi.importActual<typeof import("../tensors.js")>("../tensors.js");

interface Case {
  name: string;
  x: number[][];
  y: number[][];
  median_sigma: number;
  mmd2_biased: number;
  mmd2_unbiased: number;
  grad_x_biased: number[][];
}
const fixture = readJson<{ cases: Case[] }>(join(FIXTURES, "mmd_reference.json"));

describeBackends("MMD against mmd_reference.json", (backend) => {
  // WebGPU in Node cannot read synchronously, so it has only the device path.
  const paths = backend === "webgpu" && typeof OffscreenCanvas === "undefined" ? ["device"] : ["host", "device"];
  describe.each(paths)("median on the %s", (median) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      await useBackend(backend);
      expect(readsSync()).toBe(paths.includes("host"));
      force.deviceMedian = median === "device";
      try {
        await expectNoLeak(async () => {
          const x = tf.tensor2d(c.x);
          const y = tf.tensor2d(c.y);
          const biased = mmd(x, y);
          const unbiased = mmd(x, y, "rbf-mixture", "unbiased");
          const sigma = biased.sigma ? (await biased.sigma.data())[0] : biased.bandwidth;
          expect(Number.isNaN(biased.bandwidth)).toBe(median === "device");
          // README tolerance: 1e-4 relative on values; a tiny absolute floor for values near 0.
          expect(close(sigma, c.median_sigma, 1e-4)).toBe(true);
          expect(close((await biased.mmd2.data())[0], c.mmd2_biased, 1e-4, 1e-6)).toBe(true);
          expect(close((await unbiased.mmd2.data())[0], c.mmd2_unbiased, 1e-4, 1e-6)).toBe(true);
          const g = tf.grad((xx: tf.Tensor) => mmd(xx as tf.Tensor2D, y).mmd2)(x);
          const gv = (await g.array()) as number[][];
          c.grad_x_biased.forEach((row, i) =>
            row.forEach((v, j) => {
              if (!close(gv[i][j], v, 1e-3, 1e-5)) throw new Error(`grad[${i}][${j}] = ${gv[i][j]}, expected ${v}`);
            }),
          );
          tf.dispose([x, y, biased.mmd2, unbiased.mmd2, biased.sigma ?? [], unbiased.sigma ?? [], g]);
        });
      } finally {
        force.deviceMedian = false;
      }
    });
  });
});

describe("the median heuristic on the device", () => {
  it.each([
    [5, 5, 2],
    [7, 4, 3],
    [1, 1, 2],
    [1, 2, 1],
  ])("matches medianPooledDistance for %i and %i points in %i dimensions (odd and even pair counts)", async (n, m, d) => {
    await useBackend("cpu");
    const rand = (r: number) => tf.randomNormal([r, d], 0, 1, "float32", 11 * r + d) as tf.Tensor2D;
    const [x, y] = [rand(n), rand(m)];
    const [dxx, dyy, dxy] = [squaredDistances(x, x), squaredDistances(y, y), squaredDistances(x, y)];
    const onDevice = medianDistanceOnDevice(dxx, dyy, dxy);
    const host = medianPooledDistance(dxx.dataSync() as Float32Array, n, dyy.dataSync() as Float32Array, m, dxy.dataSync() as Float32Array);
    expect(close(onDevice.dataSync()[0], host, 1e-6)).toBe(true);
    tf.dispose([x, y, dxx, dyy, dxy, onDevice]);
  });

  it("is 1 when every point coincides, like the host path", async () => {
    await useBackend("cpu");
    const z = tf.zeros([3, 3]) as tf.Tensor2D;
    const s = medianDistanceOnDevice(z, z, z);
    expect(s.dataSync()[0]).toBe(1);
    tf.dispose([z, s]);
  });

  // The device path evaluates k(d²/σ², 1) for k(d², σ); a kernel that is not a scale family would
  // silently differ between backends.
  it.each(Object.keys(KERNELS))("kernel %s is a scale family: k(d², σ) = k(d²/σ², 1)", async (name) => {
    await useBackend("cpu");
    const kernel = createKernel(name);
    const sq = tf.tensor2d([0.01, 0.3, 1, 2.5, 7, 40], [2, 3]);
    for (const sigma of [0.2, 1.7, 9]) {
      const a = kernel.gram(sq, sigma).dataSync();
      const b = tf.tidy(() => kernel.gram(tf.div(sq, sigma * sigma) as tf.Tensor2D, 1).dataSync());
      a.forEach((v, i) => expect(close(b[i], v, 1e-5, 1e-7)).toBe(true));
    }
    sq.dispose();
  });
});
