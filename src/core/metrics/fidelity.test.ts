import { describe, expect, it } from "vitest";
import { createPrior } from "../priors/index.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { covarianceRatio } from "./covariance-ratio.js";
import { fidelity, ksAndW1 } from "./fidelity.js";
import { nmse } from "./nmse.js";

describe("fidelity to the prior", () => {
  it("KS and W1 of two samples match hand-computed values", () => {
    const r = ksAndW1(Float64Array.from([0, 1, 2]), Float64Array.from([0.5, 1.5, 2.5, 3.5]));
    // F_a − F_b steps: [0,.5) 1/3, [.5,1) 1/12, [1,1.5) 5/12, [1.5,2) 1/6, [2,2.5) 1/2, [2.5,3.5) 1/4
    expect(r.ks).toBeCloseTo(0.5, 12);
    expect(r.w1).toBeCloseTo(0.5 * (1 / 3 + 1 / 12 + 5 / 12 + 1 / 6 + 1 / 2) + 1 / 4, 12);
  });

  it("accepts codes drawn from the prior and rejects shifted ones", () => {
    const prior = createPrior("gaussian", { dim: 2 });
    const codes = prior.sample(400, new Rng(11));
    const same = fidelity(codes, prior, { seed: 1, permutations: 100, testRows: 200 });
    expect(same.pValue).toBeGreaterThan(0.05);
    expect(same.ksMax).toBeLessThan(0.1);
    const shifted = { ...codes, data: codes.data.map((v, i) => (i % 2 === 0 ? v + 1 : v)) };
    const off = fidelity(shifted, prior, { seed: 1, permutations: 100, testRows: 200 });
    expect(off.pValue).toBeLessThan(0.02);
    expect(off.wasserstein[0]).toBeGreaterThan(0.8);
    expect(off.wasserstein[1]).toBeLessThan(0.15);
  });

  it("refuses a prior of another dimension", () => {
    const codes = createPrior("gaussian", { dim: 3 }).sample(50, new Rng(1));
    expect(() => fidelity(codes, createPrior("gaussian", { dim: 2 }))).toThrow(/dimensions/);
  });
});

describe("covariance ratio and NMSE", () => {
  it("covariance ratio matches a hand computation", () => {
    // columns x and y = x + e: cov = [[var x, var x], [var x, var x + var e]]
    const data = Float32Array.from([0, 0, 1, 2, 2, 2, 3, 4]);
    const r = covarianceRatio({ rows: 4, cols: 2, data });
    // x = 0,1,2,3 (var 5/3); y = 0,2,2,4 (var 8/3); cov = 2
    expect(r.ratio).toBeCloseTo((5 / 3 + 8 / 3) / (2 * 2), 6);
    expect(() => covarianceRatio({ rows: 4, cols: 1, data: data.subarray(0, 4) })).toThrow(SculptError);
  });

  it("NMSE linear and in dB", () => {
    const r = nmse([1, 2, 3, 4], [1, 2, 3, 5]);
    expect(r.linear).toBeCloseTo(1 / 30, 12);
    expect(r.db).toBeCloseTo(10 * Math.log10(1 / 30), 12);
    expect(() => nmse([1, 2], [1])).toThrow(/same images/);
    expect(() => nmse([0, 0], [1, 1])).toThrow(/all zero/);
    expect(() => nmse([1, NaN], [1, 1])).toThrow(/non-finite/);
  });
});
