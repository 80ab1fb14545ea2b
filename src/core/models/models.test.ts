/**
 * Conformance table: every registered model trains a few steps on a small XY subset — the loss
 * falls, the codes have the latent size, and no tensor leaks (STYLE §8, disent's test_frameworks).
 */
import { describe, expect, it } from "vitest";
import * as tf from "../tf.js";
import { xy } from "../data/xy.js";
import { createPrior } from "../priors/index.js";
import { validateTrainConfig } from "../train/config.js";
import { encodeImages } from "../train/inference.js";
import { train } from "../train/train.js";
import { MODELS, modelPrior, type ModelName } from "./index.js";
import { useBackend } from "../../../test/helpers.js";

// One row per model: a config override where the default would not show learning in 12 steps.
const TABLE: Record<ModelName, { config?: Record<string, unknown>; prior?: string }> = {
  "ae-mmd": { prior: "uniform(-1,1)" },
  ae: {},
  vae: {},
  "beta-vae": {},
  "beta-tcvae": {},
  "factor-vae": { config: { discriminatorLayers: 2, discriminatorUnits: 32 } },
  dgae: {},
  "batch-kl": {},
};

describe("models", () => {
  it.each(Object.keys(MODELS) as ModelName[])("%s trains on a small XY subset without leaking", async (kind) => {
    await useBackend("wasm");
    const data = await xy.create({ split: "train", limit: 32 });
    const row = TABLE[kind];
    const config = validateTrainConfig({
      dataset: "xy",
      model: { kind, ...row.config },
      prior: row.prior ?? "gaussian",
      latentDim: 2,
      convLayers: 2,
      channels: [4, 8],
      epochs: 5,
      batchSize: 16,
      lr: 2e-3,
      seed: 1,
    });
    const before = tf.memory().numTensors;
    const result = await train({ config, data, prior: createPrior(config.prior as string, { dim: 2 }) });
    const first = result.history[0]["loss/recon"];
    const last = result.history[result.history.length - 1]["loss/recon"];
    expect(last).toBeLessThan(first);
    const codes = await encodeImages(result.trainable, data, [0, 1, 2]);
    expect([codes.rows, codes.cols]).toEqual([3, 2]);
    expect(Array.from(codes.data).every(Number.isFinite)).toBe(true);
    result.trainable.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("says which prior each model's codes are pushed toward: the configured one, N(0, I), or none", () => {
    expect(modelPrior("ae-mmd", "uniform(-1,1)")).toBe("uniform(-1,1)");
    expect(modelPrior("ae-mmd", undefined)).toBe("gaussian");
    for (const kind of ["vae", "beta-vae", "beta-tcvae", "factor-vae", "batch-kl"]) expect(modelPrior(kind, "uniform")).toBe("gaussian");
    for (const kind of ["ae", "dgae"]) expect(modelPrior(kind, "gaussian")).toBeNull();
    expect(() => modelPrior("no-such-model", undefined)).toThrow(/no-such-model/);
  });
});
