/**
 * Train/test row splits for held-out metrics (LPS, SAP, DCI): a seeded random permutation
 * (the default for LPS) or the first rows for training and the rest for testing (`ordered`,
 * as the reference fixtures and disentanglement_lib's separate train/test draws do).
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";

export type SplitKind = "random" | "ordered";

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

export function splitRows(n: number, nTrain: number, kind: SplitKind, seed: number): Split {
  if (kind !== "random" && kind !== "ordered") throw new SculptError(`unknown split '${kind}'`, "use random or ordered");
  let order: Int32Array;
  if (kind === "ordered") {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  } else {
    order = new Rng(seed).permutation(n);
  }
  // sorted row order within each part keeps memory access sequential
  return { train: order.slice(0, nTrain).sort(), test: order.slice(nTrain).sort() };
}
