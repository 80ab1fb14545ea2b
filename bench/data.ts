/**
 * `npm run bench -- data`: how fast each set serves shuffled float32 batches of 512 (XY and dSprites
 * rendered on demand, MNIST and CIFAR-10 converted from uint8), against a reference that only copies
 * an already-float32 batch of the same size; plus the process's peak RSS after a dSprites epoch
 * slice, since dSprites must train in well under 2 GB.
 */
import { epochBatches } from "../src/core/data/batches.js";
import type { Dataset } from "../src/core/data/types.js";
import { Rng } from "../src/core/random.js";
import { loadDataset } from "../src/node/data/index.js";

const BATCH = 512;
const SECONDS = 1.5;

/** Batches per second over about SECONDS of shuffled batches (into one reused buffer, as training does). */
function batchesPerSecond(d: Dataset): number {
  const pixels = d.shape[0] * d.shape[1] * d.shape[2];
  const out = new Float32Array(BATCH * pixels);
  const rng = new Rng(0);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    for (const idx of epochBatches(d.size, BATCH, rng, true)) {
      d.images(idx, out);
      n++;
      if (performance.now() - start > SECONDS * 1000) break;
    }
  }
  return n / ((performance.now() - start) / 1000);
}

/** The reference: copying a float32 batch of the same shape, with nothing to convert or draw. */
function copyPerSecond(pixels: number): number {
  const src = new Float32Array(BATCH * pixels).fill(0.5);
  const out = new Float32Array(BATCH * pixels);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    out.set(src);
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

export async function run(): Promise<object> {
  const results: Record<string, unknown> = { batch: BATCH };
  for (const name of ["xy", "dsprites", "mnist", "cifar10"]) {
    let d: Dataset;
    try {
      d = await loadDataset(name);
    } catch (err) {
      results[name] = { skipped: (err as Error).message };
      continue;
    }
    const pixels = d.shape[0] * d.shape[1] * d.shape[2];
    const rate = batchesPerSecond(d);
    const copy = copyPerSecond(pixels);
    results[name] = {
      images: d.size,
      shape: d.shape,
      batchesPerSecond: Number(rate.toFixed(1)),
      imagesPerSecond: Math.round(rate * BATCH),
      referenceCopyBatchesPerSecond: Number(copy.toFixed(1)),
      ratioToCopy: Number((rate / copy).toFixed(3)),
    };
  }
  results.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  return results;
}
