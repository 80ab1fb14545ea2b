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
import { convAutoencoder, defaultChannels, type ArchSpec } from "../nets/arch.js";
import { buildNetworks, type Networks } from "../nets/build.js";
import { modelEntry, resolveModelConfig, type ModelInstance } from "../models/index.js";
import type { Prior } from "../priors/types.js";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import type { Matrix } from "../matrix.js";
import type { Checkpoint, CheckpointStore, NamedArray } from "./checkpoint.js";
import type { TrainConfig } from "./config.js";
import type { Reporter } from "./reporter.js";

export interface HistoryRecordLike {
  epoch: number;
  step: number;
  [key: string]: number;
}

export interface CollapseInfo {
  epoch: number;
  /** Largest per-dimension code variance relative to the prior's (all below the threshold). */
  maxRelativeVariance: number;
}

/** Codes whose every dimension has variance below this fraction of the prior's have collapsed. */
export const COLLAPSE_THRESHOLD = 1e-4;

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

/** The networks, model hooks and optimiser of one run. */
export interface Trainable {
  arch: ArchSpec;
  nets: Networks;
  model: ModelInstance;
  optimizer: tf.AdamOptimizer;
  dispose(): void;
}

export function createTrainable(config: TrainConfig, shape: readonly [number, number, number], datasetSize: number): Trainable {
  const modelConfig = resolveModelConfig(config.model);
  const model = modelEntry(modelConfig.kind).create(modelConfig, {
    latentDim: config.latentDim,
    numPixels: shape[0] * shape[1] * shape[2],
    datasetSize,
    reconstruction: config.reconstruction,
    seed: config.seed,
  });
  const arch = convAutoencoder({
    shape,
    latentDim: config.latentDim,
    channels: config.channels ?? defaultChannels(config.convLayers),
    encoderOutputs: model.encoderOutputs,
    decoderInputs: model.decoderInputs,
    reconstructionLoss: config.reconstruction,
  });
  const nets = buildNetworks(arch, config.seed, model.decoderInputs);
  const optimizer = tf.train.adam(config.lr);
  return {
    arch,
    nets,
    model,
    optimizer,
    dispose() {
      nets.encoder.dispose();
      nets.decoder.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}

function trainableVariables(t: Trainable): tf.Variable[] {
  const layerVars = [...t.nets.encoder.trainableWeights, ...t.nets.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  return [...layerVars, ...t.model.variables];
}

/** Every tensor a checkpoint holds, in a fixed order with group-prefixed names. */
function stateTensors(t: Trainable): { name: string; tensor: tf.Tensor }[] {
  const named = (prefix: string, ts: tf.Tensor[]) => ts.map((tensor, i) => ({ name: `${prefix}/${i}`, tensor }));
  return [
    ...named("encoder", t.nets.encoder.getWeights()),
    ...named("decoder", t.nets.decoder.getWeights()),
    ...named("model", t.model.variables),
    ...named("state", t.model.state),
    ...named("aux", t.model.auxiliaryWeights?.() ?? []),
  ];
}

export async function snapshot(t: Trainable, epoch: number, step: number, stepInEpoch: number): Promise<Checkpoint> {
  const named = [...stateTensors(t), ...(await t.optimizer.getWeights()).map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor }))];
  // All reads in flight at once: on a GPU each is a round trip.
  const values = await Promise.all(named.map(({ tensor }) => tensor.data()));
  const arrays: NamedArray[] = named.map(({ name, tensor }, i) => ({
    name,
    shape: tensor.shape,
    data: name.startsWith("optimizer/") ? Float32Array.from(values[i]) : (values[i] as Float32Array),
  }));
  return { epoch, step, stepInEpoch, arrays };
}

/** Load weights (and optimiser state when present) from a checkpoint into a fresh Trainable. */
export async function restore(t: Trainable, c: Checkpoint): Promise<void> {
  const own = stateTensors(t);
  const byName = new Map(c.arrays.map((a) => [a.name, a]));
  for (const { name, tensor } of own) {
    const a = byName.get(name);
    if (!a || a.data.length !== tensor.size) {
      throw new SculptError(`checkpoint does not match this network (${name})`, "resume with the same config, or start a new run folder");
    }
  }
  const load = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const a = byName.get(`${prefix}/${i}`)!;
      return tf.tensor(a.data, a.shape);
    });
  const setLayers = (m: { setWeights(w: tf.Tensor[]): void; getWeights(): tf.Tensor[] }, prefix: string) => {
    const ws = load(prefix, m.getWeights().length);
    m.setWeights(ws);
    tf.dispose(ws);
  };
  setLayers(t.nets.encoder, "encoder");
  setLayers(t.nets.decoder, "decoder");
  for (const [prefix, vars] of [
    ["model", t.model.variables],
    ["state", t.model.state],
    ["aux", t.model.auxiliaryWeights?.() ?? []],
  ] as const) {
    const ws = load(prefix, vars.length);
    vars.forEach((v, i) => v.assign(ws[i]));
    tf.dispose(ws);
  }
  const opt = c.arrays.filter((a) => a.name.startsWith("optimizer/"));
  if (opt.length > 0) {
    await t.optimizer.setWeights(opt.map((a) => ({ name: a.name, tensor: tf.tensor(a.data, a.shape) })));
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
}

