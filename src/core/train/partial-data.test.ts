/**
 * Budgets are epochs of a data set's full training split; on a partial copy (CIFAR-10 with one
 * data_batch of five) training says how many images that is, and how many epochs would match.
 */
import { describe, expect, it } from "vitest";
import { xy } from "../data/xy.js";
import { createPrior } from "../priors/index.js";
import { validateTrainConfig } from "./config.js";
import { train } from "./train.js";
import { useBackend } from "../../../test/helpers.js";

const base = { dataset: "xy", model: { kind: "ae" }, latentDim: 2, convLayers: 2, channels: [4, 4], epochs: 1, batchSize: 8, seed: 1 };

async function warnings(datasetOptions: Record<string, unknown>): Promise<string[]> {
  const data = await xy.create({ split: "train", limit: 16 });
  const out: string[] = [];
  const run = await train({
    config: validateTrainConfig({ ...base, datasetOptions }),
    data,
    prior: createPrior("gaussian", { dim: 2 }),
    reporters: [{ onWarning: (m) => out.push(m) }],
  });
  run.trainable.dispose();
  return out;
}

describe("training on part of a data set", () => {
  it("warns that a budget in epochs sees fewer images than on the full split, with the epochs that would match", async () => {
    await useBackend("cpu");
    const got = await warnings({});
    expect(got).toHaveLength(1);
    // XY's full split is 2,809 images: 1 epoch of 16 is 0.57 % of one of 2,809; 175.5625 epochs match.
    expect(got[0]).toContain("xy has 16 training images here, not the full split's 2,809");
    expect(got[0]).toContain("1 epochs are 16 images, 1 % of what they are on the full set");
    expect(got[0]).toContain("--epochs 176");
  });

  it("stays quiet when the config itself asked for fewer images (limit)", async () => {
    await useBackend("cpu");
    expect(await warnings({ limit: 16 })).toEqual([]);
  });
});
