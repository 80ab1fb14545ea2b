/**
 * From a sweep file to planned runs: read the file (YAML or JSON, or a checked-in preset by name),
 * expand its grid, resolve each request into the full training config that `trainRun` would
 * write (presets, model defaults, budget epochs), and name each run by that config's hash. A prior
 * is hashed as its parsed config, so `gaussian`, `gaussian()` and `gaussian(0, 1)` name one run.
 * Every prior and kernel is built once here, so a bad spec fails before any run starts.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { DATASETS } from "../data/index.js";
import type { DatasetEntry } from "../../core/data/types.js";
import { createKernel } from "../../core/kernels/index.js";
import { matrix } from "../../core/matrix.js";
import { createPrior, priorConfigFromSpec, validatePriorConfig, type PriorConfig } from "../../core/priors/index.js";
import { lookup, SculptError } from "../../core/registry.js";
import {
  assignRunIdsSteps,
  countSweepRuns,
  iterateSweep,
  RUN_REF,
  substituteRunRefs,
  type ExpandedRun,
  type ExpandOptions,
  type PlannedRun,
  type RunRequest,
} from "../../core/sweep/expand.js";
import { runIdOfJson, stableJson } from "../../core/sweep/hash.js";
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

export interface PlanOptions extends ExpandOptions {
  /** Stops planning (planSweep then throws PlanStopped) at its next pause, within milliseconds. */
  signal?: AbortSignal;
  /** Called once the runs are counted, before they are built. */
  onCount?: (requests: number) => void;
  /** Called once per data set and options, before any is opened (the CLI's --download fetches there). */
  prepareData?: (dataset: string, datasetOptions: { root?: string }) => Promise<void>;
}

/** Thrown by planSweep when its signal stops it. */
export class PlanStopped extends Error {
  constructor() {
    super("stopped while planning; nothing was written");
  }
}

// Stands for the seed in a group's stable JSON (a string no config holds), replaced per run.
const SEED_MARK = "\u0000seed\u0000";
const SEED_MARK_JSON = JSON.stringify(SEED_MARK);

/** Work units between two pauses: each pause gives the event loop a turn (signals, timers). */
const PAUSE_EVERY = 8192;

/**
 * Every run of `spec` (at a budget, for some data sets), resolved, hashed and checked. Linear in
 * the number of runs, and it yields to the event loop every few thousand, so a signal stops it.
 */
export async function planSweep(spec: SweepSpec, options: PlanOptions = {}): Promise<PlannedRun<TrainConfig>[]> {
  const { signal } = options;
  const pause = async () => {
    await new Promise<void>((r) => setImmediate(r));
    if (signal?.aborted) throw new PlanStopped();
  };
  if (signal?.aborted) throw new PlanStopped();
  options.onCount?.(countSweepRuns(spec, options));
  const expanded: ExpandedRun[] = [];
  // Only data sets without a preset take their architecture from the image shape; open those once.
  const shapes = new Map<string, readonly [number, number, number]>();
  const shapeOf: (readonly [number, number, number])[] = [];
  for (const e of iterateSweep(spec, options)) {
    expanded.push(e);
    if (expanded.length % PAUSE_EVERY === 0) await pause();
    if (shapeOf[e.group]) continue;
    const { dataset, datasetOptions } = e.request;
    const key = stableJson([dataset, datasetOptions ?? {}]);
    let shape = shapes.get(key);
    if (!shape) {
      await options.prepareData?.(dataset, datasetOptions ?? {});
      const entry: DatasetEntry = lookup(DATASETS, dataset, "dataset");
      shape = entry.shape ?? (await loadDataset(dataset, { ...(datasetOptions ?? {}), split: "train" })).shape;
      shapes.set(key, shape);
    }
    shapeOf[e.group] = shape;
  }
  // A resolved config depends on the seed only by copying it (resolveTrainConfig), so a group
  // (runs differing only in seed, consecutive) is resolved once and its configs share all but the
  // seed; so do their stable JSON texts, made once per group with a mark for the seed.
  let current: { group: number; base: TrainConfig } | undefined;
  // Each distinct prior text is parsed once (planning stays linear in the runs).
  const parsed = new Map<string, PriorConfig>();
  const parsedPrior = (prior: TrainConfig["prior"], i: number): TrainConfig["prior"] => {
    if (typeof prior !== "string") return validatePriorConfig(prior as PriorConfig);
    // A prior naming another run's folder stays text: its tokens become run ids here, and folders when it runs.
    if (expanded[i].refs.experiments.length || prior.search(RUN_REF) >= 0) return prior;
    let config = parsed.get(prior);
    if (!config) parsed.set(prior, (config = priorConfigFromSpec(prior)));
    return config;
  };
  const resolve = (r: RunRequest, i: number): TrainConfig => {
    const g = expanded[i].group;
    if (current?.group !== g) {
      const { channels, ...user } = r;
      const base = resolveTrainConfig(user, shapeOf[g]);
      const config = channels ? validateTrainConfig({ ...base, channels, convLayers: channels.length }) : base;
      current = { group: g, base: { ...config, prior: parsedPrior(config.prior, i) } };
    }
    return r.seed === current.base.seed ? current.base : { ...current.base, seed: r.seed };
  };
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  let template: { group: number; json: string[] } | undefined;
  const id = (config: TrainConfig, i: number): string => {
    const { group, refs } = expanded[i];
    // A config whose prior a reference rewrote is hashed whole.
    if (refs.experiments.length) return runIdOfJson(stableJson(config), sha256);
    if (template?.group !== group) template = { group, json: stableJson({ ...config, seed: SEED_MARK }).split(SEED_MARK_JSON) };
    if (template.json.length !== 2) return runIdOfJson(stableJson(config), sha256);
    return runIdOfJson(template.json[0] + stableJson(config.seed) + template.json[1], sha256);
  };
  const steps = assignRunIdsSteps(expanded, resolve, { id });
  let step = steps.next();
  while (!step.done) {
    await pause();
    step = steps.next();
  }
  const runs = step.value;
  expanded.length = 0;
  const byId = new Map(runs.map((r) => [r.id, r]));
  // Every distinct kernel and prior (at its latent size) is built once: a bad one fails the plan.
  const checked = new Set<string>();
  let last: TrainConfig | undefined;
  for (let i = 0; i < runs.length; i++) {
    if (i % PAUSE_EVERY === PAUSE_EVERY - 1) await pause();
    const { config } = runs[i];
    // Runs of a group share their model and prior: one check does for all of them.
    if (last && config.model === last.model && config.prior === last.prior && config.latentDim === last.latentDim) continue;
    last = config;
    const model = config.model as { kernel?: unknown };
    const prior = config.prior;
    // A reference's run id does not change what is built, only the source's latent size does.
    const refShape = typeof prior === "string" ? substituteRunRefs(prior, (ref) => `{dim:${byId.get(ref)?.config.latentDim}}`) : prior;
    const key = stableJson([model.kernel ?? null, refShape, config.latentDim]);
    if (checked.has(key)) continue;
    checked.add(key);
    if (typeof model.kernel === "string") createKernel(model.kernel);
    createPrior(typeof prior === "string" ? substituteRunRefs(prior, (ref) => PLAN_REF + ref) : (prior as never), {
      dim: config.latentDim,
      // A planned source run's codes: the right width, contents unknown until it has run.
      loadMatrix: (path) => {
        const ref = path.startsWith(PLAN_REF) ? path.slice(PLAN_REF.length).split("/")[0] : undefined;
        if (ref === undefined) return readMatrix(path);
        return matrix(2, byId.get(ref)!.config.latentDim);
      },
    });
  }
  return runs;
}
