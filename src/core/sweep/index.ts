/** Sweeps, browser-safe: the spec format, grid expansion, run ids and tables (the Node layer runs them). */
export { sweepSpecSchema, validateSweepSpec, seedList, MATCH_KEYS, type SweepSpec, type SweepGrid, type SweepSettings } from "./spec.js";
export {
  expandSweep,
  iterateSweep,
  countSweepRuns,
  MAX_SWEEP_RUNS,
  assignRunIds,
  assignRunIdsSteps,
  substituteRunRefs,
  modelLabel,
  priorLabel,
  RUN_REF,
  type AssignOptions,
  type ExpandedRun,
  type ExpandOptions,
  type PlannedRun,
  type RunCoords,
  type RunRequest,
} from "./expand.js";
export { runId, runIdOfJson, sha256Hex, stableJson, RUN_ID_LENGTH } from "./hash.js";
export { METRIC_INFO, metricColumn, metricDirection, metricLabel, metricTitle, type Direction } from "./metric-info.js";
export {
  aggregate,
  formatTable,
  TABLE1_METRICS,
  TABLE_FORMATS,
  TABLE_LAYOUTS,
  type SweepResult,
  type SweepTable,
  type TableFormat,
  type TableLayout,
  type FormatOptions,
} from "./table.js";
