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

/** Decode a PNG or JPEG file (recognised by its magic number) to RGB bytes. */
export function decodeImageFile(path: string): RgbImage {
  const bytes = readFileSync(path);
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) rgba = PNG.sync.read(bytes);
    else if (bytes[0] === 0xff && bytes[1] === 0xd8) rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
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
