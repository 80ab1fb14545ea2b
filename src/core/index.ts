/**
 * sculpt core: browser-safe, depends only on TensorFlow.js. Priors, kernels, divergences,
 * (and as they land) models, metrics, synthetic data and the training loop.
 */
export { Rng } from "./random.js";
export { lookup, SculptError } from "./registry.js";
export { matrix, column, takeRows, assertFinite, type Matrix } from "./matrix.js";
export { parseNpy, serializeNpy, type NpyArray, type NpyDtype } from "./io/npy.js";
export {
  PRIORS,
  createPrior,
  priorConfigFromSpec,
  validatePriorConfig,
  customPrior,
  empiricalPrior,
  productPrior,
  parseSpec,
  type Prior,
  type PriorConfig,
  type PriorEntry,
  type PriorName,
} from "./priors/index.js";
export { KERNELS, createKernel, squaredDistances, type Kernel, type KernelConfig, type KernelName } from "./kernels/index.js";
export { mmd, type MmdEstimator, type MmdResult } from "./divergences/mmd.js";
export { gaussianKl, batchMomentKl } from "./divergences/kl.js";
export { toTensor, fromTensor } from "./tensors.js";
export {
  METRICS,
  evaluateAll,
  factorsFromMatrix,
  lps,
  lpsAsync,
  mig,
  sap,
  dci,
  covarianceRatio,
  nmse,
  fidelity,
  type MetricName,
  type MetricEntry,
  type MetricInputs,
  type MetricValues,
  type EvaluateOptions,
  type EvaluateResult,
  type Factors,
  type LpsOptions,
  type LpsResult,
} from "./metrics/index.js";
export * from "./data/index.js";
export {
  validateSweepSpec,
  expandSweep,
  assignRunIds,
  aggregate,
  formatTable,
  runId,
  METRIC_INFO,
  type SweepSpec,
  type SweepResult,
  type PlannedRun,
  type RunCoords,
} from "./sweep/index.js";
