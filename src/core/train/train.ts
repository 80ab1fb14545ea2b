/**
 * The training loop (paper §3, Appendix A.1): one fixed step — encode, model loss hooks, Adam —
 * with seeded shuffling and prior draws, checkpoints for exact resume, a finite-loss invariant,
 * and collapse detection (the codes' variance → 0, seen on XY with a Gaussian prior at d = 2).
 *
 * Stages: build → (restore) → epochs of steps → per-epoch history and collapse check → done.
 * Randomness: epoch e shuffles with Rng(seed, e) and step s draws with Rng(seed, s), so a run
 * resumed from any checkpoint replays exactly what an uninterrupted run would have done.
 */
import * as tf from "../tf.js";
import type { Dataset } from "../data/types.js";
import type { Prior } from "../priors/types.js";
import { DATASET_PRESETS } from "../nets/presets.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import type { CustomNetworks } from "../nets/custom.js";
import type { CheckpointStore } from "./checkpoint.js";
import { isCollapsed, priorVariances, relativeVariances, COLLAPSE_THRESHOLD, type CollapseInfo } from "./collapse.js";
import type { TrainConfig } from "./config.js";
import type { HistoryRecordLike, Reporter } from "./reporter.js";
import { createTrainable, trainableVariables, type Trainable } from "./setup.js";
import { restore, snapshot } from "./snapshot.js";

export class TrainingDiverged extends SculptError {
  constructor(
    readonly epoch: number,
    readonly step: number,
    terms: Record<string, number>,
  ) {
    super(
      `the loss became non-finite at epoch ${epoch}, step ${step} (${Object.entries(terms)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`,
      "lower --lr or --lambda; the last good checkpoint is kept and --resume continues from it",
    );
  }
}

export interface TrainSetup {
  config: TrainConfig;
  data: Dataset;
  prior: Prior;
  reporters?: Reporter[];
  store?: CheckpointStore;
  /** Resume from the store's checkpoint when it has one. */
  resume?: boolean;
  signal?: AbortSignal;
  /**
   * Awaited before every step with the live networks (absent in Node): the browser's Train view
   * pauses here, reads codes for its figures and snapshots an export. A λ it writes into
   * `trainable.modelConfig` applies from this step on.
   */
  beforeStep?: (at: StepPoint) => void | Promise<void>;
  /** Your own encoder and decoder (tfjs-layers models or layer lists) instead of the data set's default network. */
  networks?: CustomNetworks;
}

/**
 * A point between steps, a valid resume point: `snapshot(trainable, epoch, step, stepInEpoch)`
 * there resumes exactly (earlier epochs' records have been emitted).
 */
export interface StepPoint {
  trainable: Trainable;
  epoch: number;
  /** Steps done. */
  step: number;
  /** Steps done in `epoch`. */
  stepInEpoch: number;
}

export interface TrainResult {
  trainable: Trainable;
  history: HistoryRecordLike[];
  collapse: CollapseInfo | null;
  seconds: number;
}

/** An epoch's running sums (JSON numbers round-trip float64 exactly). */
interface EpochSums {
  terms: Record<string, number>;
  codeSum: number[];
  codeSq: number[];
  codeCount: number;
  batches: number;
  seconds: number;
}