export interface TrainResult {
  trainable: Trainable;
  history: HistoryRecordLike[];
  collapse: CollapseInfo | null;
  seconds: number;
}

const mix = (a: number, b: number) => (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;

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
  const stepsPerEpoch = Math.ceil(data.size / batchSize);
  const t = createTrainable(config, data.shape, data.size);
  const vars = trainableVariables(t);
  const priorVar = priorVariances(prior);

  let startEpoch = 0;
  let skip = 0;
  let step = 0;
  if (setup.resume && setup.store) {
    const ckpt = await setup.store.load();
    if (ckpt) {
      await restore(t, ckpt);
      startEpoch = ckpt.epoch;
      skip = ckpt.stepInEpoch;
      step = ckpt.step;
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
    const order = new Rng(mix(config.seed, 0x100000 + epoch)).permutation(data.size);
    const sums: Record<string, number> = {};
    const codeSum = new Float64Array(config.latentDim);
    const codeSq = new Float64Array(config.latentDim);
    let codeCount = 0;
    let batches = 0;
    const epochStart = performance.now();
    for (let b = skip; b < epochSteps; b++) {
      if (setup.signal?.aborted)
        throw new SculptError("training was interrupted", "rerun with --resume to continue from the last checkpoint");
      const idx = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, data.size));
      const n = idx.length;
      const images = data.images(idx, buffer.subarray(0, n * pixels));
      const rng = new Rng(mix(config.seed, step));
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
        await setup.store.save(await snapshot(t, epoch, step, b + 1));
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

/** Each code dimension's variance (from running sums over an epoch) relative to the prior's. */
export function relativeVariances(sum: Float64Array, sumSq: Float64Array, count: number, priorVar: Float64Array): number[] {
  return Array.from(sum, (s, k) => Math.max(sumSq[k] / count - (s / count) ** 2, 0) / priorVar[k]);
}

/** Collapse: every dimension's variance is below COLLAPSE_THRESHOLD of the prior's (one constant code). */
export function isCollapsed(relative: number[]): boolean {
  return relative.length > 0 && relative.every((v) => v < COLLAPSE_THRESHOLD);
}

/** Per-dimension variance of the prior, estimated from 4096 seeded draws (floor 1e-12). */
export function priorVariances(prior: Prior): Float64Array {
  const s = prior.sample(4096, new Rng(12345));
  const v = new Float64Array(prior.dim);
  for (let k = 0; k < prior.dim; k++) {
    let m = 0;
    let q = 0;
    for (let i = 0; i < s.rows; i++) {
      const x = s.data[i * prior.dim + k];
      m += x;
      q += x * x;
    }
    m /= s.rows;
    v[k] = Math.max(q / s.rows - m * m, 1e-12);
  }
  return v;
}

/** Representation (encoder mean) of images [n, H, W, C], in batches, inference mode. */
export async function encodeImages(t: Trainable, data: Dataset, indices: ArrayLike<number>, batchSize = 256): Promise<Matrix> {
  const d = t.arch.latentDim;
  const [h, w, c] = data.shape;
  const out = new Float32Array(indices.length * d);
  for (let start = 0; start < indices.length; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, indices.length - start) }, (_, i) => indices[start + i]);
    out.set(await representImages(t, data.images(idx), idx.length, [h, w, c]), start * d);
  }
  return { rows: indices.length, cols: d, data: out };
}

/** Representation (encoder mean, inference mode) of n images [n, H, W, C] → [n·d]. */
export async function representImages(
  t: Trainable,
  images: Float32Array,
  n: number,
  shape: readonly [number, number, number],
): Promise<Float32Array> {
  return read(
    tf.tidy(() => {
      const x = tf.tensor4d(images, [n, ...shape]);
      return t.model.represent(t.nets.encoder.apply(x, { training: false }) as tf.Tensor2D);
    }),
  );
}

/** Decode latent codes to images in [0, 1], [n, H, W, C]. */
export async function decodeCodes(t: Trainable, z: Matrix): Promise<Float32Array> {
  return read(
    tf.tidy(() => {
      const input = t.model.decoderInput(tf.tensor2d(z.data as Float32Array, [z.rows, z.cols]));
      return tf.sigmoid(t.nets.decoder.apply(input, { training: false }) as tf.Tensor);
    }),
  );
}

/** A tensor's values, then the tensor disposed. */
async function read(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
