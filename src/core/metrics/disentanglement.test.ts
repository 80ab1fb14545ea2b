import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readMatrix, readNpy } from "../../node/npy-file.js";
import { FIXTURES, readJson } from "../../../test/helpers.js";
import { SculptError } from "../registry.js";
import { dci, dciScores } from "./dci.js";
import { fitLinearSvc } from "./linear-svc.js";
import { histogramBins, mig } from "./mig.js";
import { sap } from "./sap.js";
import { factorsFromMatrix } from "./validate.js";

interface Ref {
  num_train: number;
  mig: number;
  mig_unnormalized: number;
  mutual_information: number[][];
  factor_entropy: number[];
  sap_discrete: number;
  sap_discrete_matrix: number[][];
  sap_continuous: number;
  sap_continuous_matrix: number[][];
  dci: {
    disentanglement: number;
    completeness: number;
    informativeness_train: number;
    informativeness_test: number;
    importance: number[][];
  };
}
const REF = readJson<Ref>(join(FIXTURES, "disentanglement_reference.json"));
const Z = readMatrix(join(FIXTURES, "disentanglement_latents.npy"));
const F = (() => {
  const a = readNpy(join(FIXTURES, "disentanglement_factors.npy"));
  return factorsFromMatrix({ rows: a.shape[0], cols: a.shape[1], data: Float64Array.from(a.data as ArrayLike<number>, Number) });
})();

const near = (a: number, b: number, tol: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol);

describe("MIG, SAP and DCI against disentanglement_lib (fixtures)", () => {
  it("MIG to 1e-6", () => {
    const r = mig(Z, F);
    near(r.score, REF.mig, 1e-6);
    near(r.unnormalized, REF.mig_unnormalized, 1e-6);
    r.mutualInformation.forEach((row, i) => row.forEach((v, j) => near(v, REF.mutual_information[i][j], 1e-6)));
    r.factorEntropy.forEach((v, j) => near(v, REF.factor_entropy[j], 1e-9));
  });

  it("SAP: continuous to 1e-6, discrete to 0.02", () => {
    const r = sap(Z, F, { train: REF.num_train, split: "ordered" });
    near(r.continuous!, REF.sap_continuous, 1e-6);
    near(r.discrete!, REF.sap_discrete, 0.02);
    r.discreteMatrix!.forEach((row, i) => row.forEach((v, j) => near(v, REF.sap_discrete_matrix[i][j], 0.02)));
  });

  it("DCI (gradient-boosted classifiers) to 0.05", () => {
    const r = dci(Z, F, { train: REF.num_train, split: "ordered" });
    near(r.disentanglement, REF.dci.disentanglement, 0.05);
    near(r.completeness, REF.dci.completeness, 0.05);
    near(r.informativeness!, REF.dci.informativeness_test, 0.05);
    near(r.informativenessTrain!, REF.dci.informativeness_train, 0.05);
    r.importance.forEach((row, i) => row.forEach((v, j) => near(v, REF.dci.importance[i][j], 0.05)));
  });

  it("DCI (random forest) finds the same structure", () => {
    const r = dci(Z, F, { train: REF.num_train, split: "ordered", model: "forest", forest: { trees: 20 } });
    // latent 0 carries factor 0 and latent 4 factor 2 in this set
    expect(r.importance[0][0]).toBeGreaterThan(0.9);
    expect(r.importance[4][2]).toBeGreaterThan(0.9);
    near(r.disentanglement, REF.dci.disentanglement, 0.1);
    expect(r.nrmse!).toBeLessThan(0.5);
  });
});

describe("metric pieces", () => {
  it("histogram bins as numpy: equal widths, the maximum in the top bin, constants in one bin", () => {
    expect(Array.from(histogramBins(Float64Array.from([0, 0.5, 1, 0.2499, 0.25]), 4))).toEqual([0, 2, 3, 0, 1]);
    expect(Array.from(histogramBins(Float64Array.from([2, 2, 2]), 20))).toEqual([0, 0, 0]);
  });

  it("DCI scores of a permutation matrix are 1, of a uniform matrix 0", () => {
    const perm = dciScores([
      [0, 1],
      [1, 0],
    ]);
    near(perm.disentanglement, 1, 1e-9);
    near(perm.completeness, 1, 1e-9);
    const flat = dciScores([
      [1, 1],
      [1, 1],
    ]);
    near(flat.disentanglement, 0, 1e-9);
    near(flat.completeness, 0, 1e-9);
  });

  it("a linear SVC separates separable classes", () => {
    const x = Float64Array.from([-3, -2.5, -2, 2, 2.5, 3, 7, 7.5, 8]);
    const y = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const multi = fitLinearSvc(x, 1, y, { C: 10 });
    expect(multi.weights).toHaveLength(3);
    expect(Array.from(multi.predict(Float64Array.from([-5, 10])))).toEqual([0, 2]);
    const bin = fitLinearSvc(x.subarray(0, 6), 1, y.subarray(0, 6), { C: 10 });
    expect(Array.from(bin.predict(Float64Array.from([-4, 4])))).toEqual([0, 1]);
    expect(() => fitLinearSvc(x.subarray(0, 3), 1, y.subarray(0, 3))).toThrow(SculptError);
  });

  it("refuses mismatched or out-of-range factors and constant factors", () => {
    const bad = { ...F, classes: F.classes.slice(0, 30) };
    expect(() => mig(Z, bad)).toThrow(/factors hold/);
    const range = { ...F, classes: F.classes.slice() };
    range.classes[1] = 99;
    expect(() => sap(Z, range)).toThrow(/outside/);
    const constant = { ...F, classes: F.classes.slice() };
    for (let i = 0; i < Z.rows; i++) constant.classes[3 * i] = 0;
    expect(() => mig(Z, constant)).toThrow(/single value/);
    expect(() => dci(Z, { ...F, sizes: [4], names: ["a"], classes: F.classes.filter((_, i) => i % 3 === 0) })).toThrow(
      /at least 2 factors/,
    );
  });
});
