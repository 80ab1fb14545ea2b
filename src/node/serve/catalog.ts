/**
 * What `sculpt serve` may show: the run folders and sweeps under one root, found by walking the
 * root a few levels deep, and the one way a request's run id and file name become a path. Every
 * path is checked after resolving symlinks, so nothing outside the root (and, for files, outside
 * the run folder) is ever read; only names a run folder legitimately holds are served.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { isModelName, modelKind, modelPrior } from "../../core/models/index.js";
import { SculptError } from "../../core/registry.js";
import { parseMetricsFile } from "../report/run-folder.js";
import { isInside } from "../paths.js";
import { RUN_FILES } from "../run-format.js";
import type { Catalog, RunSummary, SweepSummary } from "../../web/api-types.js";

export type { Catalog, RunSummary, SweepSummary };

export const LEDGER_FILE = "ledger.sqlite";
const TOP_FILES = new Set([
  RUN_FILES.config,
  RUN_FILES.environment,
  RUN_FILES.history,
  RUN_FILES.metrics,
  RUN_FILES.status,
  RUN_FILES.latents,
  RUN_FILES.factors,
  RUN_FILES.recon,
  "report.html",
]);
// Saved models (model.json + weights.bin) load in a browser with tf.loadLayersModel.
const MODEL_FILE = /^model\/(encoder|decoder)\/(model\.json|[\w-]+\.bin)$/;
// Folders a run keeps its own things in, and tool folders: never searched for runs.
const SKIP_DIRS = new Set(["model", RUN_FILES.checkpoint, "node_modules"]);

/** Whether `name` ("latents.npy", "model/encoder/model.json") is a file the server may send. */
export function isServableFile(name: string): boolean {
  return TOP_FILES.has(name) || MODEL_FILE.test(name);
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const isRunFolder = (p: string) => isDir(p) && existsSync(join(p, RUN_FILES.config));

export class RunCatalog {
  /** The root with symlinks resolved. */
  readonly root: string;
  readonly rootIsRun: boolean;

  constructor(
    root: string,
    readonly maxDepth = 4,
  ) {
    if (!isDir(root)) throw new SculptError(`root folder not found: ${root}`, "pass --root a folder holding run folders or sweeps");
    this.root = realpathSync(root);
    this.rootIsRun = isRunFolder(this.root);
  }

  /** Walk the root: every run folder (a leaf) and every folder holding runs or a ledger (a sweep). */
  scan(): Catalog {
    const runs: RunSummary[] = [];
    const sweeps: SweepSummary[] = [];
    if (this.rootIsRun) return { runs: [this.summary(basename(this.root), this.root)], sweeps };
    // Returns the ids of every run at or below `dir`.
    const walk = (dir: string, id: string, depth: number, parentHasLedger: boolean): string[] => {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        return [];
      }
      const hasLedger = existsSync(join(dir, LEDGER_FILE));
      const below: string[] = [];
      let direct = 0;
      for (const name of names) {
        if (name.startsWith(".") || SKIP_DIRS.has(name)) continue;
        // A symlinked folder is followed only when it resolves inside the root.
        let real: string;
        try {
          real = realpathSync(join(dir, name));
        } catch {
          continue;
        }
        if (!isInside(this.root, real) || !isDir(real)) continue;
        const childId = id ? `${id}/${name}` : name;
        if (isRunFolder(real)) {
          runs.push(this.summary(childId, real));
          below.push(childId);
          direct++;
        } else if (depth < this.maxDepth) below.push(...walk(real, childId, depth + 1, hasLedger));
      }
      // A sweep: a folder with a ledger, or with run folders of its own (unless it is the runs
      // folder of a ledger sweep just above, which already lists them).
      if (hasLedger || (direct > 0 && !parentHasLedger)) sweeps.push({ id: id || ".", runs: below, ledger: hasLedger });
      return below;
    };
    walk(this.root, "", 1, false);
    sweeps.sort((a, b) => a.id.localeCompare(b.id));
    return { runs, sweeps };
  }

  /** The real path of run `id`, or null when no run folder inside the root has that id. */
  runDir(id: string): string | null {
    if (this.rootIsRun) return id === basename(this.root) ? this.root : null;
    const segments = id.split("/");
    if (segments.some((s) => !safeSegment(s) || s.startsWith(".") || SKIP_DIRS.has(s))) return null;
    let real: string;
    try {
      real = realpathSync(join(this.root, ...segments));
    } catch {
      return null;
    }
    return isInside(this.root, real) && real !== this.root && isRunFolder(real) ? real : null;
  }

  /** The real path of a sweep folder (id "." is the root), or null. */
  sweepDir(id: string): string | null {
    if (this.rootIsRun) return null;
    if (id === ".") return this.root;
    const segments = id.split("/");
    if (segments.some((s) => !safeSegment(s) || s.startsWith("."))) return null;
    let real: string;
    try {
      real = realpathSync(join(this.root, ...segments));
    } catch {
      return null;
    }
    return isInside(this.root, real) && isDir(real) && !isRunFolder(real) ? real : null;
  }

  /**
   * File `name` of run `id`: its real path when the name is on the allow-list and the file, symlinks
   * resolved, is a regular file inside the run folder; "forbidden" for a name off the list or a
   * link out of the folder; null when there is no such run or file.
   */
  runFile(id: string, name: string): string | "forbidden" | null {
    if (!isServableFile(name)) return "forbidden";
    const dir = this.runDir(id);
    if (!dir) return null;
    return fileInside(dir, name);
  }

  summary(id: string, dir: string): RunSummary {
    const out: RunSummary = { id, name: basename(dir), files: listServable(dir), metrics: {} };
    try {
      const config = readFileObject(dir, RUN_FILES.config) ?? {};
      out.name = typeof config.name === "string" ? config.name : out.name;
      out.dataset = typeof config.dataset === "string" ? config.dataset : undefined;
      out.model = modelKind(config.model);
      // The prior's text as written (priorSpec; folders from before it stored the text in prior). A
      // model without a prior (a plain AE) stores a placeholder: show the prior its codes are pushed toward, if any.
      const stored = typeof config.priorSpec === "string" ? config.priorSpec : config.prior;
      const prior = isModelName(out.model) ? modelPrior(out.model, stored) : stored;
      out.prior = typeof prior === "string" ? prior : prior ? JSON.stringify(prior) : undefined;
      out.latentDim = typeof config.latentDim === "number" ? config.latentDim : undefined;
      out.seed = typeof config.seed === "number" ? config.seed : undefined;
      out.epochs = typeof config.epochs === "number" ? config.epochs : undefined;
      const status = readFileObject(dir, RUN_FILES.status);
      if (typeof status?.state === "string") out.state = status.state;
      const metrics = readFileObject(dir, RUN_FILES.metrics);
      if (metrics) for (const [k, v] of Object.entries(parseMetricsFile(metrics).values)) if (typeof v === "number") out.metrics[k] = v;
    } catch (err) {
      out.problem = (err as Error).message;
    }
    return out;
  }
}

