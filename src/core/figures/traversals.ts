/**
 * Latent traversals: for a few inputs, move one latent at a time across its range and decode,
 * which shows what each dimension controls. The decoder is passed in as a function, so this file
 * does not depend on any model code; rows are latent dimensions, columns are steps.
 */
import { column, matrix, type Matrix } from "../matrix.js";
import type { Prior } from "../priors/types.js";
import { SculptError } from "../registry.js";
import { imageBatch, tileImages, type ImageGrid } from "./image-grid.js";
import { quantileSorted } from "./stats.js";

/** Decode codes [n, d] into images [n, H, W, C] with values in [0, 1]. */
export type DecodeFn = (z: Matrix) => Float32Array | Promise<Float32Array>;

/**
 * Per-dimension traversal interval: the prior's marginal range (paper Figure 6), else — no prior,
 * or one without marginal ranges — the codes' own 2nd–98th percentiles, since a prior-less
 * model's codes may live anywhere (an AE's in [-40, 300]).
 */
export function traversalRanges(codes: Matrix, prior?: Prior | null): [number, number][] {
  return Array.from({ length: codes.cols }, (_, j) => {
    const r = prior?.marginalRange?.(j);
    if (r) return r;
    const v = column(codes, j).sort();
    return [quantileSorted(v, 0.02), quantileSorted(v, 0.98)] as [number, number];
  });
}

export interface Traversal {
  /** Index of the input (row of the codes) this traversal starts from. */
  input: number;
  grid: ImageGrid;
  /** The latent dimension of each row. */
  dims: readonly number[];
}

export interface TraversalOptions {
  /** Rows of `codes` to start from (default: the first 3). */
  inputs?: readonly number[];
  steps?: number;
  /** Which latent dimensions get a row, in order (default: all). */
  dims?: readonly number[];
  /** [height, width, channels] of one decoded image. */
  imageShape: readonly [number, number, number];
  ranges: [number, number][];
}

export async function latentTraversals(codes: Matrix, decode: DecodeFn, options: TraversalOptions): Promise<Traversal[]> {
  const steps = options.steps ?? 9;
  if (steps < 2) throw new SculptError(`a traversal needs at least 2 steps (got ${steps})`);
  if (options.ranges.length !== codes.cols)
    throw new SculptError(`${options.ranges.length} ranges given for ${codes.cols} latent dimensions`);
  const inputs = options.inputs ?? Array.from({ length: Math.min(3, codes.rows) }, (_, i) => i);
  const d = codes.cols;
  const dims = options.dims ?? Array.from({ length: d }, (_, j) => j);
  if (dims.some((j) => !(j >= 0 && j < d))) throw new SculptError(`traversal dimensions [${dims}] are not all in 0…${d - 1}`);
  const [h, w, c] = options.imageShape;
  const out: Traversal[] = [];
  for (const input of inputs) {
    if (input < 0 || input >= codes.rows) throw new SculptError(`traversal input ${input} is not a row of the ${codes.rows} codes`);
    // [rows·steps, d]: row r·steps + s is the input's code with z_dims[r] set to step s of its range.
    const z = new Float32Array(dims.length * steps * d);
    for (const [r, j] of dims.entries()) {
      const [lo, hi] = options.ranges[j];
      for (let s = 0; s < steps; s++) {
        const row = (r * steps + s) * d;
        for (let k = 0; k < d; k++) z[row + k] = codes.data[input * d + k];
        z[row + j] = lo + ((hi - lo) * s) / (steps - 1);
      }
    }
    const images = await decode(matrix(dims.length * steps, d, z));
    const batch = imageBatch(images, [dims.length * steps, h, w, c], "decoded traversal images");
    out.push({ input, grid: tileImages(batch, { columns: steps, pad: 1 }), dims });
  }
  return out;
}
