/**
 * Every data set, synthetic and file-backed: the `DATASETS` registry and `loadDataset`, the one way
 * the trainer, the metrics and the CLI open a set by name. Adding a set: one file exporting a
 * DatasetEntry, one line in DATASETS (synthetic sets go in src/core/data/index.ts instead).
 */
import { SYNTHETIC_DATASETS } from "../../core/data/index.js";
import type { Dataset, DatasetEntry, DatasetOptions } from "../../core/data/types.js";
import { lookup } from "../../core/registry.js";
import { cifar10 } from "./cifar10.js";
import { dspritesNpz } from "./dsprites-npz.js";
import { imageFolder, tinyImageNet } from "./image-folder.js";
import { fashionMnist, mnist } from "./mnist.js";
import { npyImages } from "./npy-images.js";

export const DATASETS = {
  ...SYNTHETIC_DATASETS,
  "dsprites-npz": dspritesNpz,
  mnist,
  "fashion-mnist": fashionMnist,
  cifar10,
  "tiny-imagenet": tinyImageNet,
  "image-folder": imageFolder,
  npy: npyImages,
} satisfies Record<string, DatasetEntry>;

export type DatasetName = keyof typeof DATASETS;

/** Open a data set by name; the split defaults to train. */
export async function loadDataset(name: string, options: Partial<DatasetOptions> = {}): Promise<Dataset> {
  const entry: DatasetEntry = lookup(DATASETS, name, "dataset");
  return await entry.create({ ...options, split: options.split ?? "train" });
}

/** The registry as plain data (`sculpt data list`). */
export function listDatasets(): { name: string; description: string; shape: readonly number[] | null; source: string }[] {
  return Object.entries(DATASETS).map(([name, e]: [string, DatasetEntry]) => ({
    name,
    description: e.description,
    shape: e.shape,
    source: e.source ?? "",
  }));
}

/** What `sculpt data info` prints: size, shape, factors and the split rule of an opened set. */
export function datasetInfo(name: string, d: Dataset) {
  const entry: DatasetEntry = lookup(DATASETS, name, "dataset");
  return {
    name,
    description: entry.description,
    source: entry.source ?? "",
    size: d.size,
    shape: [...d.shape],
    splitRule: d.splitRule,
    factors: d.factors
      ? { names: d.factors.names, sizes: d.factors.sizes, values: Boolean(d.factors.values), classNames: d.factors.classNames ?? {} }
      : null,
  };
}

export { readMaybeGz, locate, packageRoot } from "./files.js";
export { parseIdx } from "./mnist.js";
export { parseCifarRecords } from "./cifar10.js";
export { readNpzMembers } from "./npz.js";
export { readDspritesNpz, DSPRITES_FILE } from "./dsprites-npz.js";
export { previewPng, writePreview } from "./preview.js";
export { exportDataset } from "./export.js";