const mix = (a: number, b: number) => (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;

/** The order epoch `epoch` visits a data set of `size` images in (bench/trajectory.ts replays it in PyTorch). */
export function epochOrder(seed: number, epoch: number, size: number): Int32Array {
  return new Rng(mix(seed, 0x100000 + epoch)).permutation(size);
}

/** The generator step `step` draws its noise and prior samples from. */
export function stepRng(seed: number, step: number): Rng {
  return new Rng(mix(seed, step));
}

export async function train(setup: TrainSetup): Promise<TrainResult> {
  const { config, data, prior } = setup;
  const reporters = setup.reporters ?? [];
  const emit = <K extends keyof Reporter>(hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]) => {
    for (const r of reporters) (r[hook] as ((a: typeof arg) => void) | undefined)?.call(r, arg);
  };
  if (prior.dim !== config.latentDim) {
    throw new SculptError(`the prior has ${prior.dim} dimensions but the latent size is ${config.latentDim}`);
  }
  if (data.size < 2) throw new SculptError(`data set ${data.name} has ${data.size} images; training needs at least 2`);
  const batchSize = Math.min(config.batchSize, data.size);
  // Budgets are epochs of the full split (the quick one counts QUICK_IMAGES against its size), so
  // on a partial copy (CIFAR-10 with one data_batch of five) they see fewer images: say so.
  const full = DATASET_PRESETS[config.dataset]?.trainSize;
  if (full !== undefined && data.size < full && config.datasetOptions.limit === undefined) {
    const images = Math.round(config.epochs * data.size);
    emit(
      "onWarning",
      `${config.dataset} has ${data.size.toLocaleString("en")} training images here, not the full split's ${full.toLocaleString("en")}: ` +
        `${config.epochs} epochs are ${images.toLocaleString("en")} images, ${((100 * data.size) / full).toFixed(0)} % of what they are on the full set ` +
        `(give --epochs ${Number(((config.epochs * full) / data.size).toPrecision(3))} for as many)`,
    );
  }
  const stepsPerEpoch = Math.ceil(data.size / batchSize);
  const t = createTrainable(config, data.shape, data.size, setup.networks);
  const vars = trainableVariables(t);
  const priorVar = priorVariances(prior);

  let startEpoch = 0;
  let skip = 0;
  let step = 0;
  let carried: EpochSums | undefined;
  if (setup.resume && setup.store) {
    const ckpt = await setup.store.load();
    if (ckpt) {
      await restore(t, ckpt);
      startEpoch = ckpt.epoch;
      skip = ckpt.stepInEpoch;
      step = ckpt.step;
      if (skip > 0) carried = ckpt.meta?.epochSums as EpochSums | undefined;
    }
  }
  const history: HistoryRecordLike[] = [];
  let collapse: CollapseInfo | null = null;
  const [h, w, c] = data.shape;
  const pixels = h * w * c;
  const buffer = new Float32Array(batchSize * pixels);
  const started = performance.now();
  let imagesDone = 0;
  // A fractional epoch count (budgets given in images) ends with a partial epoch.
  const totalSteps = Math.max(1, Math.round(config.epochs * stepsPerEpoch));
  const epochCount = Math.ceil(totalSteps / stepsPerEpoch);
  emit("onRunStart", { epochs: config.epochs, startEpoch, totalSteps, stepsPerEpoch });

  for (let epoch = startEpoch; epoch < epochCount; epoch++) {
    const epochSteps = Math.min(stepsPerEpoch, totalSteps - epoch * stepsPerEpoch);
    const order = epochOrder(config.seed, epoch, data.size);
    // Sums over the epoch's steps, carried over from a mid-epoch checkpoint so that a resumed
    // epoch's record still averages all of its steps.
    const sums: Record<string, number> = { ...(carried?.terms ?? {}) };
    const codeSum = Float64Array.from(carried?.codeSum ?? new Float64Array(config.latentDim));
    const codeSq = Float64Array.from(carried?.codeSq ?? new Float64Array(config.latentDim));
    let codeCount = carried?.codeCount ?? 0;
    let batches = carried?.batches ?? 0;
    const epochStart = performance.now() - 1000 * (carried?.seconds ?? 0);
    carried = undefined;
    for (let b = skip; b < epochSteps; b++) {
      if (setup.beforeStep) await setup.beforeStep({ trainable: t, epoch, step, stepInEpoch: b });
      if (setup.signal?.aborted)
        throw new SculptError("training was interrupted", "rerun with --resume to continue from the last checkpoint");
      const idx = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, data.size));
      const n = idx.length;
      const images = data.images(idx, buffer.subarray(0, n * pixels));
      const rng = stepRng(config.seed, step);
      const stepOut = tf.tidy(() => {
        const x = tf.tensor4d(images, [n, h, w, c]);
        let out: { terms: tf.Tensor1D; names: string[]; codes: tf.Tensor2D } | null = null;
        t.optimizer.minimize(
          () => {
            const res = t.model.loss({ x, nets: t.nets, rng, prior });
            const names = ["loss/total", ...Object.keys(res.terms)];
            out = { terms: tf.keep(tf.stack([res.total, ...Object.values(res.terms)])) as tf.Tensor1D, names, codes: tf.keep(res.codes) };
            return res.total;
          },
          false,
          vars,
        );
        return out!;
      });
      // One await for both reads (a GPU backend cannot read synchronously).
      const [values, cv] = await Promise.all([stepOut.terms.data(), stepOut.codes.data()]);
      const terms: Record<string, number> = {};
      stepOut.names.forEach((k, i) => (terms[k] = values[i]));
      for (let i = 0; i < cv.length; i++) {
        const k = i % config.latentDim;
        codeSum[k] += cv[i];
        codeSq[k] += cv[i] * cv[i];
      }
      codeCount += n;
      if (t.model.afterStep) Object.assign(terms, await t.model.afterStep(stepOut.codes, rng));
      tf.dispose([stepOut.terms, stepOut.codes]);
      if (!Object.values(terms).every(Number.isFinite)) throw new TrainingDiverged(epoch, step, terms);
      for (const [k, v] of Object.entries(terms)) sums[k] = (sums[k] ?? 0) + v;
      batches++;
      step++;
      imagesDone += n;
      const elapsed = (performance.now() - started) / 1000;
      const ips = imagesDone / Math.max(elapsed, 1e-9);
      emit("onStepEnd", { epoch, step, totalSteps, terms, imagesPerSecond: ips, eta: ((totalSteps - step) * batchSize) / ips });
      if (setup.store && config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && b + 1 < epochSteps) {
        const epochSums: EpochSums = {
          terms: sums,
          codeSum: Array.from(codeSum),
          codeSq: Array.from(codeSq),
          codeCount,
          batches,
          seconds: (performance.now() - epochStart) / 1000,
        };
        await setup.store.save(await snapshot(t, epoch, step, b + 1, { epochSums }));
      }
    }
    skip = 0;
    // Epoch record: mean loss terms, code variance relative to the prior's, throughput.
    const record: HistoryRecordLike = { epoch: epoch + 1, step };
    for (const [k, v] of Object.entries(sums)) record[k] = v / Math.max(batches, 1);
    const rel = relativeVariances(codeSum, codeSq, codeCount, priorVar);
    record["codes/relvar_min"] = Math.min(...rel);
    record["codes/relvar_max"] = Math.max(...rel);
    record["time/epoch_seconds"] = (performance.now() - epochStart) / 1000;
    record["time/images_per_second"] = (batches * batchSize) / Math.max(record["time/epoch_seconds"], 1e-9);
    history.push(record);
    if (codeCount > 1 && isCollapsed(rel)) {
      if (!collapse) {
        emit(
          "onWarning",
          `codes collapsed at epoch ${epoch + 1}: every dimension's variance is below ${COLLAPSE_THRESHOLD} of the prior's (max ${record["codes/relvar_max"].toExponential(2)})`,
        );
      }
      collapse = { epoch: epoch + 1, maxRelativeVariance: record["codes/relvar_max"] };
    } else collapse = null; // recovered
    emit("onEpochEnd", record);
    if (setup.store) await setup.store.save(await snapshot(t, epoch + 1, step, 0));
  }
  const seconds = (performance.now() - started) / 1000;
  emit("onRunEnd", { epochs: config.epochs, seconds });
  return { trainable: t, history, collapse, seconds };
}
