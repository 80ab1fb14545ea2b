/**
 * Backend conformance for training: one step of every model on each TEST_BACKENDS backend agrees
 * with the cpu backend — the step's loss terms (forward pass, and FactorVAE's discriminator step)
 * and the codes of the updated encoder (so gradients and the Adam update too: a first Adam step
 * moves each weight by lr·g/(|g| + ε), which carries any gradient error well above float noise).
 *
 * Tolerance: 1e-3 relative (codes: of their largest magnitude). The losses are means over ~28k
 * pixels; wasm sums them in float32 in sequence and was measured 1.8e-4 relative from cpu's
 * float64 sums (webgpu's tree reductions: 1e-7). A wrong kernel misses by far more: tfjs-webgpu's
 * split-K matMul bug (worked around in src/node/webgpu.ts) put these codes off by ~100%.
 */
import { expect, it } from "vitest";
import * as tf from "../tf.js";
import { xy } from "../data/xy.js";
import { createPrior } from "../priors/index.js";
import { validateTrainConfig } from "../train/config.js";
import { encodeImages } from "../train/inference.js";
import { train } from "../train/train.js";
import { MODELS, type ModelName } from "./index.js";
import { close, describeBackends, useBackend } from "../../../test/helpers.js";

interface StepResult {
  terms: Record<string, number>;
  codes: Float32Array;
}

async function oneStep(backend: string, kind: ModelName): Promise<StepResult> {
  await useBackend(backend);
  const data = await xy.create({ split: "train", limit: 4 });
  const config = validateTrainConfig({
    dataset: "xy",
    model: { kind, ...(kind === "factor-vae" ? { discriminatorLayers: 2, discriminatorUnits: 32 } : {}) },
    prior: kind === "ae-mmd" ? "uniform(-1,1)" : "gaussian",
    latentDim: 2,
    convLayers: 2,
    channels: [4, 8],
    epochs: 1, // 4 images at batch 4: one step
    batchSize: 4,
    lr: 2e-3,
    seed: 3,
  });
  const before = tf.memory().numTensors;
  const result = await train({ config, data, prior: createPrior(config.prior as string, { dim: 2 }) });
  const codes = await encodeImages(result.trainable, data, [0, 1, 2]);
  result.trainable.dispose();
  expect(tf.memory().numTensors, "tensors leaked").toBe(before);
  expect(result.history[0].step).toBe(1);
  const terms = Object.fromEntries(Object.entries(result.history[0]).filter(([k]) => k.startsWith("loss/")));
  return { terms, codes: codes.data as Float32Array };
}

// The cpu reference, computed once per model for all backends.
const reference = new Map<ModelName, Promise<StepResult>>();
const cpuStep = (kind: ModelName) => {
  if (!reference.has(kind)) reference.set(kind, oneStep("cpu", kind));
  return reference.get(kind)!;
};

describeBackends("one training step agrees with cpu", (backend) => {
  it.skipIf(backend === "cpu").each(Object.keys(MODELS) as ModelName[])(
    "%s",
    async (kind) => {
      const want = await cpuStep(kind);
      const got = await oneStep(backend, kind);
      expect(Object.keys(got.terms).sort()).toEqual(Object.keys(want.terms).sort());
      for (const [k, v] of Object.entries(want.terms)) {
        if (!close(got.terms[k], v, 1e-3, 1e-7)) throw new Error(`${k}: ${got.terms[k]} on ${backend}, ${v} on cpu`);
      }
      const scale = Math.max(...want.codes.map(Math.abs));
      want.codes.forEach((v, i) => {
        if (!close(got.codes[i], v, 0, 1e-3 * scale)) throw new Error(`code ${i}: ${got.codes[i]} on ${backend}, ${v} on cpu`);
      });
    },
    120_000,
  );
});
