import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT, readJson } from "../../../test/helpers.js";
import { betaVaeScore } from "./beta-vae.js";
import { factorVaeScore } from "./factor-vae.js";
import type { Interventions } from "./types.js";

interface Ref {
  interventions: {
    factor_sizes: number[];
    beta_vae: { train_accuracy: number; eval_accuracy: number };
    factor_vae: { train_accuracy: number; eval_accuracy: number; active_dims: number };
  };
}
const REF = readJson<Ref>(join(ROOT, "test", "fixtures", "metrics-extra", "reference.json")).interventions;

/** bench/metrics_reference.py `toy_codes`: the same deterministic encoder of the factor classes. */
const toy: Interventions = {
  sizes: REF.factor_sizes,
  encode: async (f, n) => {
    const data = new Float64Array(n * 5);
    for (let i = 0; i < n; i++) {
      const [a, b, c] = [f[3 * i], f[3 * i + 1], f[3 * i + 2]];
      const hashed = Math.sin(12.9898 * a + 78.233 * b + 37.719 * c);
      data.set(
        [
          (0.05 * a) / 3 + 0.5 * hashed,
          b / 4 + 0.5 * Math.sin(3 * a + 5 * b + 2 * c),
          (0.5 * b) / 4 + (0.05 * a) / 3 + (0.02 * c) / 5,
          0.6 * hashed + (0.02 * c) / 5,
          0.01 * a,
        ],
        i * 5,
      );
    }
    return { rows: n, cols: 5, data };
  },
};

// The two sides draw factors with different generators, so the scores differ by sampling noise:
// the accuracy over 5,000 evaluation points has a standard error near 0.006; tolerance 0.03.
describe("intervention metrics against the Python reference (toy encoder, disentanglement_lib defaults)", () => {
  it("BetaVAE score", async () => {
    const r = await betaVaeScore(toy, { seed: 3 });
    expect(Math.abs(r.evalAccuracy - REF.beta_vae.eval_accuracy)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(r.trainAccuracy - REF.beta_vae.train_accuracy)).toBeLessThanOrEqual(0.03);
  });

  it("FactorVAE score, pruning the collapsed code", async () => {
    const r = await factorVaeScore(toy, { seed: 3 });
    expect(r.activeDims).toBe(REF.factor_vae.active_dims);
    expect(Math.abs(r.evalAccuracy - REF.factor_vae.eval_accuracy)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(r.trainAccuracy - REF.factor_vae.train_accuracy)).toBeLessThanOrEqual(0.03);
  });

  it("a perfectly disentangled encoder scores 1, a collapsed one 0 (FactorVAE); bad options and constant factors are refused", async () => {
    const clean: Interventions = { sizes: [3, 4], encode: async (f, n) => ({ rows: n, cols: 2, data: Float64Array.from(f) }) };
    expect((await factorVaeScore(clean, { train: 300, eval: 200, varianceEstimate: 500 })).evalAccuracy).toBe(1);
    expect((await betaVaeScore(clean, { train: 300, eval: 200 })).evalAccuracy).toBe(1);
    const flat: Interventions = { sizes: [3, 4], encode: async (_, n) => ({ rows: n, cols: 2, data: new Float64Array(2 * n) }) };
    expect(await factorVaeScore(flat, { train: 50, eval: 50, varianceEstimate: 100 })).toEqual({
      evalAccuracy: 0,
      trainAccuracy: 0,
      activeDims: 0,
    });
    await expect(betaVaeScore(clean, { batchSize: 1 })).rejects.toThrow(/batchSize/);
    await expect(betaVaeScore({ sizes: [1, 1], encode: clean.encode })).rejects.toThrow(/single value/);
  });
});
