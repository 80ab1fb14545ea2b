/**
 * Images from a `.npy`: N×H×W (one channel) or N×H×W×C, uint8 (scaled by 1/255) or float in
 * [0, 1]. `--root` names the file, or a folder holding images.npy and optionally factors.npy
 * (N or N×K integer classes) and info.json (factor names), the layout `sculpt data export` writes.
 * Split: every image trains; the seeded evaluation subset tests (SUBSET_RULE).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { inMemoryDataset } from "../../core/data/in-memory.js";
import { npyImageData } from "../../core/data/npy-images.js";
import { synthesisedSplit } from "../../core/data/split.js";
import type { Dataset, DatasetEntry, DatasetOptions } from "../../core/data/types.js";
import { SculptError } from "../../core/registry.js";
import { readNpy } from "../npy-file.js";

function readFactors(file: string, n: number, infoFile: string): { names: string[]; sizes: number[]; data: Int32Array } {
  const arr = readNpy(file);
  const k = arr.shape.length === 1 ? 1 : arr.shape[1];
  if (arr.shape[0] !== n || arr.shape.length > 2)
    throw new SculptError(
      `${file} has shape [${arr.shape}], expected [${n}] or [${n}, K] classes`,
      "save one row of factor classes per image",
    );
  const data = new Int32Array(arr.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = arr.data[i];
    if (!Number.isInteger(v) || v < 0)
      throw new SculptError(
        `${file}: value ${v} at row ${Math.floor(i / k)} is not a class index`,
        "store whole numbers ≥ 0 (class indices)",
      );
    data[i] = v;
  }
  const sizes = Array.from({ length: k }, (_, f) => {
    let max = 0;
    for (let r = 0; r < n; r++) max = Math.max(max, data[r * k + f]);
    return max + 1;
  });
  let names = Array.from({ length: k }, (_, f) => `factor${f}`);
  if (existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, "utf8")) as { factors?: { names?: string[] } };
    if (info.factors?.names?.length === k) names = info.factors.names;
  }
  return { names, sizes, data };
}

async function loadNpyImages(options: DatasetOptions): Promise<Dataset> {
  if (options.root === undefined) throw new SculptError("npy needs a file", "pass --root images.npy (or a folder with images.npy)");
  const isFolder = existsSync(options.root) && statSync(options.root).isDirectory();
  const file = isFolder ? join(options.root, "images.npy") : options.root;
  const { shape, images } = npyImageData(readNpy(file), file);
  const n = images.length / (shape[0] * shape[1] * shape[2]);
  const factorsFile = isFolder ? join(options.root, "factors.npy") : "";
  const classes = isFolder && existsSync(factorsFile) ? readFactors(factorsFile, n, join(options.root, "info.json")) : undefined;
  const full = inMemoryDataset({ name: "npy", shape, images, factors: classes && { ...classes, classes: classes.data } });
  return synthesisedSplit(full, options);
}

export const npyImages: DatasetEntry = {
  description: "images from a .npy (N×H×W[×C], uint8 or float in [0, 1]), with factors.npy classes when beside it",
  shape: null,
  source: "your file: --root images.npy, or a folder from `sculpt data export`",
  create: loadNpyImages,
};
