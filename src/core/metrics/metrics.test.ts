import { describe, expect, it } from "vitest";
import { createPrior } from "../priors/index.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { evaluateAll, METRICS, type MetricEntry, type MetricInputs, type MetricName } from "./index.js";

/** A small representation: 4 codes, two of them noisy copies of the two factors. */
function representation(seed = 0): Required<MetricInputs> {
  const rng = new Rng(seed);
  const n = 240;
  const d = 4;
  const sizes = [3, 4];
  const classes = new Int32Array(n * 2);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    classes[2 * i] = rng.int(3);
    classes[2 * i + 1] = rng.int(4);
    data[i * d] = classes[2 * i] + 0.2 * rng.normal();
    data[i * d + 1] = rng.normal();
    data[i * d + 2] = classes[2 * i + 1] - 1.5 + 0.2 * rng.normal();
    data[i * d + 3] = 0.5 * data[i * d] + rng.normal();
  }
  const images = Float32Array.from({ length: 500 }, () => rng.uniform());
  const reconstructions = images.map((v) => v + 0.05 * rng.normal());
  return {
    latents: { rows: n, cols: d, data },
    factors: { classes, sizes, names: ["a", "b"] },
    images,
    reconstructions,
    prior: createPrior("gaussian", { dim: d }),
    // a deterministic encoder of the factors: codes 0 and 2 carry one factor each
    interventions: {
      sizes,
      encode: async (c, m) => {
        const z = new Float32Array(m * d);
        for (let i = 0; i < m; i++) {
          const [a, b] = [c[2 * i], c[2 * i + 1]];
          z.set([a + 0.1 * Math.sin(7 * b), 0.2 * Math.sin(3 * a + 5 * b), b - 1.5 + 0.1 * Math.cos(5 * a), 0.5 * a + 0.3 * b], i * d);
        }
        return { rows: m, cols: d, data: z };
      },
    },
    seed: 1,
  };
}

// One row per registry entry (typed by the registry, so a new metric without a row fails to compile).
const TABLE: Record<MetricName, { keys: string[] }> = {
  lps: { keys: ["lps.gbdt", "lps.gbdt.perDim"] },
  "lps-mlp": { keys: ["lps.mlp", "lps.mlp.perDim"] },
  "covariance-ratio": { keys: ["covariance.ratio"] },
  mig: { keys: ["mig.score", "mig.unnormalized"] },
  sap: { keys: ["sap.discrete", "sap.continuous"] },
  dci: { keys: ["dci.disentanglement", "dci.completeness", "dci.informativeness", "dci.informativenessTrain"] },
  "dci-forest": { keys: ["dci-forest.disentanglement", "dci-forest.completeness", "dci-forest.informativeness", "dci-forest.nrmse"] },
  modularity: { keys: ["modularity.score"] },
  explicitness: { keys: ["explicitness.test", "explicitness.train"] },
  irs: { keys: ["irs.score"] },
  unsupervised: {
    keys: [
      "unsupervised.gaussianTotalCorrelation",
      "unsupervised.wassersteinDependency",
      "unsupervised.wassersteinDependencyNorm",
      "unsupervised.mutualInfo",
    ],
  },
  "beta-vae": { keys: ["beta-vae.eval", "beta-vae.train"] },
  "factor-vae": { keys: ["factor-vae.eval", "factor-vae.train"] },
  nmse: { keys: ["nmse.linear", "nmse.db"] },
  fidelity: {
    keys: ["fidelity.ks.max", "fidelity.ks.perDim", "fidelity.w1.mean", "fidelity.w1.perDim", "fidelity.mmd2", "fidelity.pValue"],
  },
};

describe("metric conformance", () => {
  for (const name of Object.keys(TABLE) as MetricName[]) {
    it(`${name}: finite values under its keys, deterministic, refuses NaN codes`, async () => {
      const inputs = representation();
      const a = await evaluateAll(inputs, { only: [name] });
      expect(Object.keys(a.values).sort()).toEqual([...TABLE[name].keys].sort());
      for (const v of Object.values(a.values)) {
        for (const x of [v].flat(2)) expect(Number.isFinite(x)).toBe(true);
      }
      // Its entry declares exactly the scalar keys it returns (labels and directions live there), the headline among them.
      const scalars = Object.keys(a.values).filter((k) => typeof a.values[k] === "number");
      expect(Object.keys(METRICS[name].keys).sort()).toEqual(scalars.sort());
      expect(scalars).toContain(METRICS[name].headline);
      const b = await evaluateAll(inputs, { only: [name] });
      expect(b.values).toEqual(a.values);
      const bad = representation();
      bad.latents.data[5] = NaN;
      const needs: MetricEntry["needs"] = METRICS[name].needs;
      if (needs.interventions) {
        bad.interventions = { sizes: [3, 4], encode: async (_, m) => ({ rows: m, cols: 4, data: new Float32Array(m * 4).fill(NaN) }) };
        await expect(evaluateAll(bad, { only: [name] })).rejects.toThrow(/non-finite code/);
      } else if (!needs.reconstructions) await expect(evaluateAll(bad, { only: [name] })).rejects.toThrow(SculptError);
      else {
        bad.reconstructions[3] = NaN;
        await expect(evaluateAll(bad, { only: [name] })).rejects.toThrow(SculptError);
      }
    });
  }
});

describe("evaluateAll", () => {
  it("runs what applies and says why it skipped the rest", async () => {
    const { latents, seed } = representation();
    const r = await evaluateAll({ latents, seed }, { only: ["covariance-ratio", "mig", "nmse", "fidelity"] });
    expect(Object.keys(r.values)).toEqual(["covariance.ratio"]);
    expect(r.skipped).toEqual({
      mig: "needs ground-truth factors",
      nmse: "needs images and their reconstructions",
      fidelity: "needs the prior",
    });
  });

  it("scores the structured codes sensibly", async () => {
    const r = await evaluateAll(representation(), { only: ["mig", "sap", "dci", "nmse", "modularity", "explicitness", "irs"] });
    expect(r.values["mig.score"]).toBeGreaterThan(0.3);
    expect(r.values["dci.informativeness"]).toBeGreaterThan(0.8);
    expect(r.values["explicitness.test"]).toBeGreaterThan(0.9);
    expect(r.values["modularity.score"]).toBeGreaterThan(0.5);
    expect(r.values["irs.score"]).toBeGreaterThan(0.2);
    expect(r.values["nmse.db"]).toBeLessThan(-10);
  });

  it("drops factors that take one value, and skips DCI when fewer than two remain", async () => {
    const inputs = representation();
    for (let i = 0; i < inputs.latents.rows; i++) inputs.factors.classes[2 * i + 1] = 2;
    const r = await evaluateAll(inputs, { only: ["mig", "dci"] });
    expect(r.droppedFactors).toEqual(["b"]);
    expect(r.skipped.dci).toMatch(/two factors/);
    expect(r.values["mig.score"]).toBeGreaterThan(0.3);
  });

  it("refuses an unknown metric name", async () => {
    await expect(evaluateAll(representation(), { only: ["nope" as MetricName] })).rejects.toThrow(/unknown metric/);
  });
});
