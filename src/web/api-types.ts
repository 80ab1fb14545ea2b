/**
 * The JSON the dashboard's server sends (src/node/serve) and the app reads: plain data shared by
 * both sides, so a change to one fails to compile the other. No absolute paths leave the server.
 */

/** A run folder as listed. */
export interface RunSummary {
  /** Path relative to the root, "/"-separated; the root's own name when the root is a run. */
  id: string;
  name: string;
  dataset?: string;
  model?: string;
  /** The prior's spec text (or its config as JSON). */
  prior?: string;
  latentDim?: number;
  seed?: number;
  epochs?: number;
  state?: string;
  /** Allow-listed files present in the folder ("latents.npy", "model/encoder/model.json", …). */
  files: string[];
  /** Numeric metrics, flattened to dotted keys. */
  metrics: Record<string, number>;
  /** Set when a file could not be read (the run is still listed). */
  problem?: string;
}

/** A folder holding run folders, or a sweep ledger. */
export interface SweepSummary {
  /** "." for the root itself. */
  id: string;
  /** Ids of the run folders inside, at any depth. */
  runs: string[];
  /** The folder has a ledger.sqlite. */
  ledger: boolean;
}

export interface Catalog {
  runs: RunSummary[];
  sweeps: SweepSummary[];
}

/** GET /api/catalog */
export interface CatalogResponse extends Catalog {
  /** The root folder's name. */
  root: string;
}

/** A JSON file that failed to parse is sent as its error. */
export type JsonFile = Record<string, unknown> | { error: string } | undefined;

/** GET /api/run?id=<id> */
export interface RunDetail {
  summary: RunSummary;
  config: JsonFile;
  environment: JsonFile;
  status: JsonFile;
  /** history.jsonl, one object per epoch. */
  history: Record<string, unknown>[];
  /** Lines of history.jsonl that were not JSON (a write cut short). */
  badHistoryLines: number;
  /** metrics.json's values flattened to dotted keys. */
  metrics: Record<string, number | string> | { error: string } | undefined;
  /** Metrics `sculpt eval` skipped, with the reason. */
  metricsSkipped: Record<string, string>;
}

/** One planned run of a sweep ledger. */
export interface LedgerRunView {
  id: string;
  /** pending, running, done or failed. */
  state: string;
  /** Where the run sits in the sweep's grid (model, latent size, seed, …). */
  coords: Record<string, unknown>;
  attempts: number;
  /** The run folder's id under the root, once it has one there. */
  run?: string;
  metrics: Record<string, number>;
  error?: string;
  /** From start to finish. */
  seconds?: number;
}

/** A sweep's ledger.sqlite, read-only. */
export interface LedgerView {
  name?: string;
  /** Runs per state. */
  counts: Record<string, number>;
  runs: LedgerRunView[];
  /** Set when the ledger could not be read. */
  problem?: string;
}

/** GET /api/sweep?id=<id> */
export interface SweepDetail extends Omit<SweepSummary, "runs"> {
  runs: RunSummary[];
  /** Present when the folder has a ledger.sqlite. */
  ledgerView?: LedgerView;
}

/** Where the server sends file `name` of run `id`. */
export function fileUrl(id: string, name: string): string {
  return `/files/${id.split("/").map(encodeURIComponent).join("/")}/${name.split("/").map(encodeURIComponent).join("/")}`;
}

/** Ids travel as a query parameter: the root sweep's id "." would not survive in a path. */
export function apiUrl(kind: "run" | "sweep", id: string): string {
  return `/api/${kind}?id=${encodeURIComponent(id)}`;
}
