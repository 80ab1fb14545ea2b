/**
 * Training runs on disk: resolve a user config, train with file checkpoints, and leave a complete
 * run folder (see run-format.ts). `resume` continues a killed run from its last checkpoint with
 * the same result as an uninterrupted one.
 */
import { existsSync, readFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import * as tf from "../core/tf.js";
import { storedKernel, type KernelConfig } from "../core/kernels/index.js";
import { modelEntry, resolveModelConfig } from "../core/models/index.js";
import { BUDGETS, presetFor, type BudgetName } from "../core/nets/presets.js";
import { lookup, SculptError } from "../core/registry.js";
import type { PriorConfig, Prior } from "../core/priors/index.js";
import { stableJson } from "../core/sweep/hash.js";
import { storedTrainConfig, validateTrainConfig, type TrainConfig } from "../core/train/config.js";
import { createModel, networkArch, networkNeeds } from "../core/train/setup.js";
import type { Networks } from "../core/nets/build.js";
import { userNetworks, type CustomNetworks, type NetworkNeeds } from "../core/nets/custom.js";
import type { Reporter } from "../core/train/reporter.js";
import type { InitScheme } from "../core/nets/init.js";
import { encodeImages, decodeCodes } from "../core/train/inference.js";
import { train, TrainingDiverged, type TrainResult, type TrainSetup } from "../core/train/train.js";
import { evaluationSubset, showcaseRows } from "../core/data/split.js";
import type { Dataset } from "../core/data/types.js";
import { writeFileAtomic, writeJsonAtomic } from "./atomic.js";
import { initBackend } from "./backend.js";
import { FileCheckpointStore } from "./checkpoint-file.js";
import { loadDataset } from "./data/index.js";
import { saveLayersModel } from "./layers-io.js";
import { writeMatrix, writeNpy } from "./npy-file.js";
import { loadPrior } from "./priors.js";
import { readRunConfig, writeRunConfig } from "./run-config.js";
import { RUN_FILES, type EnvironmentInfo, type RunStatus } from "./run-format.js";

const require = createRequire(import.meta.url);

/** What a user (or the CLI, or a sweep) asks for; everything else comes from defaults and presets. */
export interface UserTrainConfig {
  dataset: string;
  model: string | { kind: string; [k: string]: unknown };
  prior?: string | { kind: string; [k: string]: unknown };
  kernel?: string;
  lambda?: number;
  latentDim?: number;
  convLayers?: number;
  /** Conv channels (encoder order); defaults to the data set's preset. */
  channels?: number[];
  epochs?: number;
  budget?: BudgetName;
  batchSize?: number;
  lr?: number;
  seed?: number;
  checkpointEvery?: number;
  evalLimit?: number;
  datasetOptions?: Record<string, unknown>;
  reconstruction?: "bce_logits" | "mse";
  /** Weight initialisation: "torch" (default, PyTorch's) or "glorot" (Keras'). */
  init?: InitScheme;
  /** Adam's ε (default 1e-8, PyTorch's). */
  adamEpsilon?: number;
}

export function resolveTrainConfig(user: UserTrainConfig, shape: readonly [number, number, number]): TrainConfig {
  const preset = presetFor(user.dataset, shape);
  // The model with its options (a spec such as `beta-vae(beta=8)`, or a config), defaults filled.
  const model: Record<string, unknown> = { ...resolveModelConfig(user.model) };
  // --kernel and --lambda are shorthands for those options; refuse them where the model has none.
  for (const [flag, value] of [
    ["kernel", user.kernel],
    ["lambda", user.lambda],
  ] as const) {
    if (value === undefined) continue;
    if (!(flag in model))
      throw new SculptError(`--${flag} does not apply to model ${model.kind}`, "use it with ae-mmd (or batch-kl for --lambda)");
    model[flag] = value;
  }
  // A kernel is checked here (positioned errors) and stored parsed when it has options.
  if (model.kernel !== undefined) model.kernel = storedKernel(model.kernel as string | KernelConfig);
  const entry = modelEntry(String(model.kind));
  if (user.prior !== undefined && !entry.usesPrior) {
    throw new SculptError(`model ${model.kind} does not use a programmable prior`, "use --model ae-mmd to push codes toward --prior");
  }
  if (user.epochs !== undefined && user.budget !== undefined) throw new SculptError("give --epochs or --budget, not both");
  if (user.channels && user.convLayers !== undefined && user.channels.length !== user.convLayers) {
    throw new SculptError(
      `--depth ${user.convLayers} does not match ${user.channels.length} --channels`,
      "give one of them, or as many channels as layers",
    );
  }
  const budget = lookup(BUDGETS, user.budget ?? "quick", "budget")(preset);
  return validateTrainConfig({
    dataset: user.dataset,
    datasetOptions: user.datasetOptions ?? {},
    model: resolveModelConfig(model as { kind: string }),
    prior: entry.usesPrior ? (user.prior ?? "gaussian") : "gaussian",
    latentDim: user.latentDim ?? preset.latentDim,
    convLayers: user.channels?.length ?? user.convLayers ?? preset.convLayers,
    channels: user.channels ?? (user.convLayers === undefined ? preset.channels : undefined),
    reconstruction: user.reconstruction,
    init: user.init,
    adamEpsilon: user.adamEpsilon,
    epochs: user.epochs ?? budget.epochs,
    batchSize: user.batchSize ?? (user.epochs === undefined ? budget.batchSize : undefined),
    lr: user.lr,
    seed: user.seed,
    checkpointEvery: user.checkpointEvery,
    evalLimit: user.evalLimit,
  });
}

export interface RunOptions {
  outDir: string;
  /** Continue from the run folder's checkpoint (its config.json wins). */
  resume?: boolean;
  reporters?: Reporter[];
  backend?: string;
  signal?: AbortSignal;
  /**
   * Awaited before each step (core `train`'s hook). A run trains with synchronous kernels, so a
   * caller that must serve other events meanwhile (child processes, timers) yields here, e.g.
   * `() => new Promise((r) => setImmediate(r))`.
   */
  beforeStep?: TrainSetup["beforeStep"];
  /**
   * Your own encoder and decoder (tfjs-layers models or layer lists, as in core `train`) instead of
   * the data set's default network. config.json then says `network: "custom"`, and loadRun (so
   * `sculpt eval`, `report` and `serve`) reads the trained networks from model/encoder and
   * model/decoder. Resuming such a run needs the same networks again.
   */
  networks?: CustomNetworks;
}

export interface RunSummary {
  outDir: string;
  config: TrainConfig;
  backend: string;
  seconds: number;
  epochs: number;
  final: Record<string, number>;
  collapse: RunStatus["collapse"] | null;
}

/** A new run goes into a new or empty folder only: never over a user's files. */
function checkNewRunFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new SculptError(`--out ${dir} is a file, not a folder`, "choose another --out");
  if (existsSync(join(dir, RUN_FILES.config)))
    throw new SculptError(`${dir} already holds a run`, "add --resume to continue it, or choose another --out");
  const found = readdirSync(dir);
  if (found.length > 0) {
    const shown = found.slice(0, 5).join(", ") + (found.length > 5 ? `, … (${found.length} in all)` : "");
    throw new SculptError(`--out ${dir} is not empty (it holds ${shown})`, "train into a new or empty folder");
  }
}

