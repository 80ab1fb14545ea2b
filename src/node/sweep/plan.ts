/**
 * From a sweep file to planned runs: read the file (YAML or JSON, or a checked-in preset by name),
 * expand its grid, resolve each request into the full training config that `trainRun` would
 * write (presets, model defaults, budget epochs), and name each run by that config's hash. Every
 * prior and kernel is built once here, so a bad spec fails before any run starts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { DATASETS } from "../data/index.js";
import type { DatasetEntry } from "../../core/data/types.js";
import { createKernel } from "../../core/kernels/index.js";
import { matrix } from "../../core/matrix.js";
import { createPrior } from "../../core/priors/index.js";
import { lookup, SculptError } from "../../core/registry.js";
import {
  assignRunIds,
  expandSweep,
  substituteRunRefs,
  type ExpandOptions,
  type PlannedRun,
  type RunRequest,
} from "../../core/sweep/expand.js";
import { stableJson } from "../../core/sweep/hash.js";
import { validateSweepSpec, type SweepSpec } from "../../core/sweep/spec.js";
import { validateTrainConfig, type TrainConfig } from "../../core/train/config.js";
import { loadDataset, packageRoot } from "../data/index.js";
import { readMatrix } from "../npy-file.js";
import { resolveTrainConfig } from "../train.js";

/** Checked-in sweep presets (`sculpt sweep table1`). */
export const PRESETS_DIR = join(packageRoot(), "presets", "sweeps");

export function listSweepPresets(): string[] {
  if (!existsSync(PRESETS_DIR)) return [];
  return readdirSync(PRESETS_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ""))
    .sort();
}

/** Read and validate a sweep file, or the preset of that name. */
export function readSweepSpec(pathOrPreset: string): { spec: SweepSpec; source: string } {
  let path = pathOrPreset;
  if (!existsSync(path)) {
    const preset = ["yaml", "yml", "json"].map((e) => join(PRESETS_DIR, `${pathOrPreset}.${e}`)).find(existsSync);
    if (!preset)
      throw new SculptError(
        `no sweep file or preset named '${pathOrPreset}'`,
        `give a YAML or JSON file, or a preset: ${listSweepPresets().join(", ") || "(none installed)"}`,
      );
    path = preset;
  }
  const text = readFileSync(path, "utf8");
  let data: unknown;
  try {
    data = extname(path) === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : "";
    throw new SculptError(
      `${path} is not valid ${extname(path) === ".json" ? "JSON" : "YAML"}${where}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  return { spec: validateSweepSpec(data, path), source: path };
}

/** Marks a dependency's folder while planning (the folder does not exist yet). */
const PLAN_REF = "sculpt-planned-run:";

/** Every run of `spec` (at a budget, for some data sets), resolved, hashed and checked. */
export async function planSweep(spec: SweepSpec, options: ExpandOptions = {}): Promise<PlannedRun<TrainConfig>[]> {
  const expanded = expandSweep(spec, options);
  // Only data sets without a preset take their architecture from the image shape; open those once.
  const shapes = new Map<string, readonly [number, number, number]>();
  for (const { request } of expanded) {
    const key = stableJson([request.dataset, request.datasetOptions ?? {}]);
    if (shapes.has(key)) continue;
    const entry: DatasetEntry = lookup(DATASETS, request.dataset, "dataset");
    shapes.set(key, entry.shape ?? (await loadDataset(request.dataset, { ...(request.datasetOptions ?? {}), split: "train" })).shape);
  }
  const resolve = (r: RunRequest): TrainConfig => {
    const { channels, ...user } = r;
    const config = resolveTrainConfig(user, shapes.get(stableJson([r.dataset, r.datasetOptions ?? {}]))!);
    return channels ? validateTrainConfig({ ...config, channels, convLayers: channels.length }) : config;
  };
  const runs = assignRunIds(expanded, resolve);
  const byId = new Map(runs.map((r) => [r.id, r]));
  for (const run of runs) {
    const model = run.config.model as { kernel?: unknown };
    if (typeof model.kernel === "string") createKernel(model.kernel);
    const prior = run.config.prior;
    createPrior(typeof prior === "string" ? substituteRunRefs(prior, (id) => PLAN_REF + id) : (prior as never), {
      dim: run.config.latentDim,
      // A planned source run's codes: the right width, contents unknown until it has run.
      loadMatrix: (path) => {
        const id = path.startsWith(PLAN_REF) ? path.slice(PLAN_REF.length).split("/")[0] : undefined;
        if (id === undefined) return readMatrix(path);
        return matrix(2, byId.get(id)!.config.latentDim);
      },
    });
  }
  return runs;
}
