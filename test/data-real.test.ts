/**
 * The real data sets where this machine has them: MNIST and the JPEG-round-trip CIFAR-10 in the
 * project's shared/data (per-class counts from their READMEs), Fashion-MNIST from Debian's
 * dataset-fashion-mnist. Each test is skipped when its files are absent.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../src/core/data/types.js";
import { loadDataset } from "../src/node/data/index.js";
import { SHARED } from "./helpers.js";

function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.factors!.sizes[0]).fill(0);
  for (const c of d.factors!.classes(Int32Array.from({ length: d.size }, (_, i) => i))) counts[c]++;
  return counts;
}

const MNIST = join(SHARED, "data", "mnist");
const CIFAR = join(SHARED, "data", "cifar10-jpeg");
const FASHION = "/usr/share/datasets/fashion-mnist";

describe("real data sets", () => {
  it.skipIf(!existsSync(join(MNIST, "train-images-idx3-ubyte.gz")))("MNIST from shared/data has the known per-class counts", async () => {
    const train = await loadDataset("mnist"); // default root: shared/data/mnist
    expect(train.size).toBe(60000);
    expect(classCounts(train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const test = await loadDataset("mnist", { split: "test" });
    expect(classCounts(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // Backgrounds are 0, strokes reach 1, and the first training image is a 5.
    const img = train.images([0]);
    expect(Math.min(...img)).toBe(0);
    expect(Math.max(...img)).toBe(1);
    expect(train.factors!.classes([0])[0]).toBe(5);
  });

  it.skipIf(!existsSync(join(CIFAR, "test_batch.bin.gz")))(
    "CIFAR-10 from shared/data loads data_batch_1 and test_batch with their counts",
    async () => {
      const train = await loadDataset("cifar10");
      expect(train.size).toBe(10000);
      expect(train.splitRule).toMatch(/data_batch_2, data_batch_3, data_batch_4, data_batch_5 not found/);
      expect(classCounts(train)).toEqual([1004, 989, 984, 1034, 957, 1055, 1003, 1025, 976, 973]);
      const test = await loadDataset("cifar10", { split: "test" });
      expect(classCounts(test)).toEqual(new Array(10).fill(1000));
      expect(test.factors!.classNames!.label[0]).toBe("airplane");
    },
  );

  it.skipIf(!existsSync(join(FASHION, "t10k-images-idx3-ubyte.gz")))(
    "Fashion-MNIST from the Debian package has 1,000 test images per class",
    async () => {
      const test = await loadDataset("fashion-mnist", { split: "test" });
      expect(test.shape).toEqual([28, 28, 1]);
      expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    },
  );
});