const isBareName = (v: unknown) => typeof v === "string" && /^\s*[\w-]+\s*$/.test(v);

/** On --resume the stored config wins: refuse any flag that asks for something else. */
function checkResumeFlags(user: UserTrainConfig, stored: TrainConfig, dir: string): void {
  const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);
  const checks: [string, unknown, () => unknown, unknown][] = [
    ["dataset", user.dataset || undefined, () => user.dataset, stored.dataset],
    // A bare model name asks for that kind; a spec with options, for exactly those options.
    [
      "model",
      user.model || undefined,
      () => (isBareName(user.model) ? user.model : resolveModelConfig(user.model)),
      isBareName(user.model) ? stored.model.kind : stored.model,
    ],
    ["kernel", user.kernel, () => storedKernel(user.kernel!), stored.model.kernel],
    ["lambda", user.lambda, () => user.lambda, stored.model.lambda],
    ["latent", user.latentDim, () => user.latentDim, stored.latentDim],
    ["lr", user.lr, () => user.lr, stored.lr],
    ["epochs", user.epochs, () => user.epochs, stored.epochs],
    ["seed", user.seed, () => user.seed, stored.seed],
    ["batch", user.batchSize, () => user.batchSize, stored.batchSize],
    ["prior", user.prior, () => storedTrainConfig({ ...stored, prior: user.prior! }).prior, stored.prior],
  ];
  for (const [flag, given, resolved, have] of checks) {
    if (given === undefined || same(resolved(), have)) continue;
    const shown = flag === "prior" ? (stored.priorSpec ?? stableJson(have)) : typeof have === "object" ? stableJson(have) : String(have);
    throw new SculptError(
      `--${flag} ${typeof given === "object" ? stableJson(given) : String(given)} conflicts with the run in ${dir}, which has ${flag} ${shown}`,
      `drop --${flag} to continue the run as it was started, or train a new run in another --out`,
    );
  }
}

