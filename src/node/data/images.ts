/**
 * Image files to RGB bytes: PNG through pngjs, JPEG through jpeg-js (both pure JavaScript, so no
 * native build). Greyscale becomes RGB by repeating the grey value; an alpha channel is dropped.
 */
import { readFileSync } from "node:fs";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { SculptError } from "../../core/registry.js";

export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];

export interface RgbImage {
  width: number;
  height: number;
  /** height·width·3 bytes, row-major. */
  rgb: Uint8Array;
}

/** Largest image decoded: 2^26 pixels (e.g. 8192×8192), 256 MiB as RGBA. */
export const MAX_IMAGE_PIXELS = 2 ** 26;

function checkImageSize(path: string, width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new SculptError(
      `${path} declares ${width}×${height} pixels; at most ${MAX_IMAGE_PIXELS.toLocaleString("en")} pixels are decoded`,
      "shrink the image, or remove it from the folder",
    );
  }
}

/** Decode a PNG or JPEG file (recognised by its magic number) to RGB bytes. */
export function decodeImageFile(path: string): RgbImage {
  const bytes = readFileSync(path);
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      // IHDR, the first chunk, declares width and height at bytes 16..23: check them before inflating.
      if (bytes.length >= 24) checkImageSize(path, bytes.readUInt32BE(16), bytes.readUInt32BE(20));
      rgba = PNG.sync.read(bytes);
    } else if (bytes[0] === 0xff && bytes[1] === 0xd8)
      rgba = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
    else throw new SculptError(`${path}: not a PNG or JPEG file (unknown magic number)`, "convert it to PNG or JPEG, or remove it");
  } catch (err) {
    if (err instanceof SculptError) throw err;
    throw new SculptError(`${path}: cannot decode image (${(err as Error).message})`, "replace or remove the corrupt file");
  }
  const n = rgba.width * rgba.height;
  const rgb = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    rgb[3 * p] = rgba.data[4 * p];
    rgb[3 * p + 1] = rgba.data[4 * p + 1];
    rgb[3 * p + 2] = rgba.data[4 * p + 2];
  }
  return { width: rgba.width, height: rgba.height, rgb };
}
