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
}

/** Every run request of `spec`, in spec order (experiment, data set, model, …, seed innermost). */
export function expandSweep(spec: SweepSpec, options: ExpandOptions = {}): ExpandedRun[] {
  const budget = options.budget ?? spec.budget;
  const override = spec.budgets?.[budget];
  const seeds = seedList(override?.seeds ?? spec.seeds);
  const experiments = spec.experiments ?? [{ name: spec.name, grid: {}, settings: {}, match: undefined }];
  const known = new Set(experiments.map((e) => e.name));
  const out: ExpandedRun[] = [];
  if (options.datasets) {
    const all = new Set(experiments.flatMap((e) => e.grid.dataset ?? spec.grid.dataset ?? []));
    const unknown = options.datasets.filter((d) => !all.has(d));
    if (unknown.length)
      throw new SculptError(`sweep '${spec.name}' has no data set ${unknown.join(", ")}`, `choose from: ${[...all].join(", ")}`);
  }
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
        const probe = resolveModelConfig(model);
        const entry = modelEntry(probe.kind);
        // An axis a model has no use for is not crossed with it (one run, not one per value).
        const priors: (PriorValue | undefined)[] = entry.usesPrior && grid.prior ? grid.prior : [undefined];
        const kernels: (string | undefined)[] = "kernel" in probe && grid.kernel ? grid.kernel : [undefined];
        const lambdas: (number | undefined)[] = "lambda" in probe && grid.lambda ? grid.lambda : [undefined];
        const dims: (number | undefined)[] = grid.latentDim ?? [undefined];
        for (const prior of priors)
          for (const kernel of kernels)
            for (const lambda of lambdas)
              for (const latentDim of dims)
                for (const seed of seeds) {
                  const refs = experimentRefs(prior);
                  for (const r of refs) {
                    if (!known.has(r))
                      throw new SculptError(
                        `experiment '${exp.name}': the prior refers to '{${r}}', which is not an experiment of this sweep`,
                        `name one of: ${[...known].join(", ")}`,
                      );
                    if (r === exp.name) throw new SculptError(`experiment '${exp.name}' refers to itself in its prior`);
                  }
                  const request: RunRequest = {
                    ...settings,
                    dataset,
                    model,
                    prior,
                    kernel,
                    lambda,
                    latentDim,
                    seed,
                    budget: settings.epochs === undefined ? budget : undefined,
                  };
                  const usesPrior = entry.usesPrior;
                  out.push({
                    coords: {
                      experiment: exp.name,
                      dataset,
                      model: modelLabel(model),
                      prior: usesPrior ? priorLabel(prior ?? "gaussian") : undefined,
                      kernel: "kernel" in probe ? (kernel ?? kernelLabel(probe.kernel)) : undefined,
                      lambda: "lambda" in probe ? (lambda ?? Number(probe.lambda)) : undefined,
                      latentDim,
                      seed,
                    },
                    request,
                    refs: { experiments: refs, match },
                  });
                }
      }
  }
  return out;
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

/**
 * Resolve every request (`resolve` fills defaults: presets, model options, budget epochs) and name
 * each run by its config's hash. A `{experiment}` reference becomes `{run:ID}` of the source run
 * that shares the `match` keys with this one; exactly one must. Runs that resolve to the same
 * config are one run (the first keeps its coordinates).
 */
export function assignRunIds<C extends Resolved>(expanded: readonly ExpandedRun[], resolve: (r: RunRequest) => C): PlannedRun<C>[] {
  const resolved = expanded.map((e) => resolve(e.request));
  const ids: (string | undefined)[] = new Array(expanded.length);
  const deps: string[][] = expanded.map(() => []);
  const configs: C[] = [...resolved];
  const byExperiment = new Map<string, number[]>();
  expanded.forEach((e, i) => byExperiment.set(e.coords.experiment, [...(byExperiment.get(e.coords.experiment) ?? []), i]));

  const visiting = new Set<number>();
  const idOf = (i: number): string => {
    const cached = ids[i];
    if (cached) return cached;
    if (visiting.has(i))
      throw new SculptError(`experiment '${expanded[i].coords.experiment}' is part of a reference cycle`, "remove the cycle");
    visiting.add(i);
    const { refs } = expanded[i];
    let config = resolved[i];
    for (const name of refs.experiments) {
      const candidates = (byExperiment.get(name) ?? []).filter((j) => refs.match.every((k) => resolved[j][k] === resolved[i][k]));
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
      deps[i].push(src);
      if (typeof config.prior !== "string") throw new SculptError(`a '{${name}}' reference must sit in a prior spec string`);
      config = { ...config, prior: config.prior.split(`{${name}}`).join(`{run:${src}}`) };
    }
    configs[i] = config;
    visiting.delete(i);
    return (ids[i] = runId(config));
  };

  const seen = new Set<string>();
  const out: PlannedRun<C>[] = [];
  expanded.forEach((e, i) => {
    const id = idOf(i);
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, coords: { ...e.coords, latentDim: configs[i].latentDim }, config: configs[i], deps: [...new Set(deps[i])] });
  });
  return out;
}

/** Replace every `{run:ID}` token in a string with the folder `folderOf(ID)`. */
export function substituteRunRefs(text: string, folderOf: (id: string) => string): string {
  return text.replace(RUN_REF, (_, id: string) => folderOf(id));
}
