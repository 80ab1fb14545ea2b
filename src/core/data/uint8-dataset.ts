/**
 * A data set held as uint8 pixels (N×H×W×C, row-major) with optional class labels: the compact
 * form of every real image set (MNIST's 60,000 images are 47 MB as bytes, 188 MB as float32).
 * Rows are scaled to float32 only when a batch asks for them. An `ensure` hook lets a loader fill
 * rows lazily (e.g. decode JPEGs on first use).
 */
import { checkIndices, outputBuffer } from "./split.js";
import type { Dataset, FactorInfo } from "./types.js";

export interface Uint8DatasetInit {
  name: string;
  shape: readonly [number, number, number];
  /** N·H·W·C bytes. */
  pixels: Uint8Array;
  splitRule: string;
  /** Byte value that maps to 1.0 (255 for photos, 1 for binary sets). */
  maxValue?: number;
  /** Class indices, row-major [N, names.length]. */
  classes?: ClassTable;
  /** Called before rows are read, to fill any that are not loaded yet. */
  ensure?(indices: ArrayLike<number>): void;
}

export interface ClassTable {
  names: string[];
  sizes: number[];
  /** Row-major [N, names.length]. */
  data: Int32Array | Uint8Array;
  classNames?: Record<string, readonly string[]>;
}

/** FactorInfo over a stored table of class indices (labels of real sets, factors.npy). */
export function classFactors(name: string, size: number, table: ClassTable): FactorInfo {
  const k = table.names.length;
  return {
    names: table.names,
    sizes: table.sizes,
    classNames: table.classNames,
    classes(indices) {
      checkIndices(name, indices, size);
      const out = new Int32Array(indices.length * k);
      for (let r = 0; r < indices.length; r++) for (let f = 0; f < k; f++) out[r * k + f] = table.data[indices[r] * k + f];
      return out;
    },
  };
}

export function uint8Dataset(init: Uint8DatasetInit): Dataset {
  const [h, w, c] = init.shape;
  const pixels = h * w * c;
  const size = Math.floor(init.pixels.length / pixels);
  // Lookup table: one multiply-free load per byte.
  const table = new Float32Array(256);
  const max = init.maxValue ?? 255;
  for (let v = 0; v < 256; v++) table[v] = Math.min(1, v / max);
  const factors = init.classes && classFactors(init.name, size, init.classes);
  return {
    name: init.name,
    shape: init.shape,
    size,
    splitRule: init.splitRule,
    factors,
    images(indices, out) {
      checkIndices(init.name, indices, size);
      init.ensure?.(indices);
      const buf = outputBuffer(init.name, indices.length, pixels, out);
      const src = init.pixels;
      for (let n = 0; n < indices.length; n++) {
        const from = indices[n] * pixels;
        const to = n * pixels;
        for (let p = 0; p < pixels; p++) buf[to + p] = table[src[from + p]];
      }
      return buf;
    },
  };
}
