/**
 * Images loaded from disk in the Train view: a .npy (N×H×W[×C], uint8 or float in [0, 1], checked
 * by the core's npyImageData, as `--dataset npy` does) or PNG/JPEG files (a folder or a selection),
 * decoded by the browser to RGB bytes; every image must have the first one's size, as
 * `--dataset image-folder` requires. Errors name the file and the fix.
 */
import type { InMemoryData } from "../../core/data/in-memory.js";
import { npyImageData } from "../../core/data/npy-images.js";
import { parseNpy } from "../../core/io/npy.js";
import { SculptError } from "../../core/registry.js";

/** Largest data set the page takes, as training holds it (bytes, or float32 for a float .npy): 256 MiB. */
export const MAX_PAGE_DATA_BYTES = 256 * 2 ** 20;

/** What the Train view trains on when not a synthetic set: the run's dataset name, root, and images. */
export interface LoadedImages extends Required<Pick<InMemoryData, "shape" | "images">> {
  /** `npy` or `image-folder`, the Node loader that reads the same files. */
  dataset: "npy" | "image-folder";
  /** The file or folder name (datasetOptions.root of the exported run). */
  root: string;
  size: number;
}

const IMAGE = /\.(png|jpe?g)$/i;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

function tooBig(what: string, bytes: number): SculptError {
  return new SculptError(
    `${what} is ${mib(bytes)}; the page trains on at most ${mib(MAX_PAGE_DATA_BYTES)}`,
    "keep fewer or smaller images, or train it in Node (`sculpt train --dataset npy|image-folder --root ...`)",
  );
}

/** A .npy file's images. */
export async function loadNpyFile(file: File): Promise<LoadedImages> {
  // A float32 copy of float64 data is half its size: the file's size bounds what training holds.
  if (file.size > MAX_PAGE_DATA_BYTES * 2) throw tooBig(file.name, file.size);
  const { shape, images } = npyImageData(parseNpy(new Uint8Array(await file.arrayBuffer()), file.name), file.name);
  if (images.byteLength > MAX_PAGE_DATA_BYTES) throw tooBig(file.name, images.byteLength);
  return { dataset: "npy", root: file.name, shape, images, size: images.length / (shape[0] * shape[1] * shape[2]) };
}

/** PNG/JPEG files (other files skipped), in path order, as RGB bytes of one size. */
export async function loadImageFiles(files: readonly File[]): Promise<LoadedImages> {
  const path = (f: File) => f.webkitRelativePath || f.name;
  const images = files.filter((f) => IMAGE.test(f.name)).sort((a, b) => (path(a) < path(b) ? -1 : 1));
  const root = images.length && images[0].webkitRelativePath ? images[0].webkitRelativePath.split("/")[0] : "images";
  if (images.length === 0) {
    throw new SculptError(
      `no PNG or JPEG images among the ${files.length} files chosen`,
      "choose .png, .jpg or .jpeg files, or a folder holding them",
    );
  }
  let width = 0;
  let height = 0;
  let pixels: Uint8Array | null = null;
  for (const [n, f] of images.entries()) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(f);
    } catch {
      throw new SculptError(`${path(f)} could not be decoded as an image`, "remove it, or re-save it as PNG or JPEG");
    }
    if (n === 0) {
      ({ width, height } = bitmap);
      const bytes = images.length * width * height * 3;
      if (bytes > MAX_PAGE_DATA_BYTES) throw tooBig(`${images.length} images of ${width}×${height}`, bytes);
      pixels = new Uint8Array(bytes);
    } else if (bitmap.width !== width || bitmap.height !== height) {
      const size = `${bitmap.width}×${bitmap.height}`; // read before close(), which zeroes them
      bitmap.close();
      throw new SculptError(
        `${path(f)} is ${size}, but ${path(images[0])} is ${width}×${height}: the images are of mixed sizes`,
        "resize them all to one size",
      );
    }
    const ctx = new OffscreenCanvas(width, height).getContext("2d")!;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const out = pixels!.subarray(n * width * height * 3);
    for (let p = 0; p < width * height; p++) {
      out[p * 3] = rgba[p * 4];
      out[p * 3 + 1] = rgba[p * 4 + 1];
      out[p * 3 + 2] = rgba[p * 4 + 2];
    }
  }
  return { dataset: "image-folder", root, shape: [height, width, 3], images: pixels!, size: images.length };
}
