/**
 * Your own images as a data set: float32 pixels in [0, 1] (or bytes, 0–255) held in memory, with
 * optional ground-truth factors for the metrics. Anything else that serves images and factors by
 * index can implement `Dataset` (data/types.ts) directly.
 */
import { SculptError } from "../registry.js";
import { checkIndices, outputBuffer } from "./split.js";
import type { Dataset } from "./types.js";
import { classFactors, uint8Dataset } from "./uint8-dataset.js";

export interface InMemoryData {
  /** Shown in errors and run folders (default "in-memory"). */
  name?: string;
  /** Image shape [height, width, channels]. */
  shape: readonly [number, number, number];
  /** N·H·W·C values, row-major NHWC: float32 in [0, 1], or bytes (0–255). */
  images: Float32Array | Uint8Array;
  /** Ground-truth factor classes, row-major [N, names.length] (MIG, SAP, DCI need them). */
  factors?: { names: string[]; sizes: number[]; classes: Int32Array | Uint8Array };
}

/**
 * @example
 * const data = inMemoryDataset({ shape: [8, 8, 1], images, factors: { names: ["x"], sizes: [8], classes } });
 */
export function inMemoryDataset(init: InMemoryData): Dataset {
  const name = init.name ?? "in-memory";
  const [h, w, c] = init.shape;
  const pixels = h * w * c;
  if (![h, w, c].every((v) => Number.isInteger(v) && v > 0))
    throw new SculptError(`${name}: shape [${init.shape}] is not three positive whole numbers`, "pass [height, width, channels]");
  if (init.images.length === 0 || init.images.length % pixels !== 0)
    throw new SculptError(`${name}: ${init.images.length} values are not a whole number of ${h}×${w}×${c} images`, "pass N·H·W·C values");
  const size = init.images.length / pixels;
  const classes = init.factors && { names: init.factors.names, sizes: init.factors.sizes, data: init.factors.classes };
  if (classes && classes.data.length !== size * classes.names.length)
    throw new SculptError(
      `${name}: ${classes.data.length} factor classes for ${size} images × ${classes.names.length} factors`,
      "pass [N, k] classes",
    );
  const splitRule = "given in memory";
  if (init.images instanceof Uint8Array) return uint8Dataset({ name, shape: init.shape, pixels: init.images, splitRule, classes });
  const src = init.images;
  return {
    name,
    shape: init.shape,
    size,
    splitRule,
    factors: classes && classFactors(name, size, classes),
    images(indices, out) {
      checkIndices(name, indices, size);
      const buf = outputBuffer(name, indices.length, pixels, out);
      for (let n = 0; n < indices.length; n++) buf.set(src.subarray(indices[n] * pixels, (indices[n] + 1) * pixels), n * pixels);
      return buf;
    },
  };
}
