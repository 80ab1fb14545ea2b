import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readMatrix } from "../../node/npy-file.js";
import { readFactors } from "../../node/metrics/index.js";
import { ROOT, readJson } from "../../../test/helpers.js";
import { SculptError } from "../registry.js";
import { dci } from "./dci.js";
import { explicitness, rocAuc } from "./explicitness.js";
import { irs, quantileOf } from "./irs.js";
import { fitLogistic } from "./logistic.js";
import { modularity } from "./modularity.js";
import { symmetricEigenvalues, unsupervised } from "./unsupervised.js";

/** test/fixtures/metrics-extra: written by bench/metrics_reference.py (README there). */
const DIR = join(ROOT, "test", "fixtures", "metrics-extra");

interface SetRef {
  modularity: { score: number; per_code: number[]; mutual_information: number[][] };
  irs: { score: number; active_dims: number; per_code: number[]; matrix: number[][] };
  unsupervised?: {
    gaussian_total_correlation: number;
    gaussian_wasserstein_correlation: number;
    gaussian_wasserstein_correlation_norm: number;
    mutual_info_score: number;
  };
  explicitness?: { train: number; test: number; per_factor_train: number[]; per_factor_test: number[] };
  dci_forest?: { informativeness: number; per_factor: number[] };
}
interface Ref {
  num_train: number;
  sets: Record<"mixed" | "collapsed" | "gaussian", SetRef>;
  logistic: Record<"multinomial" | "binomial", { coef: number[][]; intercept: number[] }>;
}
const REF = readJson<Ref>(join(DIR, "reference.json"));
const latents = (name: string) => readMatrix(join(DIR, `${name}_latents.npy`));
const factors = (name: string) => readFactors(join(DIR, `${name === "collapsed" ? "mixed" : name}_factors.npy`));
const near = (a: number, b: number, tol: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol);

describe("metrics of issue #18 against the Python reference (test/fixtures/metrics-extra)", () => {
  for (const name of ["mixed", "collapsed", "gaussian"] as const) {
    const ref = REF.sets[name];
    it(`${name}: modularity to 1e-9, IRS to 1e-9`, () => {
      const m = modularity(latents(name), factors(name));
      near(m.score, ref.modularity.score, 1e-9);
      m.perCode.forEach((v, i) => near(v, ref.modularity.per_code[i], 1e-9));
      const r = irs(latents(name), factors(name));
      near(r.score, ref.irs.score, 1e-9);
      expect(r.activeDims).toBe(ref.irs.active_dims);
      r.matrix.forEach((row, i) => row.forEach((v, j) => near(v, ref.irs.matrix[i][j], 1e-9)));
    });
    if (!ref.unsupervised) continue;
    it(`${name}: unsupervised scores to 1e-9 relative, explicitness to 1e-4, DCI-forest R² to 0.03`, () => {
      const u = unsupervised(latents(name));
      const rel = (a: number, b: number) => near(a, b, 1e-9 * Math.max(1, Math.abs(b)));
      rel(u.gaussianTotalCorrelation, ref.unsupervised!.gaussian_total_correlation);
      rel(u.wassersteinDependency, ref.unsupervised!.gaussian_wasserstein_correlation);
      rel(u.wassersteinDependencyNorm, ref.unsupervised!.gaussian_wasserstein_correlation_norm);
      near(u.mutualInfo, ref.unsupervised!.mutual_info_score, 1e-9);
      const e = explicitness(latents(name), factors(name), { train: REF.num_train, split: "ordered" });
      near(e.test, ref.explicitness!.test, 1e-4);
      near(e.train, ref.explicitness!.train, 1e-4);
      e.perFactorTest.forEach((v, j) => near(v, ref.explicitness!.per_factor_test[j], 1e-4));
      const d = dci(latents(name), factors(name), { train: REF.num_train, split: "ordered", model: "forest" });
      near(d.informativeness!, ref.dci_forest!.informativeness, 0.03);
    });
  }

  it("logistic regression lands on scikit-learn's coefficients (multinomial and binomial) to 1e-3", () => {
    const z = latents("mixed");
    const f = factors("mixed");
    const n = REF.num_train;
    const d = z.cols;
    const x = new Float64Array(n * d);
    for (let c = 0; c < d; c++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += z.data[i * d + c] / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (z.data[i * d + c] - mean) ** 2;
      for (let i = 0; i < n; i++) x[i * d + c] = (z.data[i * d + c] - mean) / Math.sqrt(ss / n);
    }
    const y = Int32Array.from({ length: n }, (_, i) => f.classes[i * f.sizes.length]);
    const cases = { multinomial: y, binomial: y.map((v) => (v >= 2 ? 1 : 0)) };
    for (const [kind, labels] of Object.entries(cases) as [keyof typeof cases, Int32Array][]) {
      const m = fitLogistic(x, d, labels);
      const ref = REF.logistic[kind];
      m.weights.forEach((w, r) => {
        ref.coef[r].forEach((v, j) => near(w[j], v, 1e-3 * Math.max(1, Math.abs(v))));
        near(w[d], ref.intercept[r], 1e-3 * Math.max(1, Math.abs(ref.intercept[r])));
      });
      expect(m.weights.length).toBe(ref.coef.length);
    }
  });
});

