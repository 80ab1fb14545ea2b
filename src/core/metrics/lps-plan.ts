/**
 * The shape of an LPS job (types only): what `planLps` builds and an `LpsRunner` (worker threads in
 * Node) consumes. Kept apart from lps.ts so the metric types need not import the metric.
 */
import type { Matrix } from "../matrix.js";
import type { BinnedRows, GbdtOptions } from "./gbdt.js";
import type { MlpOptions } from "./mlp.js";
import type { SplitKind } from "./split.js";

export type LpsRegressor = "gbdt" | "mlp";

/** Everything the per-dimension jobs share; plain data, so it can be posted to a worker. */
export interface LpsPlan {
  z: Matrix;
  regressor: LpsRegressor;
  split: SplitKind;
  seed: number;
  train: Int32Array;
  test: Int32Array;
  constant: Uint8Array;
  gbdt: GbdtOptions;
  mlp: MlpOptions;
  /** Pre-binned rows (gbdt only), shared by every dimension's regression. */
  trainBins?: BinnedRows;
  testBins?: BinnedRows;
}

/** Runs the jobs of a plan (one per dimension) and returns the per-dimension R². */
export type LpsRunner = (plan: LpsPlan) => Promise<number[]>;
