/**
 * A grid of a set's images as a PNG (default 8×8, like the paper's Figure 4): images chosen by a
 * seeded draw and shown in index order, small images enlarged by an integer factor, grey gutters
 * so black images stay visible. Written with pngjs, atomically.
 */
import { PNG } from "pngjs";
import type { Dataset } from "../../core/data/types.js";
import { Rng } from "../../core/random.js";
import { SculptError } from "../../core/registry.js";
import { writeFileAtomic } from "../atomic.js";

export interface PreviewOptions {
  rows?: number;
  cols?: number;
  seed?: number;
  /** Pixel repeat factor; default enlarges images below 64 px. */
  scale?: number;
  /** Gutter between tiles, px. */
  pad?: number;
}

/** Up to rows·cols distinct indices of a set, drawn from `seed`, ascending. */
export function previewIndices(size: number, count: number, seed: number): Int32Array {
  if (size <= count) return Int32Array.from({ length: size }, (_, i) => i);
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(size));
  return Int32Array.from(chosen).sort();
}

/** Largest preview: 2^26 pixels (256 MiB of RGBA), far beyond a readable grid. */
export const MAX_PREVIEW_PIXELS = 2 ** 26;

export function previewPng(d: Dataset, options: PreviewOptions = {}): Uint8Array {
  const { rows = 8, cols = 8, seed = 0, pad = 2 } = options;
  const [h, w, c] = d.shape;
  const scale = options.scale ?? Math.max(1, Math.floor(64 / Math.max(h, w)));
  if (![rows, cols, scale].every((v) => Number.isInteger(v) && v >= 1))
    throw new SculptError("preview rows, cols and scale must be whole numbers ≥ 1");
  const indices = previewIndices(d.size, rows * cols, seed);
  const images = d.images(indices);
  const [th, tw] = [h * scale, w * scale];
  const [width, height] = [cols * tw + (cols + 1) * pad, rows * th + (rows + 1) * pad];
  if (width * height > MAX_PREVIEW_PIXELS) {
    throw new SculptError(
      `a ${rows}×${cols} preview at scale ${scale} would be ${width}×${height} pixels; at most ${MAX_PREVIEW_PIXELS.toLocaleString("en")} pixels`,
      "use a smaller --scale or fewer --rows/--cols",
    );
  }
  const png = new PNG({ width, height });
  png.data.fill(128); // grey gutters, opaque
  for (let p = 3; p < png.data.length; p += 4) png.data[p] = 255;
  const pixels = h * w * c;
  indices.forEach((_, n) => {
    const [x0, y0] = [pad + (n % cols) * (tw + pad), pad + Math.floor(n / cols) * (th + pad)];
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++) {
        const src = n * pixels + (Math.floor(y / scale) * w + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * png.width + x0 + x) * 4;
        for (let ch = 0; ch < 3; ch++) png.data[dst + ch] = Math.round(255 * images[src + (c === 1 ? 0 : ch)]);
      }
  });
  return PNG.sync.write(png);
}

export function writePreview(
  path: string,
  d: Dataset,
  options: PreviewOptions = {},
): { out: string; images: number; width: number; height: number } {
  const bytes = previewPng(d, options);
  writeFileAtomic(path, bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); // IHDR width/height at 16/20
  return {
    out: path,
    images: Math.min(d.size, (options.rows ?? 8) * (options.cols ?? 8)),
    width: view.getUint32(16),
    height: view.getUint32(20),
  };
}
