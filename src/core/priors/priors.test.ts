/** Conformance table: every registered prior samples the right shape with the right moments. */
import { describe, expect, it } from "vitest";
import { Rng } from "../random.js";
import { column } from "../matrix.js";
import { createPrior, priorConfigFromSpec, PRIORS } from "./index.js";
import { empiricalPrior } from "./empirical.js";
import { customPrior } from "./custom.js";
import { matrix } from "../matrix.js";

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
const variance = (a: Float64Array) => {
  const m = mean(a);
  return a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1);
};

const stored = matrix(4, 2, Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]));
const loadMatrix = () => stored;

// One row per registered prior kind: spec, latent size, and per-dimension [mean, variance].
const TABLE: Record<keyof typeof PRIORS, { spec: string; dim: number; moments: [number, number][] }> = {
  gaussian: {
    spec: "gaussian(1, 2)",
    dim: 3,
    moments: [
      [1, 4],
      [1, 4],
      [1, 4],
    ],
  },
  uniform: {
    spec: "uniform(-5, 5)",
    dim: 2,
    moments: [
      [0, 100 / 12],
      [0, 100 / 12],
    ],
  },
  gmm: { spec: "gmm(-5|5, 1)", dim: 1, moments: [[0, 26]] },
  hybrid: {
    spec: "hybrid[uniform(-5,5), gaussian(0,2), gmm(-5|5, 5), gmm(-10|10, 1)*2]",
    dim: 5,
    moments: [
      [0, 100 / 12],
      [0, 4],
      [0, 50],
      [0, 101],
      [0, 101],
    ],
  },
  mvn: {
    spec: "mvn(1|-1, 1|0.8;0.8|1)",
    dim: 2,
    moments: [
      [1, 1],
      [-1, 1],
    ],
  },
  mixture: {
    spec: "mixture(mvn(-2|-2, 1|0;0|1), mvn(2|2, 1|0;0|1))",
    dim: 2,
    moments: [
      [0, 5],
      [0, 5],
    ],
  },
  empirical: {
    spec: "empirical(z.npy)",
    dim: 2,
    moments: [
      [1.5, 1.25],
      [1.5, 1.25],
    ],
  },
};

describe("priors", () => {
  it.each(Object.entries(TABLE))("%s samples with the spec's moments", (_kind, row) => {
    const p = createPrior(row.spec, { dim: row.dim, loadMatrix });
    const n = 200_000;
    const s = p.sample(n, new Rng(3));
    expect([s.rows, s.cols]).toEqual([n, row.dim]);
    row.moments.forEach(([m, v], j) => {
      const c = column(s, j);
      expect(Math.abs(mean(c) - m)).toBeLessThan(0.03 * Math.sqrt(v) + 0.01);
      expect(Math.abs(variance(c) / v - 1)).toBeLessThan(0.03);
    });
  });

  it("gives the same samples for the same seed and different ones for another", () => {
    const p = createPrior("hybrid[uniform(-5,5), gaussian(0,2)]", { dim: 2 });
    expect(p.sample(10, new Rng(7)).data).toEqual(p.sample(10, new Rng(7)).data);
    expect(p.sample(10, new Rng(7)).data).not.toEqual(p.sample(10, new Rng(8)).data);
  });

  it("refuses a prior whose dimension does not match the latent size", () => {
    expect(() => createPrior("hybrid[gaussian, uniform]", { dim: 5 })).toThrow(/2 dimensions but the latent size is 5/);
  });

  it("points at the position of a syntax error", () => {
    expect(() => priorConfigFromSpec("hybrid[uniform(-5,5) gaussian]")).toThrow(/position 22: expected ',' or '\]'/);
    expect(() => priorConfigFromSpec("gaussian(0,")).toThrow(/position 12: expected a value/);
    expect(() => priorConfigFromSpec("gausian")).toThrow(/unknown prior 'gausian'.*gaussian/);
    expect(() => priorConfigFromSpec("uniform(5, -5)")).toThrow(/low < high/);
    expect(() => priorConfigFromSpec("mvn(0|0, 1|2;0|1)")).not.toThrow();
    expect(() => createPrior("mvn(0|0, 1|2;0|1)", { dim: 2 })).toThrow(/not symmetric/);
  });

  it("marginal densities integrate to 1 where a prior has them", () => {
    for (const row of Object.values(TABLE)) {
      const p = createPrior(row.spec, { dim: row.dim, loadMatrix });
      if (!p.marginalPdf || !p.marginalRange) continue;
      for (let j = 0; j < p.dim; j++) {
        const [lo, hi] = p.marginalRange(j);
        const steps = 4000;
        let area = 0;
        for (let k = 0; k < steps; k++) area += p.marginalPdf(j, lo + ((k + 0.5) * (hi - lo)) / steps) * ((hi - lo) / steps);
        expect(area).toBeGreaterThan(0.98);
        expect(area).toBeLessThan(1.001);
      }
    }
  });

  it("builds custom and empirical priors from code", () => {
    const ring = customPrior(2, (rng) => {
      const t = 2 * Math.PI * rng.uniform();
      return [Math.cos(t), Math.sin(t)];
    });
    const s = createPrior(ring, { dim: 2 }).sample(100, new Rng(1));
    for (let i = 0; i < 100; i++) expect(Math.hypot(s.data[2 * i], s.data[2 * i + 1])).toBeCloseTo(1, 5);
    const e = empiricalPrior(stored).sample(50, new Rng(2));
    for (let i = 0; i < 50; i++) expect(e.data[2 * i]).toBe(e.data[2 * i + 1]);
  });
});
