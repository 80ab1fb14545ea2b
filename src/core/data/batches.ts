/** Shuffled mini-batches of indices from a seed (the same seed gives the same order everywhere). */
import type { Rng } from "../random.js";

/** One epoch of index batches; the last short batch is kept unless dropLast. */
export function* epochBatches(size: number, batchSize: number, rng: Rng, dropLast = false): Generator<Int32Array> {
  const order = rng.permutation(size);
  for (let start = 0; start < size; start += batchSize) {
    const end = Math.min(start + batchSize, size);
    if (dropLast && end - start < batchSize) return;
    yield order.subarray(start, end);
  }
}
