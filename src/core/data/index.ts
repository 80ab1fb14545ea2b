/**
 * Synthetic data sets, generated in the browser as well as in Node: the registry, the shared
 * types and the split helpers. File-backed sets (MNIST, CIFAR-10, dSprites' npz, ...) join them in
 * src/node/data/index.ts (`DATASETS`). Adding a set: one file exporting a DatasetEntry, one line here.
 */
import { dsprites } from "./dsprites.js";
import type { DatasetEntry } from "./types.js";
import { xy, xyc, xycs } from "./xy.js";

export const SYNTHETIC_DATASETS = { xy, xyc, xycs, dsprites } satisfies Record<string, DatasetEntry>;
export type SyntheticDatasetName = keyof typeof SYNTHETIC_DATASETS;

export type { Dataset, DatasetEntry, DatasetOptions, FactorInfo, Split } from "./types.js";
export { epochBatches } from "./batches.js";
export { FactorGrid, gridFactors } from "./factor-grid.js";
export {
  applyLimit,
  evaluationSubset,
  showcaseRows,
  subsetDataset,
  synthesisedSplit,
  withSplitRule,
  SUBSET_RULE,
  EVAL_SUBSET_SIZE,
} from "./split.js";
export { DSPRITES_FACTOR_NAMES, DSPRITES_FACTOR_SIZES, DSPRITES_FACTOR_VALUES, DSPRITES_GRID, DSPRITES_SHAPES } from "./dsprites.js";
export { uint8Dataset, type Uint8DatasetInit } from "./uint8-dataset.js";
export { inMemoryDataset, type InMemoryData } from "./in-memory.js";
