/**
 * Reading what a report needs from a run folder (src/node/run-format.ts), tolerating the files a
 * run may not have yet (metrics before `sculpt eval`, a history cut mid-line by a crash), and
 * turning a run into a sweep record.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { SweepRecord } from "../../core/figures/index.js";
import type { Matrix } from "../../core/matrix.js";
import { modelKind } from "../../core/models/index.js";
import { SculptError } from "../../core/registry.js";
import { readMatrix, readNpy } from "../npy-file.js";
import { parseHistory, RUN_FILES } from "../run-format.js";
import type { NpyArray } from "../../core/io/npy.js";

export interface RunFiles {
  dir: string;
  name: string;
  config: Record<string, unknown>;
  environment?: Record<string, unknown>;
  status?: Record<string, unknown>;
  history: Record<string, unknown>[];
  /** Lines of history.jsonl that were not valid JSON (a write cut short). */
  badHistoryLines: number;
  metrics?: RunMetricsFile;
  latents?: Matrix;
  recon?: NpyArray;
}

export function assertRunFolder(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new SculptError(`run folder not found: ${dir}`, "pass the folder `sculpt train` wrote (it holds config.json)");
  }
  if (!existsSync(join(abs, RUN_FILES.config))) {
    throw new SculptError(`${dir} is not a run folder: it has no ${RUN_FILES.config}`, "pass the folder `sculpt train` wrote");
  }
  return abs;
}

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new SculptError(`${what} is not valid JSON: ${(err as Error).message}`, `fix or delete ${path}`);
  }
}

function readOptionalObject(path: string, what: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  const v = readJsonFile(path, what);
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new SculptError(`${what} must hold a JSON object`, `fix or delete ${path}`);
  return v as Record<string, unknown>;
}

/** Flatten nested metric objects into dotted keys: {dci: {informativeness: 0.8}} → {"dci.informativeness": 0.8}. */
export function flattenMetrics(value: Record<string, unknown>, prefix = ""): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number" || typeof v === "string") out[key] = v;
    else if (typeof v === "boolean") out[key] = String(v);
    else if (Array.isArray(v))
      out[key] =
        v.every((x) => typeof x === "number") && v.length <= 16
          ? `[${v.map((x) => +x.toPrecision(4)).join(", ")}]`
          : `(${v.length} values)`;
    else if (v && typeof v === "object") Object.assign(out, flattenMetrics(v as Record<string, unknown>, key));
  }
  return out;
}

/** metrics.json as `sculpt eval` writes it: values by dotted key, skipped metrics with the reason, seconds per metric. */
export interface RunMetricsFile {
  values: Record<string, number | string>;
  skipped: Record<string, string>;
  seconds: Record<string, number>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Accepts the `{values, skipped, seconds}` layout, or a bare (possibly nested) object of values. */
export function parseMetricsFile(raw: Record<string, unknown>): RunMetricsFile {
  const layered = isObject(raw.values);
  const pick = <T>(v: unknown, keep: (x: unknown) => x is T) =>
    Object.fromEntries(Object.entries(isObject(v) ? v : {}).filter(([, x]) => keep(x))) as Record<string, T>;
  return {
    values: flattenMetrics(layered ? (raw.values as Record<string, unknown>) : raw),
    skipped: layered ? pick(raw.skipped, (x): x is string => typeof x === "string") : {},
    seconds: layered ? pick(raw.seconds, (x): x is number => typeof x === "number") : {},
  };
}

export function readRunFiles(dir: string): RunFiles {
  const abs = assertRunFolder(dir);
  const path = (f: string) => join(abs, f);
  const config = readOptionalObject(path(RUN_FILES.config), RUN_FILES.config)!;
  const { history, bad: badHistoryLines } = existsSync(path(RUN_FILES.history))
    ? parseHistory(readFileSync(path(RUN_FILES.history), "utf8"))
    : { history: [], bad: 0 };
  const metrics = readOptionalObject(path(RUN_FILES.metrics), RUN_FILES.metrics);
  return {
    dir: abs,
    name: typeof config.name === "string" ? config.name : basename(abs),
    config,
    environment: readOptionalObject(path(RUN_FILES.environment), RUN_FILES.environment),
    status: readOptionalObject(path(RUN_FILES.status), RUN_FILES.status),
    history,
    badHistoryLines,
    metrics: metrics && parseMetricsFile(metrics),
    latents: existsSync(path(RUN_FILES.latents)) ? readMatrix(path(RUN_FILES.latents)) : undefined,
    recon: existsSync(path(RUN_FILES.recon)) ? readNpy(path(RUN_FILES.recon)) : undefined,
  };
}

/** A run as a sweep record (model kind, data set, latent size, seed, numeric metrics) plus its prior's text. */
export function sweepRecord(dir: string): { record: SweepRecord; prior: string } {
  const abs = assertRunFolder(dir);
  const config = readOptionalObject(join(abs, RUN_FILES.config), RUN_FILES.config)!;
  const kind = modelKind(config.model);
  if (!kind || typeof config.dataset !== "string" || typeof config.latentDim !== "number") {
    throw new SculptError(`${dir}/${RUN_FILES.config} lacks model.kind, dataset or latentDim`, "pass folders written by `sculpt train`");
  }
  const raw = readOptionalObject(join(abs, RUN_FILES.metrics), RUN_FILES.metrics) ?? {};
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(parseMetricsFile(raw).values)) if (typeof v === "number") metrics[k] = v;
  const seed = typeof config.seed === "number" ? config.seed : 0;
  // The prior's text as written (priorSpec); folders from before it stored the text in prior.
  const written = typeof config.priorSpec === "string" ? config.priorSpec : config.prior;
  const prior = typeof written === "string" ? written : JSON.stringify(written ?? "gaussian");
  return { record: { model: kind, dataset: config.dataset, latentDim: config.latentDim, seed, metrics }, prior };
}
