/**
 * Grid expansion: a sweep spec becomes a list of run requests (what `trainRun` takes), each with
 * the coordinates tables group by. Axes only cross the models they apply to (a prior axis does not
 * multiply `ae` runs), so no two requests of one experiment train the same thing. `assignRunIds`
 * then names each run by the hash of its resolved config, turning `{experiment}` references into
 * `{run:ID}` tokens and dependencies, so a dependent run's id covers its source's config.
 */
import { modelEntry, resolveModelConfig } from "../models/index.js";
import type { BudgetName } from "../nets/presets.js";
import { SculptError } from "../registry.js";
import { runId, stableJson } from "./hash.js";
import { MATCH_KEYS, seedList, type SweepSettings, type SweepSpec } from "./spec.js";

type ModelValue = string | { kind: string; [k: string]: unknown };
type PriorValue = string | { kind: string; [k: string]: unknown };

/** Where a run sits in the sweep: what tables group and label by. Absent axes did not apply. */
export interface RunCoords {
  experiment: string;
  dataset: string;
  /** The model's label: its kind, with any options, e.g. `beta-vae(beta=4)`. */
  model: string;
  prior?: string;
  kernel?: string;
  lambda?: number;
  /** As given in the grid; undefined means the data set's default (the resolved size is in the config). */
  latentDim?: number;
  seed: number;
}

/** One run before resolution: the user-level training config (trainRun's input, plus channels). */
export interface RunRequest extends SweepSettings {
  dataset: string;
  model: ModelValue;
  prior?: PriorValue;
  kernel?: string;
  lambda?: number;
  latentDim?: number;
  seed: number;
  /** Set when `epochs` is not: the epochs come from the budget and the data set. */
  budget?: BudgetName;
}

export interface ExpandedRun {
  coords: RunCoords;
  request: RunRequest;
  /** Experiments named in the prior as `{name}`, and what the source run must share with this one. */
  refs: { experiments: string[]; match: readonly (typeof MATCH_KEYS)[number][] };
  /** Runs of one group differ only in their seed (a planner may resolve a group once). */
  group: number;
}

const REF = /\{([A-Za-z][\w-]*)\}/g;
/** A resolved dependency inside a prior spec: the folder of run ID. */
export const RUN_REF = /\{run:([0-9a-f]+)\}/g;

/** The experiment names a prior refers to. */
function experimentRefs(prior: PriorValue | undefined): string[] {
  if (typeof prior !== "string") return [];
  return [...new Set([...prior.matchAll(REF)].map((m) => m[1]))].filter((n) => n !== "run");
}