/** A path segment that names something inside its parent. */
export function safeSegment(s: string): boolean {
  return s.length > 0 && s !== "." && s !== ".." && !/[\\/\0:]/.test(s);
}

/**
 * The one resolver every read of the server goes through: file `name` ("config.json",
 * "model/encoder/model.json") of folder `dir` (a real path), symlinks resolved: its real path when
 * that is a regular file inside `dir`, "forbidden" when it leads out of `dir`, null when absent.
 */
export function fileInside(dir: string, name: string): string | "forbidden" | null {
  let real: string;
  try {
    real = realpathSync(join(dir, ...name.split("/")));
  } catch {
    return null;
  }
  if (!isInside(dir, real)) return "forbidden";
  try {
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** Read file `name` of folder `dir` through fileInside: its text, or undefined when absent. */
export function readFileInside(dir: string, name: string): string | undefined {
  const path = fileInside(dir, name);
  if (path === "forbidden") throw new SculptError(`${name} links out of its folder; it is not read`);
  return path ? readFileSync(path, "utf8") : undefined;
}

/** File `name` of folder `dir` (through fileInside) as a JSON object, or undefined when absent. */
export function readFileObject(dir: string, name: string): Record<string, unknown> | undefined {
  const text = readFileInside(dir, name);
  return text === undefined ? undefined : parseObject(text, name);
}

function listServable(dir: string): string[] {
  const files = [...TOP_FILES].filter((f) => typeof fileInside(dir, f) === "string");
  for (const part of ["encoder", "decoder"]) {
    const sub = join(dir, "model", part);
    if (!isDir(sub)) continue;
    for (const f of readdirSync(sub).sort()) {
      const name = `model/${part}/${f}`;
      if (isServableFile(name) && typeof fileInside(dir, name) === "string") files.push(name);
    }
  }
  return files;
}

function parseObject(text: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SculptError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new SculptError(`${name} must hold a JSON object`);
  return value as Record<string, unknown>;
}
