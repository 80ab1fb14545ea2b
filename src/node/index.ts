/**
 * sculpt for Node, the public API beside the core (which it re-exports): backends, run folders
 * (`trainRun`, `evaluateRun`, `loadRun`), sweeps (`runSweep`), data loaders, reports, files.
 */
export * from "../core/index.js";
export { trainRun, resolveTrainConfig, type UserTrainConfig, type RunOptions, type RunSummary } from "./train.js";
export { evaluateRun, type RunMetrics } from "./evaluate.js";
export { loadRun, type LoadedRun } from "./run.js";
export { initBackend, probeBackends, BACKENDS, type BackendInfo, type BackendName } from "./backend.js";
export { readNpy, writeNpy, readMatrix, writeMatrix } from "./npy-file.js";
export { writeFileAtomic, writeJsonAtomic } from "./atomic.js";
export { loadPrior } from "./priors.js";
export { writeReport, type WriteReportOptions, type WrittenReport } from "./report/index.js";
export { evaluateAllParallel, lpsParallel, readFactors, type ParallelOptions } from "./metrics/index.js";
export {
  DATASETS,
  loadDataset,
  listDatasets,
  datasetInfo,
  previewPng,
  writePreview,
  exportDataset,
  type DatasetName,
} from "./data/index.js";
export { fetchDataset, type FetchOptions, type FetchProgress, type FetchResult } from "./data/fetch.js";
export { dataStatus, fetchableDatasets, type DataStatus } from "./data/status.js";
export { dataCacheDir, dataFolder } from "./data/files.js";
export { consoleProgress } from "./data/progress.js";
export {
  runSweep,
  sweepTable,
  runWorker,
  planSweep,
  PlanStopped,
  readSweepSpec,
  listSweepPresets,
  Ledger,
  DEFAULT_LOCK_MS,
  type SweepOptions,
  type SweepSummary,
  type WorkerOptions,
  type RunEvent,
  type SweepProgress,
} from "./sweep/index.js";
export { workerLpsRunner } from "./metrics/index.js";
export { probeWebGpuQuietly } from "./webgpu-probe.js";
export type { WebGpuProbe } from "./webgpu.js";
export { archFor } from "./arch.js";
export { runDemo, demoTable, describePlan, type DemoOptions } from "./demo.js";
export { startServer, type ServeOptions, type RunningServer } from "./serve/server.js";
