/**
 * Metrics for Node: `evaluateAll` with LPS regressions on worker threads, and factor files.
 */
import { evaluateAll, type EvaluateOptions, type EvaluateResult, type Factors, type MetricInputs } from "../../core/metrics/index.js";
import { factorsFromMatrix } from "../../core/metrics/validate.js";
import { SculptError } from "../../core/registry.js";
import { readNpy } from "../npy-file.js";
import { workerLpsRunner, type ParallelOptions } from "./lps-parallel.js";

/**
 * Every metric that applies, LPS on all cores (what `sculpt eval --run DIR` calls).
 * @example
 * const { values } = await evaluateAllParallel({ latents, factors, prior, seed: 0 });
 */
export function evaluateAllParallel(
  inputs: MetricInputs,
  options: EvaluateOptions = {},
  parallel: ParallelOptions = {},
): Promise<EvaluateResult> {
  return evaluateAll(inputs, { ...options, context: { runLps: workerLpsRunner(parallel), ...options.context } });
}

/** Ground-truth factors from an N×k .npy of class indices (any integer or integral float dtype). */
export function readFactors(path: string, names?: string[]): Factors {
  const arr = readNpy(path);
  const [rows, cols = 1] = arr.shape;
  if (arr.shape.length < 1 || arr.shape.length > 2) {
    throw new SculptError(`${path} has shape [${arr.shape}], expected N×k factor classes`, "save the factors as a 2-D integer array");
  }
  if (names && names.length !== cols)
    throw new SculptError(`${names.length} factor names for ${cols} factor columns`, "give one name per column");
  return factorsFromMatrix({ rows, cols, data: Float64Array.from(arr.data as ArrayLike<number>) }, names);
}

export { lpsParallel, workerLpsRunner, type ParallelOptions } from "./lps-parallel.js";
