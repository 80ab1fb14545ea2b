/**
 * Figure builders: plain data in, vega-lite specs (or RGBA image grids) out. Browser-safe, so the
 * dashboard renders the same figures the Node reports do; rendering to SVG/PNG lives in src/node/report.
 */
export { covarianceHeatmapSpec, latentLabel, type CovarianceOptions } from "./covariance.js";
export { marginalsSpec, type MarginalsOptions } from "./marginals.js";
export { trainingCurvesSpec, historyTerms, type HistoryRow } from "./curves.js";
export {
  imageBatch,
  tileImages,
  previewGrid,
  reconstructionGrid,
  gridFigureSvg,
  escapeXml,
  type ImageBatch,
  type ImageGrid,
  type RgbaImage,
  type TileOptions,
  type GridFigureOptions,
} from "./image-grid.js";
export { latentTraversals, traversalRanges, type DecodeFn, type Traversal, type TraversalOptions } from "./traversals.js";
export {
  findMetric,
  summariseMetric,
  metricVsLatentSpec,
  metricScatterSpec,
  sweepTables,
  type SweepRecord,
  type MetricSummary,
  type ModelTable,
} from "./sweep.js";
export { covariance, histogram, quantileSorted, meanStd, type Histogram } from "./stats.js";
