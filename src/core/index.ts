/**
 * sculpt core, the public API for browsers and Node: depends only on TensorFlow.js (import
 * `@tensorflow/tfjs` once in your entry to register its gradients and backends). Models, the
 * training loop with its typed config and reporter hooks, priors (yours too: `customPrior`),
 * kernels, MMD, metrics and `evaluateAll`, synthetic data sets and your own (`inMemoryDataset`,
 * or any `Dataset`), your own encoder and decoder (`networks` in `train`).
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
  checkPriorDim,
  MAX_PRIOR_DIM,
  type Prior,
  type PriorConfig,
  type PriorEntry,
  type PriorName,
} from "./priors/index.js";
/** The options a registry entry's schema declares, with their defaults (help text). */
export { optionFields, type OptionField } from "./spec-options.js";
export { KERNELS, createKernel, squaredDistances, type Kernel, type KernelConfig, type KernelName } from "./kernels/index.js";
export { mmd, type MmdEstimator, type MmdResult } from "./divergences/mmd.js";
export { gaussianKl, batchMomentKl } from "./divergences/kl.js";
export { toTensor, fromTensor } from "./tensors.js";
/** The TensorFlow.js instance sculpt computes with (tfjs-core's API). */
export * as tf from "./tf.js";
export { BUDGETS, type BudgetName } from "./nets/presets.js";
export type { InitScheme } from "./nets/init.js";
export {
  MODELS,
  modelEntry,
  modelKind,
  modelPrior,
  resolveModelConfig,
  type ModelName,
  type ModelConfig,
  type ModelEntry,
  type ModelInstance,
} from "./models/index.js";
export { train, TrainingDiverged, type TrainSetup, type TrainResult, type StepPoint } from "./train/train.js";
export { trainConfigSchema, validateTrainConfig, type TrainConfig } from "./train/config.js";
export type { Reporter, StepInfo, HistoryRecordLike } from "./train/reporter.js";
export type { Trainable } from "./train/setup.js";
export type { CollapseInfo } from "./train/collapse.js";
export { encodeImages, decodeCodes, representImages } from "./train/inference.js";
export type { CheckpointStore, Checkpoint } from "./train/checkpoint.js";
export type { CustomNetworks, NetworkNeeds, NetworkSource } from "./nets/custom.js";
export type { Networks } from "./nets/build.js";
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
  type MetricKeyInfo,
  type MetricCommand,
  type MetricCommandInputs,
  type MetricCommandOptions,
  type MetricFile,
  type Direction,
} from "./metrics/index.js";
export * from "./data/index.js";
export { DATA_OPTIONS, type DataOptionName } from "./data/options.js";
export {
  validateSweepSpec,
  expandSweep,
  assignRunIds,
  aggregate,
  formatTable,
  runId,
  METRIC_INFO,
  TABLE_FORMATS,
  TABLE_LAYOUTS,
  type TableFormat,
  type TableLayout,
  metricLabel,
  metricDirection,
  type SweepSpec,
  type SweepResult,
  type PlannedRun,
  type RunCoords,
} from "./sweep/index.js";