export function modelLabel(model: ModelValue): string {
  if (typeof model === "string") return model;
  const { kind, ...rest } = model;
  const opts = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "object" ? stableJson(v) : String(v)}`);
  return opts.length ? `${kind}(${opts.join(", ")})` : kind;
}

const kernelLabel = (k: unknown) => (typeof k === "string" ? k : modelLabel(k as ModelValue));

export function priorLabel(prior: PriorValue): string {
  return typeof prior === "string" ? prior : stableJson(prior);
}

function mergeSettings(...layers: (SweepSettings | undefined)[]): SweepSettings {
  const out: SweepSettings = {};
  for (const s of layers) {
    if (!s) continue;
    const { datasetOptions, ...rest } = s;
    Object.assign(out, rest);
    if (datasetOptions) out.datasetOptions = { ...(out.datasetOptions ?? {}), ...datasetOptions };
  }
  return out;
}

export interface ExpandOptions {
  budget?: BudgetName;
  /** Keep only these data sets (each must be in the sweep). */
  datasets?: readonly string[];
  /** Seeds 0…n−1 instead of the file's (and its budget's): more seeds for a sweep that has run. */
  seeds?: number;
}

/**
 * The most runs one sweep may plan. A planned run holds its resolved config in memory (about
 * 1 KB), so past this the plan alone needs gigabytes: split such a sweep instead.
 */
export const MAX_SWEEP_RUNS = 2_000_000;

/** One experiment × data set × model: the axes crossed with it, and how many runs that makes. */
interface Block {
  exp: string;
  dataset: string;
  model: ModelValue;
  usesPrior: boolean;
  probe: Record<string, unknown>;
  settings: SweepSettings;
  match: readonly (typeof MATCH_KEYS)[number][];
  priors: { value: PriorValue | undefined; refs: string[] }[];
  kernels: (string | undefined)[];
  lambdas: (number | undefined)[];
  dims: (number | undefined)[];
  runs: number;
}

/** Check the spec and list its blocks (no run is built yet, so counting is cheap). */
function sweepBlocks(spec: SweepSpec, options: ExpandOptions): { blocks: Block[]; seeds: number[]; budget: BudgetName; total: number } {
  const budget = options.budget ?? spec.budget;
  const override = spec.budgets?.[budget];
  const seeds = seedList(options.seeds ?? override?.seeds ?? spec.seeds);
  const experiments = spec.experiments ?? [{ name: spec.name, grid: {}, settings: {}, match: undefined }];
  const known = new Set(experiments.map((e) => e.name));
  if (options.datasets) {
    const all = new Set(experiments.flatMap((e) => e.grid.dataset ?? spec.grid.dataset ?? []));
    const unknown = options.datasets.filter((d) => !all.has(d));
    if (unknown.length)
      throw new SculptError(`sweep '${spec.name}' has no data set ${unknown.join(", ")}`, `choose from: ${[...all].join(", ")}`);
  }
  const blocks: Block[] = [];
  let total = 0;
  for (const exp of experiments) {
    const grid = { ...spec.grid, ...exp.grid };
    const settings = mergeSettings(spec.settings, exp.settings, override?.settings);
    if (!grid.dataset || !grid.model)
      throw new SculptError(`experiment '${exp.name}' has no ${grid.dataset ? "model" : "dataset"} axis`, "list them under grid:");
    if (settings.channels && settings.convLayers !== undefined && settings.channels.length !== settings.convLayers)
      throw new SculptError(
        `experiment '${exp.name}': channels has ${settings.channels.length} entries but convLayers is ${settings.convLayers}`,
        "give one channel count per conv layer",
      );
    const match = exp.match ?? MATCH_KEYS;
    for (const dataset of grid.dataset.filter((d) => !options.datasets || options.datasets.includes(d)))
      for (const model of grid.model) {
        // A model spec with options (`beta-vae(beta=8)`) or config; its errors name the position.
        const probe = resolveModelConfig(model) as Record<string, unknown> & { kind: string };
        const entry = modelEntry(probe.kind);
        // An axis a model has no use for is not crossed with it (one run, not one per value).
        const priorValues: (PriorValue | undefined)[] = entry.usesPrior && grid.prior ? grid.prior : [undefined];
        const priors = priorValues.map((value) => {
          const refs = experimentRefs(value);
          for (const r of refs) {
            if (!known.has(r))
              throw new SculptError(
                `experiment '${exp.name}': the prior refers to '{${r}}', which is not an experiment of this sweep`,
                `name one of: ${[...known].join(", ")}`,
              );
            if (r === exp.name) throw new SculptError(`experiment '${exp.name}' refers to itself in its prior`);
          }
          return { value, refs };
        });
        const kernels: (string | undefined)[] = "kernel" in probe && grid.kernel ? grid.kernel : [undefined];
        const lambdas: (number | undefined)[] = "lambda" in probe && grid.lambda ? grid.lambda : [undefined];
        const dims: (number | undefined)[] = grid.latentDim ?? [undefined];
        const runs = priors.length * kernels.length * lambdas.length * dims.length * seeds.length;
        total += runs;
        blocks.push({
          exp: exp.name,
          dataset,
          model,
          usesPrior: entry.usesPrior,
          probe,
          settings,
          match,
          priors,
          kernels,
          lambdas,
          dims,
          runs,
        });
      }
  }
  if (total > MAX_SWEEP_RUNS)
    throw new SculptError(
      `sweep '${spec.name}' has ${total.toLocaleString("en")} runs; at most ${MAX_SWEEP_RUNS.toLocaleString("en")} can be planned at once`,
      "split it into several sweeps (fewer seeds or axis values per file, or --datasets)",
    );
  return { blocks, seeds, budget, total };
}

/** How many run requests `spec` expands to (before runs resolving to the same config are merged). */
export function countSweepRuns(spec: SweepSpec, options: ExpandOptions = {}): number {
  return sweepBlocks(spec, options).total;
}

/** The run requests of `spec` one at a time, in spec order (experiment, data set, model, …, seed innermost). */
export function* iterateSweep(spec: SweepSpec, options: ExpandOptions = {}): Generator<ExpandedRun, void, undefined> {
  const { blocks, seeds, budget } = sweepBlocks(spec, options);
  let group = 0;
  for (const b of blocks) {
    const hasKernel = "kernel" in b.probe;
    const hasLambda = "lambda" in b.probe;
    const label = modelLabel(b.model);
    for (const { value: prior, refs: experiments } of b.priors) {
      const priorName = b.usesPrior ? priorLabel(prior ?? "gaussian") : undefined;
      const refs = { experiments, match: b.match };
      for (const kernel of b.kernels)
        for (const lambda of b.lambdas)
          for (const latentDim of b.dims) {
            group++;
            for (const seed of seeds) {
              const request: RunRequest = {
                ...b.settings,
                dataset: b.dataset,
                model: b.model,
                prior,
                kernel,
                lambda,
                latentDim,
                seed,
                budget: b.settings.epochs === undefined ? budget : undefined,
              };
              yield {
                coords: {
                  experiment: b.exp,
                  dataset: b.dataset,
                  model: label,
                  prior: priorName,
                  kernel: hasKernel ? (kernel ?? kernelLabel(b.probe.kernel)) : undefined,
                  lambda: hasLambda ? (lambda ?? Number(b.probe.lambda)) : undefined,
                  latentDim,
                  seed,
                },
                request,
                refs,
                group,
              };
            }
          }
    }
  }
}

/** Every run request of `spec`, in spec order (experiment, data set, model, …, seed innermost). */
export function expandSweep(spec: SweepSpec, options: ExpandOptions = {}): ExpandedRun[] {
  return [...iterateSweep(spec, options)];
}

/** A planned run: its id (hash of the resolved config), the config, and the runs it needs first. */
export interface PlannedRun<C = Record<string, unknown>> {
  id: string;
  coords: RunCoords;
  config: C;
  deps: string[];
}

interface Resolved {
  dataset: string;
  latentDim: number;
  seed: number;
  prior?: unknown;
}

export interface AssignOptions<C> {
  /** Run i's id from its final config: a faster way to compute exactly runId(config). */
  id?: (config: C, i: number) => string;
}

/** Runs between the pauses of assignRunIdsSteps. */
const STEP = 4096;

/**
 * Resolve every request (`resolve(request, i)` fills defaults: presets, model options, budget epochs) and name
 * each run by its config's hash. A `{experiment}` reference becomes `{run:ID}` of the source run
 * that shares the `match` keys with this one; exactly one must. Runs that resolve to the same
 * config are one run (the first keeps its coordinates). Linear in the number of runs.
 */
export function assignRunIds<C extends Resolved>(
  expanded: readonly ExpandedRun[],
  resolve: (r: RunRequest, i: number) => C,
  options: AssignOptions<C> = {},
): PlannedRun<C>[] {
  const steps = assignRunIdsSteps(expanded, resolve, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * assignRunIds as a generator that pauses (yields) every few thousand runs, so a caller can give
 * its event loop a turn (signals, progress) while planning a large sweep; it returns the runs.
 */
export function* assignRunIdsSteps<C extends Resolved>(
  expanded: readonly ExpandedRun[],
  resolve: (r: RunRequest, i: number) => C,
  options: AssignOptions<C> = {},
): Generator<void, PlannedRun<C>[], undefined> {
  const resolved: C[] = new Array(expanded.length);
  for (let i = 0; i < expanded.length; i++) {
    resolved[i] = resolve(expanded[i].request, i);
    if (i % STEP === STEP - 1) yield;
  }
  const ids: (string | undefined)[] = new Array(expanded.length);
  const deps: string[][] = new Array(expanded.length);
  const configs: C[] = resolved.slice();
  const byExperiment = new Map<string, number[]>();
  expanded.forEach((e, i) => {
    const list = byExperiment.get(e.coords.experiment);
    if (list) list.push(i);
    else byExperiment.set(e.coords.experiment, [i]);
  });
  // The runs of an experiment grouped by the values of some match keys, built once per (experiment, keys).
  const indexes = new Map<string, Map<string, number[]>>();
  const matchKey = (i: number, keys: readonly string[]) => JSON.stringify(keys.map((k) => resolved[i][k as keyof Resolved]));
  const candidatesOf = (name: string, keys: readonly string[], i: number): number[] => {
    const indexKey = `${name}\0${keys.join(",")}`;
    let index = indexes.get(indexKey);
    if (!index) {
      index = new Map();
      for (const j of byExperiment.get(name) ?? []) {
        const k = matchKey(j, keys);
        const list = index.get(k);
        if (list) list.push(j);
        else index.set(k, [j]);
      }
      indexes.set(indexKey, index);
    }
    return index.get(matchKey(i, keys)) ?? [];
  };

  const visiting = new Set<number>();
  const idOf = (i: number): string => {
    const cached = ids[i];
    if (cached) return cached;
    if (visiting.has(i))
      throw new SculptError(`experiment '${expanded[i].coords.experiment}' is part of a reference cycle`, "remove the cycle");
    visiting.add(i);
    const { refs } = expanded[i];
    let config = resolved[i];
    const found: string[] = [];
    for (const name of refs.experiments) {
      const candidates = candidatesOf(name, refs.match, i);
      if (candidates.length !== 1) {
        const at = refs.match.map((k) => `${k} ${resolved[i][k]}`).join(", ");
        throw new SculptError(
          `experiment '${expanded[i].coords.experiment}': ${candidates.length === 0 ? "no" : candidates.length} run${candidates.length === 1 ? "" : "s"} of '${name}' match ${at}`,
          candidates.length === 0
            ? `give '${name}' the same ${refs.match.join(", ")} values, or set match:`
            : `narrow '${name}' to one model per ${refs.match.join(", ")}, or add keys to match:`,
        );
      }
      const src = idOf(candidates[0]);
      found.push(src);
      if (typeof config.prior !== "string") throw new SculptError(`a '{${name}}' reference must sit in a prior spec string`);
      config = { ...config, prior: config.prior.split(`{${name}}`).join(`{run:${src}}`) };
    }
    deps[i] = found;
    configs[i] = config;
    visiting.delete(i);
    return (ids[i] = options.id ? options.id(config, i) : runId(config));
  };

  const seen = new Set<string>();
  const out: PlannedRun<C>[] = [];
  for (let i = 0; i < expanded.length; i++) {
    const id = idOf(i);
    if (i % STEP === STEP - 1) yield;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, coords: { ...expanded[i].coords, latentDim: configs[i].latentDim }, config: configs[i], deps: [...new Set(deps[i])] });
  }
  return out;
}

/** Replace every `{run:ID}` token in a string with the folder `folderOf(ID)`. */
export function substituteRunRefs(text: string, folderOf: (id: string) => string): string {
  return text.replace(RUN_REF, (_, id: string) => folderOf(id));
}
