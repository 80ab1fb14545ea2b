/**
 * Train/test row splits for held-out metrics (LPS, SAP, DCI): a seeded random permutation
 * (the default for LPS) or the first rows for training and the rest for testing (`ordered`,
 * as the reference fixtures and disentanglement_lib's separate train/test draws do).
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { checkVaryingFactors, factorColumn, type Factors } from "./validate.js";

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

/**
 * The train/test split of the supervised metrics (SAP, DCI): row order with the training rows
 * first, and each factor's classes in that order; refuses a factor constant on the training rows.
 */
export function supervisedSplit(
  factors: Factors,
  rows: number,
  nTrain: number,
  kind: SplitKind,
  seed: number,
  what: string,
): { order: Int32Array; ys: Int32Array[] } {
  const { train, test } = splitRows(rows, nTrain, kind, seed);
  const order = Int32Array.from([...train, ...test]);
  const ys = factors.sizes.map((_, j) => {
    const col = factorColumn(factors, j);
    return Int32Array.from(order, (r) => col[r]);
  });
  checkVaryingFactors(
    factors,
    ys.map((y) => y.subarray(0, nTrain)),
    `${what} (training rows)`,
  );
  return { order, ys };
}
