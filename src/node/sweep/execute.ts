/**
 * One sweep run, start to finish, in its folder RUNS/<id>: write the resolved config, train (always
 * with `resume`, so an interrupted attempt continues from its checkpoint and a fresh one starts at
 * epoch 0), then evaluate. Work already finished in the folder is kept: a trained run is not
 * trained again and a metrics.json is not recomputed. Each attempt appends to sweep-log.jsonl,
 * which says how often a run was started and finished and by whom.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { SculptError } from "../../core/registry.js";
import { substituteRunRefs } from "../../core/sweep/expand.js";
import { runId, stableJson } from "../../core/sweep/hash.js";
import { storedTrainConfig, type TrainConfig } from "../../core/train/config.js";
import type { Reporter } from "../../core/train/reporter.js";
import { evaluateRun, type RunMetrics } from "../evaluate.js";
import { readRunConfig, writeRunConfig } from "../run-config.js";
import { RUN_FILES, type RunStatus } from "../run-format.js";
import { trainRun } from "../train.js";
import { checkPathsRead, checkRunFolder } from "./confine.js";
import type { RunOutcome } from "./ledger.js";

/** Appended to in each run folder: one JSON line per attempt start and finish. */
export const SWEEP_LOG = "sweep-log.jsonl";

export interface RunTask {
  id: string;
  /** The resolved config, with `{run:ID}` tokens for the folders of runs it depends on. */
  config: TrainConfig;
}

export interface ExecuteOptions {
  runsDir: string;
  /** Names this process in the ledger and the log. */
  worker?: string;
  backend?: string;
  signal?: AbortSignal;
  reporters?: Reporter[];
  /**
   * Folders the files a run reads (`empirical(PATH)` priors, `datasetOptions.root`) must lie in,
   * symlinks resolved (confine.ts); undefined: anywhere. The sweep runners always set it.
   */
  readRoots?: string[];
}

export const workerName = () => `${hostname()}:${process.pid}`;

function readJsonIf<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

/** Only the numbers of a metrics.json (per-dimension arrays stay in the file). */
export function scalarMetrics(m: RunMetrics): Record<string, number> {
  return Object.fromEntries(
    Object.entries(m.values).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1])),
  );
}

export async function executeRun(task: RunTask, options: ExecuteOptions): Promise<RunOutcome> {
  if (runId(task.config) !== task.id)
    throw new SculptError(
      `run ${task.id}: its config does not hash to its id`,
      "re-plan the sweep (the sweep file or sculpt version changed)",
    );
  const runsDir = resolve(options.runsDir);
  const dir = join(runsDir, task.id);
  checkRunFolder(runsDir, dir);
  const worker = options.worker ?? workerName();
  // Dependencies' folders are siblings in the same runs directory.
  const prior = typeof task.config.prior === "string" ? substituteRunRefs(task.config.prior, (id) => join(runsDir, id)) : task.config.prior;
  const config: TrainConfig = { ...task.config, prior };
  if (options.readRoots) checkPathsRead(config, options.readRoots);
  const log = (event: string, extra: Record<string, unknown> = {}) =>
    appendFileSync(join(dir, SWEEP_LOG), JSON.stringify({ event, worker, at: new Date().toISOString(), ...extra }) + "\n");

  const configPath = join(dir, RUN_FILES.config);
  // Compared in stored form (prior parsed), so folders written in either format match.
  const existing = existsSync(configPath) ? readRunConfig(dir) : undefined;
  if (existing === undefined) {
    mkdirSync(dir, { recursive: true });
    writeRunConfig(dir, config);
  } else if (stableJson(existing) !== stableJson(storedTrainConfig(config))) {
    throw new SculptError(`${dir} holds a run with another config`, "move that folder away, or point --runs-dir elsewhere");
  }
  log("started");

  const t0 = performance.now();
  const status = readJsonIf<RunStatus>(join(dir, RUN_FILES.status));
  const trained =
    status?.state === "done" && existsSync(join(dir, RUN_FILES.latents)) && existsSync(join(dir, RUN_FILES.encoder, "model.json"));
  if (!trained)
    await trainRun(
      { dataset: config.dataset, model: config.model },
      { outDir: dir, resume: true, backend: options.backend, signal: options.signal, reporters: options.reporters },
    );
  const t1 = performance.now();
  const done = trained ? readJsonIf<RunMetrics>(join(dir, RUN_FILES.metrics)) : undefined;
  const metrics = done ?? (await evaluateRun(dir, { backend: options.backend }));
  const t2 = performance.now();
  const outcome: RunOutcome = {
    id: task.id,
    dir,
    metrics: scalarMetrics(metrics),
    trainSeconds: (t1 - t0) / 1000,
    evalSeconds: (t2 - t1) / 1000,
    worker,
  };
  log("finished", { trained: !trained, evaluated: !done });
  return outcome;
}
