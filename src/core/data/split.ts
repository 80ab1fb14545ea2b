/**
 * Split rules and index views shared by every data set. Synthetic sets (and real sets without an
 * official test file) train on every image and evaluate on a seeded subset of at most 10,000 of
 * them, as the DGAE code trains and evaluates on the same full XYC set (stfc-sciml/dae main.py);
 * `limit` keeps the first n images of a split. Views map indices, so nothing is copied.
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import type { Dataset, DatasetOptions, FactorInfo } from "./types.js";

/** Largest evaluation subset drawn from a training set (the metrics use 10,000 samples; REFERENCE §3). */
export const EVAL_SUBSET_SIZE = 10_000;
export const EVAL_SUBSET_SEED = 0;

export const SUBSET_RULE =
  `train: every image; test: ${EVAL_SUBSET_SIZE.toLocaleString("en")} images chosen by ` +
  `Rng(${EVAL_SUBSET_SEED}).permutation(N), sorted (all N when N ≤ ${EVAL_SUBSET_SIZE.toLocaleString("en")}); ` +
  "test images are also in train, as in the DGAE code";

/** Indices of the evaluation subset of a set of `size` images, ascending. */
export function evaluationSubset(size: number, max = EVAL_SUBSET_SIZE, seed = EVAL_SUBSET_SEED): Int32Array {
  if (size <= max) return Int32Array.from({ length: size }, (_, i) => i);
  return new Rng(seed).permutation(size).subarray(0, max).sort();
}

/**
 * `k` of `n` rows, drawn seeded and sorted: the images a report shows (reconstructions,
 * traversals). Not the first rows: on a set stored in factor order (XY) those all sit in one corner.
 */
export function showcaseRows(n: number, k: number, seed = EVAL_SUBSET_SEED): number[] {
  return Array.from(new Rng(seed).permutation(n).subarray(0, Math.min(k, n)).sort());
}

/** Throw unless every index is a whole number in [0, size). */
export function checkIndices(name: string, indices: ArrayLike<number>, size: number): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < size)) {
      throw new SculptError(`${name}: image index ${i} is out of range`, `use indices 0..${size - 1}`);
    }
  }
}

/** A float32 output buffer for n images of `pixels` values each (checking a given one's length). */
export function outputBuffer(name: string, n: number, pixels: number, out?: Float32Array): Float32Array {
  if (!out) return new Float32Array(n * pixels);
  if (out.length < n * pixels) {
    throw new SculptError(`${name}: output buffer holds ${out.length} values, ${n} images need ${n * pixels}`, "pass a larger buffer");
  }
  return out;
}

/** The images `map[i]` of `base`, as a data set of its own. */
export function subsetDataset(base: Dataset, map: Int32Array, splitRule: string): Dataset {
  const mapped = (indices: ArrayLike<number>) => {
    checkIndices(base.name, indices, map.length);
    return Int32Array.from(indices as ArrayLike<number>, (i) => map[i]);
  };
  const f = base.factors;
  const factors: FactorInfo | undefined = f && {
    names: f.names,
    sizes: f.sizes,
    classNames: f.classNames,
    classes: (indices) => f.classes(mapped(indices)),
    values: f.values && ((indices) => f.values!(mapped(indices))),
  };
  return {
    name: base.name,
    shape: base.shape,
    size: map.length,
    splitRule,
    factors,
    images: (indices, out) => base.images(mapped(indices), out),
  };
}

/** The same data set under another split rule. */
export function withSplitRule(d: Dataset, splitRule: string): Dataset {
  return { name: d.name, shape: d.shape, size: d.size, factors: d.factors, splitRule, images: (indices, out) => d.images(indices, out) };
}

/** Apply `options.limit` (the first n images of the split). */
export function applyLimit(dataset: Dataset, options: Pick<DatasetOptions, "limit">): Dataset {
  const limit = options.limit;
  if (limit === undefined) return dataset;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new SculptError(`limit must be a whole number ≥ 1 (got ${String(limit)})`, "pass e.g. --limit 1000");
  }
  if (limit >= dataset.size) return dataset;
  const rule = `${dataset.splitRule}; limited to the first ${limit}`;
  return subsetDataset(
    dataset,
    Int32Array.from({ length: limit }, (_, i) => i),
    rule,
  );
}

/**
 * The split of a set that has no test file of its own: every image for train, the evaluation
 * subset for test; then the limit.
 */
export function synthesisedSplit(full: Dataset, options: DatasetOptions): Dataset {
  checkSplit(options.split);
  const split = options.split === "test" ? subsetDataset(full, evaluationSubset(full.size), SUBSET_RULE) : withSplitRule(full, SUBSET_RULE);
  return applyLimit(split, options);
}

export function checkSplit(split: unknown): asserts split is "train" | "test" {
  if (split !== "train" && split !== "test") {
    throw new SculptError(`unknown split '${String(split)}'`, "use train or test");
  }
}
