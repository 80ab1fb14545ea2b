/**
 * Images by factor values: for a full-factorial data set (every combination of factor classes
 * present exactly once, as XY, XYC, XYCS and dSprites), the index of the image with given classes.
 * Built from the set's own `factors.classes`, so it holds whatever order the set stores its images
 * in (dSprites' npz included). The intervention metrics draw their images through it.
 */
import type { Dataset } from "./types.js";

export type FactorLookup = (classes: Int32Array, n: number) => Int32Array;

/** How many class rows are read per call while building the table. */
const CHUNK = 65_536;

/** The lookup, or why this data set has none. */
export function factorLookup(d: Dataset): { lookup: FactorLookup } | { reason: string } {
  const f = d.factors;
  if (!f) return { reason: `${d.name} has no ground-truth factors` };
  const k = f.sizes.length;
  const combos = f.sizes.reduce((a, b) => a * b, 1);
  if (combos !== d.size) {
    return { reason: `${d.name} holds ${d.size} images for ${combos} factor combinations (not a full grid of factors)` };
  }
  const table = new Int32Array(combos).fill(-1);
  const code = (c: ArrayLike<number>, at: number) => {
    let v = 0;
    for (let j = 0; j < k; j++) v = v * f.sizes[j] + c[at + j];
    return v;
  };
  for (let start = 0; start < d.size; start += CHUNK) {
    const idx = Int32Array.from({ length: Math.min(CHUNK, d.size - start) }, (_, i) => start + i);
    const classes = f.classes(idx);
    for (let i = 0; i < idx.length; i++) {
      const v = code(classes, i * k);
      if (table[v] !== -1) return { reason: `${d.name} holds two images with the same factor classes (not a full grid of factors)` };
      table[v] = idx[i];
    }
  }
  return {
    lookup: (classes, n) => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = table[code(classes, i * k)];
      return out;
    },
  };
}
