/**
 * A parsed .npy as images: N×H×W (one channel) or N×H×W×C, uint8 (0–255) or float in [0, 1].
 * The one check of such an array, shared by `--dataset npy` (src/node/data/npy-images.ts) and the
 * Train view's file input (src/web/train/files.ts). Browser-safe.
 */
import type { NpyArray } from "../io/npy.js";
import { SculptError } from "../registry.js";
import type { InMemoryData } from "./in-memory.js";

/** The images of `arr` (named `name` in errors), ready for inMemoryDataset; throws naming the problem. */
export function npyImageData(arr: NpyArray, name: string): Required<Pick<InMemoryData, "shape" | "images">> {
  const s = arr.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new SculptError(
      `${name} has shape [${s}], expected N×H×W or N×H×W×C images`,
      "reshape the array, e.g. a[..., None] for one channel",
    );
  }
  const shape: [number, number, number] = [s[1], s[2], s.length === 4 ? s[3] : 1];
  if (s[0] === 0 || shape.some((d) => d === 0)) {
    throw new SculptError(`${name} holds no images (shape [${s}])`, "give a file with at least one image");
  }
  if (arr.dtype === "uint8") return { shape, images: arr.data as Uint8Array };
  if (arr.dtype !== "float32" && arr.dtype !== "float64") {
    throw new SculptError(`${name} has dtype ${arr.dtype}`, "save images as uint8 (0..255) or float in [0, 1]");
  }
  const images = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
  const bad = images.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    throw new SculptError(`${name}: value ${images[bad]} at position ${bad} is outside [0, 1]`, "divide by 255, or save as uint8");
  }
  return { shape, images };
}
