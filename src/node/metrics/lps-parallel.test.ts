import { describe, expect, it } from "vitest";
import { lps } from "../../core/metrics/lps.js";
import { Rng } from "../../core/random.js";
import { evaluateAll } from "../../core/metrics/index.js";
import { evaluateAllParallel } from "./index.js";
import { lpsParallel } from "./lps-parallel.js";

describe("lpsParallel", () => {
  it("gives exactly the single-threaded result on worker threads", async () => {
    const n = 300;
    const d = 4;
    const rng = new Rng(3);
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const s = rng.normal();
      for (let j = 0; j < d; j++) data[i * d + j] = s + 0.5 * rng.normal();
    }
    const z = { rows: n, cols: d, data };
    const serial = lps(z, { seed: 2 });
    const where: boolean[] = [];
    const parallel = await lpsParallel(z, { seed: 2 }, { threads: 2, minValues: 0, onDone: (_, inWorker) => where.push(inWorker) });
    expect(parallel.perDim).toEqual(serial.perDim);
    expect(where).toEqual([true, true, true, true]);
    expect(parallel.lps).toBeGreaterThan(0.3);
  });

  it("passes a job's error back as a SculptError", async () => {
    const rng = new Rng(1);
    const z = { rows: 50, cols: 2, data: Float32Array.from({ length: 100 }, () => rng.normal()) };
    // gbdt options are checked when a dimension's regression starts, i.e. inside the worker
    await expect(lpsParallel(z, { gbdt: { numLeaves: 1 } }, { threads: 2, minValues: 0 })).rejects.toThrow(/options out of range/);
  });

  it("evaluateAllParallel gives evaluateAll's values", async () => {
    const rng = new Rng(9);
    const z = { rows: 200, cols: 3, data: Float32Array.from({ length: 600 }, () => rng.normal()) };
    const only: ["lps", "covariance-ratio"] = ["lps", "covariance-ratio"];
    const parallel = await evaluateAllParallel({ latents: z, seed: 4 }, { only }, { threads: 2, minValues: 0 });
    expect(parallel.values).toEqual((await evaluateAll({ latents: z, seed: 4 }, { only })).values);
  });
});
