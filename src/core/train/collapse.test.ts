import { describe, expect, it } from "vitest";
import { Rng } from "../random.js";
import { createPrior } from "../priors/index.js";
import { isCollapsed, priorVariances, relativeVariances } from "./collapse.js";

/** Running sums of an n×d code matrix, as the training loop accumulates them. */
function sums(codes: number[][]) {
  const d = codes[0].length;
  const sum = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const row of codes) row.forEach((v, k) => ((sum[k] += v), (sq[k] += v * v)));
  return { sum, sq, n: codes.length };
}

describe("collapse detection", () => {
  const priorVar = priorVariances(createPrior("gaussian", { dim: 2 }));
  const rng = new Rng(5);

  it("flags codes that sit at one point (the XY Gaussian-prior failure)", () => {
    const codes = Array.from({ length: 500 }, () => [0.3 + 1e-4 * rng.normal(), -1.2 + 1e-4 * rng.normal()]);
    const { sum, sq, n } = sums(codes);
    const rel = relativeVariances(sum, sq, n, priorVar);
    expect(Math.max(...rel)).toBeLessThan(1e-6);
    expect(isCollapsed(rel)).toBe(true);
  });

  it("does not flag codes that spread like the prior, nor codes with one live dimension", () => {
    const spread = Array.from({ length: 500 }, () => [rng.normal(), rng.normal()]);
    const s1 = sums(spread);
    const rel = relativeVariances(s1.sum, s1.sq, s1.n, priorVar);
    rel.forEach((v) => expect(v).toBeGreaterThan(0.8));
    expect(isCollapsed(rel)).toBe(false);
    const oneLive = Array.from({ length: 500 }, () => [0.5, rng.normal()]);
    const s2 = sums(oneLive);
    expect(isCollapsed(relativeVariances(s2.sum, s2.sq, s2.n, priorVar))).toBe(false);
  });
});
