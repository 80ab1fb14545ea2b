/**
 * The real data sets, where this machine has them ($SCULPT_DATA/<set> or the user cache, as
 * `sculpt data fetch` leaves them; CI points SCULPT_DATA at its copies): per-class counts that
 * hold for any faithful copy. Each is skipped, with the reason, when its files are absent.
 */
import { describe, expect, it } from "vitest";
import type { Dataset } from "../src/core/data/types.js";
import { loadDataset } from "../src/node/data/index.js";
import { dataSet } from "./requires.js";

function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.factors!.sizes[0]).fill(0);
  for (const c of d.factors!.classes(Int32Array.from({ length: d.size }, (_, i) => i))) counts[c]++;
  return counts;
}

const MNIST = dataSet("mnist");
// A copy may hold fewer than the five training batches (the loader uses those it finds).
const CIFAR = dataSet("cifar10", ["cifar-10-batches-bin/data_batch_1.bin", "cifar-10-batches-bin/test_batch.bin"]);
const FASHION = dataSet("fashion-mnist", ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]);

describe("real data sets", () => {
  it.skipIf(!MNIST.ok)(MNIST.title("MNIST has the known per-class counts"), async () => {
    const train = await loadDataset("mnist");
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

  it.skipIf(!CIFAR.ok)(CIFAR.title("CIFAR-10 loads its training batches and test_batch with their counts"), async () => {
    const train = await loadDataset("cifar10");
    // 10,000 images per batch used; a copy with fewer than five batches says which it lacks.
    const used = /= ([^(]*) \(/.exec(train.splitRule)![1].split(", ");
    expect(train.size).toBe(10000 * used.length);
    if (used.length === 5) expect(classCounts(train)).toEqual(new Array(10).fill(5000));
    else expect(train.splitRule).toMatch(/not found, so not used/);
    const test = await loadDataset("cifar10", { split: "test" });
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(test.factors!.classNames!.label[0]).toBe("airplane");
  });

  it.skipIf(!FASHION.ok)(FASHION.title("Fashion-MNIST has 1,000 test images per class"), async () => {
    const test = await loadDataset("fashion-mnist", { split: "test" });
    expect(test.shape).toEqual([28, 28, 1]);
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
  });
});
