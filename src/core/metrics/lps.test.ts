import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readMatrix } from "../../node/npy-file.js";
import { FIXTURES, readJson } from "../../../test/helpers.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { lps, lpsAsync, planLps, lpsDim } from "./lps.js";
import { r2Score } from "./r2.js";

interface LpsSet {
  file: string;
  population_r2: (number | null)[];
  sklearn_hgbr: number[];
  sklearn_mlp: number[];
  lps_sklearn_hgbr: number;
  lps_sklearn_mlp: number;
}
const REF = readJson<{ sets: Record<string, LpsSet> }>(join(FIXTURES, "lps_reference.json"));

describe("LPS-gbdt against scikit-learn's HistGradientBoostingRegressor (fixtures)", () => {
  for (const [name, set] of Object.entries(REF.sets)) {
    it(name, () => {
      const r = lps(readMatrix(join(FIXTURES, set.file)), { regressor: "gbdt", split: "ordered" });
      // README tolerances: 0.03 per set, 0.06 per dim, 0.06 of the population R² above 0.5
      expect(Math.abs(r.lps - set.lps_sklearn_hgbr)).toBeLessThan(0.03);
      r.perDim.forEach((v, j) => {
        expect(Math.abs(v - set.sklearn_hgbr[j])).toBeLessThan(0.06);
        const pop = set.population_r2[j];
        if (pop !== null && pop > 0.5) expect(Math.abs(v - pop)).toBeLessThan(0.06);
      });
      expect(r.trainRows).toBe(Math.round(0.8 * (r.trainRows + r.testRows)));
    });
  }
});

describe("LPS-mlp against scikit-learn's MLPRegressor (fixtures)", () => {
  // the 8-dimensional set takes ~30 s; `npm run bench -- lps` checks every set
  for (const name of ["correlated-gaussian-d4", "sine-d3", "noisy-circle-d2"]) {
    it(name, () => {
      const set = REF.sets[name];
      const r = lps(readMatrix(join(FIXTURES, set.file)), { regressor: "mlp", split: "ordered" });
      expect(Math.abs(r.lps - set.lps_sklearn_mlp)).toBeLessThan(0.05);
    });
  }
});

function randomCodes(n: number, d: number, seed: number): { rows: number; cols: number; data: Float32Array } {
  const rng = new Rng(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows: n, cols: d, data };
}

describe("LPS behaviour", () => {
  it("detects a deterministic dependence and not independence", () => {
    const z = randomCodes(600, 3, 1);
    for (let i = 0; i < z.rows; i++) z.data[i * 3 + 2] = z.data[i * 3] - 0.5 * z.data[i * 3 + 1];
    const r = lps(z, { seed: 3 });
    expect(r.perDim[2]).toBeGreaterThan(0.8);
    const indep = lps(randomCodes(600, 3, 2), { seed: 3 });
    // independent dims: nothing to predict; small samples overfit slightly (negative R²)
    expect(indep.lps).toBeLessThan(0.03);
    expect(indep.lps).toBeGreaterThan(-0.5);
  });

  it("is reproducible for a seed and the split depends on it", () => {
    const z = randomCodes(300, 3, 4);
    for (let i = 0; i < z.rows; i++) z.data[i * 3 + 1] += z.data[i * 3];
    expect(lps(z, { seed: 5 }).perDim).toEqual(lps(z, { seed: 5 }).perDim);
    expect(lps(z, { seed: 5 }).perDim).not.toEqual(lps(z, { seed: 6 }).perDim);
  });

  it("gives a constant dimension R² 0 and lists it", () => {
    const z = randomCodes(200, 3, 7);
    for (let i = 0; i < z.rows; i++) z.data[i * 3 + 1] = 2.5;
    const r = lps(z, { split: "ordered" });
    expect(r.constantDims).toEqual([1]);
    expect(r.perDim[1]).toBe(0);
  });

  it("runs the per-dimension jobs through a runner", async () => {
    const z = randomCodes(200, 3, 8);
    const seen: number[] = [];
    const r = await lpsAsync(z, { seed: 1 }, async (plan) =>
      Array.from({ length: plan.z.cols }, (_, i) => {
        seen.push(i);
        return lpsDim(plan, i);
      }),
    );
    expect(seen).toEqual([0, 1, 2]);
    expect(r.perDim).toEqual(lps(z, { seed: 1 }).perDim);
  });

  it("refuses bad input", () => {
    const one = randomCodes(100, 1, 1);
    expect(() => lps(one)).toThrow(SculptError);
    const nan = randomCodes(100, 3, 1);
    nan.data[7] = NaN;
    expect(() => lps(nan)).toThrow(/non-finite/);
    expect(() => lps(randomCodes(3, 3, 1))).toThrow(SculptError);
    expect(() => lps(randomCodes(100, 3, 1), { regressor: "svm" as "gbdt" })).toThrow(/regressor/);
    expect(() => lps(randomCodes(100, 3, 1), { trainFraction: 1.5 })).toThrow(/fraction/);
    expect(() => planLps(randomCodes(100, 3, 1), { split: "middle" as "random" })).toThrow(/split/);
  });
});

describe("r2Score", () => {
  it("matches the definition and force_finite for constant targets", () => {
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2Score([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBeCloseTo(1 - 8 / 2, 12);
    expect(r2Score([4, 4], [4, 4])).toBe(1);
    expect(r2Score([4, 4], [4, 5])).toBe(0);
  });
});
