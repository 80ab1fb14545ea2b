/**
 * Where a sweep run may write and read. A job on the Redis queue is written by whoever can reach
 * Redis, so a worker checks, before it touches the disk, that the run folder lies in its runs
 * directory and that the files the config reads (`empirical(PATH)` priors, `datasetOptions.root`)
 * lie in its allowed roots. Paths are compared after resolving symlinks and `..`, as the kernel
 * will when the run opens them.
 */
import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { priorConfigFromSpec } from "../../core/priors/index.js";
import { SculptError } from "../../core/registry.js";
import type { TrainConfig } from "../../core/train/config.js";
import { isInside } from "../paths.js";

/** The flags (on `sculpt worker` and `sculpt sweep`) that widen what a run may read. */
const WIDEN = "--allow-root DIR (or --allow-any-path)";

/**
 * `path` with every symlink and `..` resolved; the part not yet on disk (a folder about to be
 * made) is appended as written.
 */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Not there (yet): resolve its nearest existing ancestor.
  }
  let cur = resolve(path);
  const tail: string[] = [];
  for (;;) {
    const parent = dirname(cur);
    if (parent === cur) return resolve(path);
    tail.unshift(basename(cur));
    cur = parent;
    try {
      return join(realpathSync(cur), ...tail);
    } catch {
      // keep climbing
    }
  }
}

/**
 * Refuse `runsDir` unless it lies in `root` (a worker without `--runs-dir` takes the job's runs
 * directory only inside its own current directory).
 */
export function checkRunsDir(runsDir: string, root: string): void {
  const real = realPath(runsDir);
  const realRoot = realPath(root);
  if (!isInside(realRoot, real))
    throw new SculptError(
      `the job's runs dir ${runsDir}${real !== runsDir ? ` (${real})` : ""} is outside this worker's folder ${realRoot}`,
      "start the worker with --runs-dir DIR (run folders then always go there), or from a folder that holds the runs dir",
    );
}

/** Refuse a run folder that is (or, through a symlink, leads) outside its runs directory. */
export function checkRunFolder(runsDir: string, dir: string): void {
  const real = realPath(dir);
  const realRuns = realPath(runsDir);
  if (!isInside(realRuns, real))
    throw new SculptError(
      `run folder ${dir} leads to ${real}, outside its runs dir ${realRuns}`,
      `remove ${dir} (a link or a stray folder), or point --runs-dir elsewhere`,
    );
}

/** Every file or folder a run's config reads outside its run folder, with what reads it. */
export function pathsRead(config: TrainConfig): { what: string; path: string }[] {
  const found: { what: string; path: string }[] = [];
  const root = config.datasetOptions?.root;
  if (typeof root === "string") found.push({ what: "datasetOptions.root", path: root });
  // Composite priors (hybrid, mixture) nest their parts: walk the whole parsed config.
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.kind === "empirical" && typeof o.path === "string") found.push({ what: `empirical(${o.path})`, path: o.path });
      Object.values(o).forEach(walk);
    }
  };
  walk(typeof config.prior === "string" ? priorConfigFromSpec(config.prior) : config.prior);
  return found;
}

/**
 * Refuse a config that reads a file outside `roots`, naming the path, the roots and the flag that
 * allows it. Relative paths are taken from the current directory, as the loaders take them.
 */
export function checkPathsRead(config: TrainConfig, roots: readonly string[]): void {
  const realRoots = [...new Set(roots.map(realPath))];
  for (const { what, path } of pathsRead(config)) {
    const real = realPath(path);
    if (!realRoots.some((r) => isInside(r, real)))
      throw new SculptError(
        `${what} reads ${real}, outside the folders this run may read (${realRoots.join(", ")})`,
        `move it under one of them, or give ${WIDEN.replace("DIR", what === "datasetOptions.root" ? real : dirname(real))}`,
      );
  }
}

/**
 * The folders a queued or local run may read by default: the runs directory (a dependency's
 * latents), the current directory and any further ones given (the sweep file's folder, --allow-root).
 */
export function readRoots(runsDir: string, ...more: (string | undefined)[]): string[] {
  return [...new Set([runsDir, process.cwd(), ...more.filter((m): m is string => m !== undefined)].map((p) => resolve(p)))];
}
