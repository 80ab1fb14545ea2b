/**
 * Export a split as .npy files for cross-checks against other implementations: images.npy
 * (float32 N×H×W×C in [0, 1], exactly what training sees), factors.npy (int32 N×K classes),
 * values.npy (float32 N×K factor values, where the set has them) and info.json. The first
 * `limit` images of the split, in index order; each file is written atomically.
 */
import { join } from "node:path";
import type { Dataset } from "../../core/data/types.js";
import { SculptError } from "../../core/registry.js";
import { writeJsonAtomic } from "../atomic.js";
import { writeNpy } from "../npy-file.js";

/** Largest images.npy written in one go (float32); beyond it, ask for --limit. */
const MAX_BYTES = 2 ** 30;
const CHUNK = 1024;

export function exportDataset(d: Dataset, dir: string, options: { limit?: number; info?: object } = {}) {
  const n = Math.min(d.size, options.limit ?? d.size);
  if (!Number.isInteger(n) || n < 1) throw new SculptError(`export limit must be a whole number ≥ 1 (got ${options.limit})`);
  const [h, w, c] = d.shape;
  const pixels = h * w * c;
  if (n * pixels * 4 > MAX_BYTES) {
    const most = Math.floor(MAX_BYTES / (pixels * 4));
    throw new SculptError(
      `exporting ${n} images of ${h}×${w}×${c} would write ${((n * pixels * 4) / 2 ** 30).toFixed(1)} GiB`,
      `pass --limit ${most} or less`,
    );
  }
  const images = new Float32Array(n * pixels);
  for (let start = 0; start < n; start += CHUNK) {
    const idx = Int32Array.from({ length: Math.min(CHUNK, n - start) }, (_, k) => start + k);
    d.images(idx, images.subarray(start * pixels, (start + idx.length) * pixels));
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const written = [join(dir, "images.npy")];
  writeNpy(written[0], { dtype: "float32", shape: [n, h, w, c], data: images });
  const f = d.factors;
  if (f) {
    const k = f.names.length;
    written.push(join(dir, "factors.npy"));
    writeNpy(written[1], { dtype: "int32", shape: [n, k], data: f.classes(all) });
    if (f.values) {
      written.push(join(dir, "values.npy"));
      writeNpy(written[2], { dtype: "float32", shape: [n, k], data: f.values(all) });
    }
  }
  const info = {
    ...options.info,
    exported: n,
    shape: [n, h, w, c],
    splitRule: d.splitRule,
    factors: f ? { names: f.names, sizes: f.sizes, classNames: f.classNames ?? {} } : null,
  };
  written.push(join(dir, "info.json"));
  writeJsonAtomic(written[written.length - 1], info);
  return { out: dir, images: n, files: written };
}
