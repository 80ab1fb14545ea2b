import * as tf from "../tf.js";
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { mmd } from "./mmd.js";
import { close, expectNoLeak, FIXTURES, readJson, TEST_BACKENDS, useBackend } from "../../../test/helpers.js";

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

describe.each(TEST_BACKENDS)("MMD against mmd_reference.json on %s", (backend) => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    await useBackend(backend);
    await expectNoLeak(() => {
      const x = tf.tensor2d(c.x);
      const y = tf.tensor2d(c.y);
      const biased = mmd(x, y);
      const unbiased = mmd(x, y, "rbf-mixture", "unbiased");
      // README tolerance: 1e-4 relative on values; a tiny absolute floor for values near 0.
      expect(close(biased.bandwidth, c.median_sigma, 1e-4)).toBe(true);
      expect(close(biased.mmd2.dataSync()[0], c.mmd2_biased, 1e-4, 1e-6)).toBe(true);
      expect(close(unbiased.mmd2.dataSync()[0], c.mmd2_unbiased, 1e-4, 1e-6)).toBe(true);
      const g = tf.grad((xx: tf.Tensor) => mmd(xx as tf.Tensor2D, y).mmd2)(x);
      const gv = g.arraySync() as number[][];
      c.grad_x_biased.forEach((row, i) =>
        row.forEach((v, j) => {
          if (!close(gv[i][j], v, 1e-3, 1e-5)) throw new Error(`grad[${i}][${j}] = ${gv[i][j]}, expected ${v}`);
        }),
      );
      tf.dispose([x, y, biased.mmd2, unbiased.mmd2, g]);
    });
  });
});
