/** sculpt for Node: files, backends, run folders. Re-exports the core. */
export * from "../core/index.js";
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
  readSweepSpec,
  Ledger,
  type SweepOptions,
  type SweepSummary,
  type WorkerOptions,
} from "./sweep/index.js";
