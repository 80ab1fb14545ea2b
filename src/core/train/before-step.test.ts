/**
 * The `beforeStep` hook the browser's Train view drives: it sees every step point, a snapshot
 * taken there resumes to the same weights as an uninterrupted run, and a λ written into
 * `trainable.modelConfig` changes the loss from that step on.
 */
import { describe, expect, it } from "vitest";
import { xy } from "../data/xy.js";
import { createPrior } from "../priors/index.js";
import { validateTrainConfig } from "./config.js";
import type { Checkpoint } from "./checkpoint.js";
import { snapshot } from "./snapshot.js";
import { train, type StepPoint } from "./train.js";
import { useBackend } from "../../../test/helpers.js";

const config = validateTrainConfig({
  dataset: "xy",
  model: { kind: "ae-mmd", lambda: 1 },
  prior: "uniform(-1,1)",
  latentDim: 2,
  convLayers: 2,
  channels: [4, 4],
  epochs: 2,
  batchSize: 8,
  lr: 2e-3,
  seed: 3,
});
const prior = createPrior("uniform(-1,1)", { dim: 2 });

async function weights(result: Awaited<ReturnType<typeof train>>): Promise<Float32Array[]> {
  const ws = result.trainable.nets.encoder.getWeights();
  const out = await Promise.all(ws.map(async (w) => (await w.data()) as Float32Array));
  result.trainable.dispose();
  return out;
}

describe("train's beforeStep hook", () => {
  it("sees every step point, and a snapshot taken there resumes exactly", async () => {
    await useBackend("wasm");
    const data = await xy.create({ split: "train", limit: 24 });
    const points: Omit<StepPoint, "trainable">[] = [];
    let saved: Checkpoint | null = null;
    const full = await train({
      config,
      data,
      prior,
      beforeStep: async ({ trainable, epoch, step, stepInEpoch }) => {
        points.push({ epoch, step, stepInEpoch });
        if (step === 4) saved = await snapshot(trainable, epoch, step, stepInEpoch);
      },
    });
    // 24 images at batch 8: 3 steps an epoch, 2 epochs; the hook runs before each of the 6.
    expect(points).toEqual([0, 1, 2, 3, 4, 5].map((s) => ({ epoch: Math.floor(s / 3), step: s, stepInEpoch: s % 3 })));
    expect(saved).not.toBeNull();
    const resumed = await train({ config, data, prior, resume: true, store: { save: () => {}, load: () => saved } });
    expect(resumed.history.map((h) => h.epoch)).toEqual([2]);
    const [a, b] = [await weights(full), await weights(resumed)];
    a.forEach((w, i) => expect(Array.from(b[i])).toEqual(Array.from(w)));
  });

  it("applies a λ written into trainable.modelConfig from the next step", async () => {
    await useBackend("wasm");
    const data = await xy.create({ split: "train", limit: 16 });
    const totals: { total: number; recon: number }[] = [];
    const result = await train({
      config: { ...config, epochs: 1 },
      data,
      prior,
      beforeStep: ({ trainable, step }) => {
        if (step === 1) trainable.modelConfig.lambda = 0;
      },
      reporters: [{ onStepEnd: (s) => totals.push({ total: s.terms["loss/total"], recon: s.terms["loss/recon"] }) }],
    });
    result.trainable.dispose();
    expect(totals).toHaveLength(2);
    expect(totals[0].total).toBeGreaterThan(totals[0].recon); // λ = 1: the MMD term counts
    expect(totals[1].total).toBeCloseTo(totals[1].recon, 6); // λ = 0 from step 1
  });
});