describe("pieces of the new metrics", () => {
  it("ROC-AUC: perfect, reversed, ties as one half, undefined without both labels", () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([1, 2], [1, 1])).toBeUndefined();
  });

  it("percentiles as numpy's linear interpolation", () => {
    expect(quantileOf(Float64Array.from([3, 1, 2, 4]), 0.5)).toBe(2.5);
    expect(quantileOf(Float64Array.from([0, 10]), 0.99)).toBeCloseTo(9.9, 12);
    expect(quantileOf(Float64Array.from([7]), 0.99)).toBe(7);
    // selection agrees with sorting on ties and random values
    let state = 7;
    const v = Float64Array.from({ length: 501 }, () => ((state = (state * 48271) % 2147483647) % 50) / 7);
    const sorted = v.slice().sort();
    for (const q of [0, 0.1, 0.5, 0.99, 1]) {
      const h = q * 500;
      const lo = Math.floor(h);
      const want = lo < 500 ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
      expect(quantileOf(v.slice(), q)).toBeCloseTo(want, 12);
    }
  });

  it("Jacobi eigenvalues of a known symmetric matrix", () => {
    // [[2,1],[1,2]] has eigenvalues 1 and 3
    const ev = Array.from(symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2)).sort();
    near(ev[0], 1, 1e-12);
    near(ev[1], 3, 1e-12);
  });

  it("independent codes: total correlation and Wasserstein dependency near 0, a copied code raises them", () => {
    const n = 4000;
    const data = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      data[2 * i] = Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
      data[2 * i + 1] = Math.sin(i * 78.233) * 12345.678 - Math.floor(Math.sin(i * 78.233) * 12345.678);
    }
    const free = unsupervised({ rows: n, cols: 2, data });
    expect(free.gaussianTotalCorrelation).toBeLessThan(0.01);
    expect(Math.abs(free.wassersteinDependencyNorm)).toBeLessThan(0.01);
    for (let i = 0; i < n; i++) data[2 * i + 1] = 0.9 * data[2 * i] + 0.1 * data[2 * i + 1];
    const tied = unsupervised({ rows: n, cols: 2, data });
    expect(tied.gaussianTotalCorrelation).toBeGreaterThan(1);
    expect(tied.mutualInfo).toBeGreaterThan(free.mutualInfo + 0.5);
  });

  it("refuse what they cannot score", () => {
    const z = latents("collapsed");
    expect(() => unsupervised(z)).toThrow(/code 5 is constant/);
    expect(() => modularity(latents("mixed"), { classes: new Int32Array(3000), sizes: [1], names: ["a"] })).toThrow(SculptError);
    expect(() => irs(latents("mixed"), factors("mixed"), { quantile: 2 })).toThrow(/quantile/);
  });
});