/** A run of the user's own networks is resumed with networks, a run of the default network without. */
function checkResumeNetworks(stored: TrainConfig, opts: RunOptions): void {
  if (stored.network === "custom" && !opts.networks)
    throw new SculptError(
      `${opts.outDir} was trained with its own encoder and decoder (network: custom in ${RUN_FILES.config})`,
      "resume it through trainRun with the same `networks` (the command line cannot)",
    );
  if (stored.network !== "custom" && opts.networks)
    throw new SculptError(`${opts.outDir} was trained with the data set's default network`, "resume it without `networks`");
}

/** Everything a run needs, built and checked; nothing is written here. */
async function prepareRun(
  user: UserTrainConfig,
  opts: RunOptions,
): Promise<{ config: TrainConfig; data: Dataset; prior: Prior; store: FileCheckpointStore; checkpointEpoch: number; networks?: Networks }> {
  let config: TrainConfig;
  let data: Dataset;
  if (opts.resume) {
    if (!existsSync(join(opts.outDir, RUN_FILES.config)))
      throw new SculptError(`nothing to resume in ${opts.outDir} (no ${RUN_FILES.config})`, "start the run without --resume");
    config = readRunConfig(opts.outDir);
    checkResumeFlags(user, config, opts.outDir);
    checkResumeNetworks(config, opts);
    data = await loadDataset(config.dataset, { ...config.datasetOptions, split: "train" });
  } else {
    checkNewRunFolder(opts.outDir);
    data = await loadDataset(user.dataset, { ...(user.datasetOptions ?? {}), split: "train" });
    config = storedTrainConfig(resolveTrainConfig(user, data.shape));
    if (opts.networks) {
      if (user.channels || user.convLayers !== undefined)
        throw new SculptError("channels and convLayers describe the default network", "drop them: your own `networks` replace it");
      // The conv layout is not this run's: only convLayers stays (the schema needs it), unused.
      const { channels: _unused, ...rest } = config;
      config = { ...rest, network: "custom" };
    }
  }
  if (data.size < 2) throw new SculptError(`data set ${data.name} has ${data.size} images; training needs at least 2`);
  const prior = loadPrior(config.prior as PriorConfig, config.latentDim);
  // The model and its network layout (sizes, kernel) build for this image shape.
  const model = createModel(config, data.shape, data.size);
  let needs: NetworkNeeds;
  try {
    networkArch(config, data.shape, model);
    needs = networkNeeds(config, data.shape, model);
  } finally {
    model.dispose();
  }
  // A damaged checkpoint is refused now, before anything in the folder changes.
  const store = new FileCheckpointStore(join(opts.outDir, RUN_FILES.checkpoint + ".bin"));
  const checkpointEpoch = opts.resume ? (store.load()?.epoch ?? 0) : 0;
  // The user's networks, built once and checked against the model's sizes before anything is written.
  const networks = opts.networks ? userNetworks(opts.networks, needs) : undefined;
  return { config, data, prior, store, checkpointEpoch, networks };
}

