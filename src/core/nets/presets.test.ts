/**
 * Data set presets: each synthetic set's recorded training size is the size its generator makes
 * (the quick budget counts images with it), and the quick budget sees QUICK_IMAGES images.
 */
import { describe, expect, it } from "vitest";
import { SYNTHETIC_DATASETS } from "../data/index.js";
import { BUDGETS, DATASET_PRESETS, QUICK_IMAGES } from "./presets.js";

describe("data set presets", () => {
  it.each(Object.keys(SYNTHETIC_DATASETS) as (keyof typeof SYNTHETIC_DATASETS)[])(
    "%s: trainSize is the generated training split's size",
    async (name) => {
      const data = await SYNTHETIC_DATASETS[name].create({ split: "train" });
      expect(DATASET_PRESETS[name].trainSize).toBe(data.size);
    },
  );

  it("quick trains on QUICK_IMAGES images at batch 64, or a tenth of the paper's epochs if fewer", () => {
    for (const [name, preset] of Object.entries(DATASET_PRESETS)) {
      const { epochs, batchSize } = BUDGETS.quick(preset);
      expect(batchSize, name).toBe(64);
      const images = epochs * preset.trainSize!;
      const cap = (preset.paperEpochs / 10) * preset.trainSize!;
      expect(Math.abs(images - Math.min(QUICK_IMAGES, cap)) / QUICK_IMAGES, name).toBeLessThan(0.01);
    }
    expect(BUDGETS.paper(DATASET_PRESETS.xy)).toEqual({ epochs: 500 });
  });
});
