import { describe, expect, it } from "vitest";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { applyBins, fitBinEdges, fitGbdt } from "./gbdt.js";

function rows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

describe("histogram GBDT", () => {
  it("bins like scikit-learn: midpoints for few distinct values, ≤255 quantile bins otherwise", () => {
    const few = { rows: 6, cols: 1, data: Float32Array.from([3, 1, 2, 2, 1, 3]) };
    const edges = fitBinEdges(few, rows(6));
    expect(Array.from(edges[0])).toEqual([1.5, 2.5]);
    expect(Array.from(applyBins(few, rows(6), edges).bins)).toEqual([2, 0, 1, 1, 0, 2]);
    const rng = new Rng(1);
    const many = { rows: 5000, cols: 1, data: Float32Array.from({ length: 5000 }, () => rng.normal()) };
    const b = applyBins(many, rows(5000), fitBinEdges(many, rows(5000))).bins;
    const counts = new Array(256).fill(0);
    b.forEach((v) => counts[v]++);
    expect(Math.max(...b)).toBe(254);
    // quantile bins hold about n/255 rows each
    expect(Math.max(...counts.slice(0, 255))).toBeLessThan(40);
    expect(Math.min(...counts.slice(0, 255))).toBeGreaterThan(5);
  });

  it("fits a step function and excludes the given feature", () => {
    const n = 400;
    const rng = new Rng(2);
    const x = { rows: n, cols: 2, data: new Float32Array(2 * n) };
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x.data[2 * i] = rng.uniform();
      x.data[2 * i + 1] = rng.uniform();
      y[i] = x.data[2 * i] > 0.5 ? 3 : -1;
    }
    const binned = applyBins(x, rows(n), fitBinEdges(x, rows(n)));
    const model = fitGbdt(binned, y);
    const pred = model.predict(binned);
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(pred[i] - y[i]));
    expect(err).toBeLessThan(0.01);
    // without feature 0 nothing explains y: predictions stay near the mean on average
    const blind = fitGbdt(binned, y, {}, 0);
    expect(blind.trees.every((t) => t.feature.every((f) => f !== 0))).toBe(true);
    expect(model.init).toBeCloseTo(y.reduce((a, b) => a + b, 0) / n, 12);
  });

  it("never splits below 20 rows per leaf", () => {
    const n = 39;
    const x = { rows: n, cols: 1, data: Float32Array.from({ length: n }, (_, i) => i) };
    const y = Float64Array.from({ length: n }, (_, i) => i * i);
    const binned = applyBins(x, rows(n), fitBinEdges(x, rows(n)));
    const model = fitGbdt(binned, y);
    expect(model.trees.every((t) => t.feature.length === 0)).toBe(true);
  });

  it("refuses mismatched targets and bad options", () => {
    const x = { rows: 3, cols: 1, data: Float32Array.from([1, 2, 3]) };
    const binned = applyBins(x, rows(3), fitBinEdges(x, rows(3)));
    expect(() => fitGbdt(binned, [1, 2])).toThrow(SculptError);
    expect(() => fitGbdt(binned, [1, 2, 3], { numLeaves: 1 })).toThrow(SculptError);
    expect(() => fitBinEdges(x, rows(3), 300)).toThrow(SculptError);
  });
});