export async function trainRun(user: UserTrainConfig, opts: RunOptions): Promise<RunSummary> {
  const backend = await initBackend(opts.backend);
  const dir = opts.outDir;
  const status = (s: RunStatus) => writeJsonAtomic(join(dir, RUN_FILES.status), s);
  // Validate, then write: a refused command leaves the folder as it found it.
  const { config, data, prior, store, checkpointEpoch, networks } = await prepareRun(user, opts);
  if (!opts.resume) {
    mkdirSync(dir, { recursive: true });
    writeRunConfig(dir, config);
  }
  const env: EnvironmentInfo = {
    sculpt: (require("../../package.json") as { version: string }).version,
    node: process.version,
    tfjs: tf.version_core,
    backend: backend.name,
    backendNotes: backend.notes,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    platform: `${process.platform}-${process.arch}`,
    startedAt: new Date().toISOString(),
  };
  writeJsonAtomic(join(dir, RUN_FILES.environment), env);

  // History: one line per epoch; on resume keep only the epochs the checkpoint covers.
  const historyPath = join(dir, RUN_FILES.history);
  let lines: string[] = [];
  if (opts.resume && existsSync(historyPath)) {
    lines = readFileSync(historyPath, "utf8")
      .split("\n")
      .filter((l) => l.trim() && (JSON.parse(l) as { epoch: number }).epoch <= checkpointEpoch);
  }
  writeFileAtomic(historyPath, lines.map((l) => l + "\n").join(""));
  const historyReporter: Reporter = {
    onEpochEnd(record) {
      lines.push(JSON.stringify(record));
      writeFileAtomic(historyPath, lines.map((l) => l + "\n").join(""));
      status({ state: "running", epoch: record.epoch, step: record.step });
    },
  };
  status({ state: "running", epoch: 0, step: 0 });
  let result: TrainResult;
  try {
    result = await train({
      config,
      data,
      prior,
      store,
      resume: opts.resume,
      reporters: [historyReporter, ...(opts.reporters ?? [])],
      signal: opts.signal,
      beforeStep: opts.beforeStep,
      networks,
    });
  } catch (err) {
    const e = err as Error;
    status({
      state: "failed",
      epoch: err instanceof TrainingDiverged ? err.epoch : 0,
      step: err instanceof TrainingDiverged ? err.step : 0,
      message: e.message,
    });
    throw err;
  }
  const t = result.trainable;
  try {
    await saveLayersModel(t.nets.encoder, join(dir, RUN_FILES.encoder));
    await saveLayersModel(t.nets.decoder, join(dir, RUN_FILES.decoder));
    await writeEvaluation(dir, config, t);
  } finally {
    t.dispose();
  }
  const last = result.history[result.history.length - 1] ?? readLastHistory(historyPath);
  const collapse = result.collapse ? { epoch: result.collapse.epoch, minVariance: result.collapse.maxRelativeVariance } : null;
  status({ state: "done", epoch: config.epochs, step: last?.step ?? 0, ...(collapse ? { collapse } : {}) });
  return { outDir: dir, config, backend: backend.name, seconds: result.seconds, epochs: config.epochs, final: last ?? {}, collapse };
}

function readLastHistory(path: string): Record<string, number> | undefined {
  const ls = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim());
  return ls.length ? (JSON.parse(ls[ls.length - 1]) as Record<string, number>) : undefined;
}

/** latents.npy (encoder means), factors.npy and recon.npy for the evaluation split. */
async function writeEvaluation(dir: string, config: TrainConfig, t: TrainResult["trainable"]): Promise<void> {
  const evalData = await loadDataset(config.dataset, { ...config.datasetOptions, split: "test" });
  const idx = evaluationSubset(evalData.size, config.evalLimit);
  writeMatrix(join(dir, RUN_FILES.latents), await encodeImages(t, evalData, idx));
  if (evalData.factors) {
    const classes = evalData.factors.classes(idx);
    writeNpy(join(dir, RUN_FILES.factors), {
      dtype: "int64",
      shape: [idx.length, evalData.factors.sizes.length],
      data: Float64Array.from(classes),
    });
  }
  const show = showcaseRows(idx.length, 16).map((i) => idx[i]);
  const inputs = evalData.images(show);
  const codes = await encodeImages(t, evalData, show);
  const outputs = await decodeCodes(t, codes);
  const [h, w, c] = evalData.shape;
  const both = new Float32Array(inputs.length * 2);
  both.set(inputs, 0);
  both.set(outputs, inputs.length);
  writeNpy(join(dir, RUN_FILES.recon), { dtype: "float32", shape: [2, show.length, h, w, c], data: both });
}
