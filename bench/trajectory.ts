/**
 * `npm run bench -- trajectory [--model ae|batch-kl|ae-mmd] [--seeds 0,1,2] [--epochs 20] [--batch 64] [--nice N]`:
 * whole XY training runs (the paper's network) in sculpt and in its PyTorch reference from the
 * same initial weights on the same batches — sculpt's own `train()` loop, and bench/torch_models.py
 * replaying sculpt's batch order (`forward --steps --order`) from sculpt's initial weights. With
 * every random stream shared, the two runs differ only in floating-point arithmetic, so where the
 * parity benchmark's seed means disagree this says whether the implementations do: per-epoch mean
 * losses of both, the first step whose losses differ by more than 1 %, and the NMSE dB of both
 * sides' final weights on all XY images (scored by sculpt). Deterministic encoders only: AE,
 * batch-KL, and AE-MMD (Gaussian prior, RBF mixture) with each step's prior draws, made as sculpt's
 * step makes them, handed to the reference too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../src/core/tf.js";
import { decodeCodes, representImages } from "../src/core/train/inference.js";
import { epochOrder, stepRng, train } from "../src/core/train/train.js";
import { createTrainable, type Trainable } from "../src/core/train/setup.js";
import { initBackend } from "../src/node/backend.js";
import { loadDataset } from "../src/node/data/index.js";
import { readNpy, writeNpy } from "../src/node/npy-file.js";
import { loadPrior } from "../src/node/priors.js";
import { resolveTrainConfig } from "../src/node/train.js";
import { benchArgs, fail } from "./args.js";
import { nmseDb, runReference } from "./parity.js";

const MODELS = ["ae", "batch-kl", "ae-mmd"]; // torch_models.py forward --steps knows these losses

const weightsOf = (t: Trainable) => [...t.nets.encoder.getWeights(), ...t.nets.decoder.getWeights()];

/** NMSE dB of a trainable's reconstructions of all images (encoder mean, inference mode). */
async function scoreNmse(t: Trainable, images: Float32Array, shape: readonly [number, number, number]): Promise<number> {
  const pixels = shape[0] * shape[1] * shape[2];
  const r = new Float32Array(images.length);
  for (let at = 0; at < images.length; at += 256 * pixels) {
    const x = images.subarray(at, Math.min(images.length, at + 256 * pixels));
    const n = x.length / pixels;
    const z = await representImages(t, x, n, shape);
    r.set(await decodeCodes(t, { rows: n, cols: z.length / n, data: z }), at);
  }
  return nmseDb(images, r);
}

export interface TrajectoryResult {
  model: string;
  seed: number;
  steps: number;
  /** Per epoch, the mean training loss of each side. */
  epochLoss: { sculpt: number[]; torch: number[] };
  /** The first step whose two losses differ by more than 1 % of sculpt's (null: none). */
  firstApart: number | null;
  /** Largest relative loss difference over the first 50 steps (arithmetic alone, before chaos). */
  early: number;
  /** Of both sides' final weights, and of the initial weights both started from. */
  nmseDb: { sculpt: number; torch: number; initial: number };
  seconds: number;
}

export async function trajectory(o: {
  model: string;
  seed: number;
  epochs: number;
  batch: number;
  nice: number;
}): Promise<TrajectoryResult> {
  const started = Date.now();
  const data = await loadDataset("xy", { split: "train" });
  const config = resolveTrainConfig({ dataset: "xy", model: o.model, epochs: o.epochs, batchSize: o.batch, seed: o.seed }, data.shape);
  const dir = mkdtempSync(join(tmpdir(), "sculpt-trajectory-"));
  try {
    // The initial weights train() will build for this seed, and the batches it will draw.
    const init = createTrainable(config, data.shape, data.size);
    const flat = Float32Array.from(weightsOf(init).flatMap((w) => Array.from(w.dataSync())));
    writeFileSync(join(dir, "arch.json"), JSON.stringify(init.arch));
    init.dispose();
    const perEpoch = Math.ceil(data.size / o.batch);
    const steps = Math.max(1, Math.round(o.epochs * perEpoch));
    const prior = loadPrior("gaussian", config.latentDim);
    const mmd = o.model === "ae-mmd";
    const d = config.latentDim;
    // Each step's image indices (−1 pads a short batch) and, for AE-MMD, the prior batch the step
    // draws first from its generator (models/ae-mmd.ts), NaN-padded.
    const order = new Int32Array(steps * o.batch).fill(-1);
    const draws = new Float32Array(mmd ? steps * o.batch * d : 0).fill(NaN);
    let epochIdx: Int32Array = new Int32Array(0);
    for (let s = 0; s < steps; s++) {
      const b = s % perEpoch;
      if (b === 0) epochIdx = epochOrder(o.seed, s / perEpoch, data.size);
      const idx = epochIdx.subarray(b * o.batch, (b + 1) * o.batch);
      order.set(idx, s * o.batch);
      if (mmd) draws.set(prior.sample(idx.length, stepRng(o.seed, s)).data, s * o.batch * d);
    }
    const extra: string[] = [];
    if (mmd) {
      writeNpy(join(dir, "prior.npy"), { dtype: "float32", shape: [steps, o.batch, d], data: draws });
      extra.push("--prior-samples", join(dir, "prior.npy"));
    }
    const all = Int32Array.from({ length: data.size }, (_, i) => i);
    const images = data.images(all);
    writeNpy(join(dir, "weights.npy"), { dtype: "float32", shape: [flat.length], data: flat });
    writeNpy(join(dir, "images.npy"), { dtype: "float32", shape: [data.size, ...data.shape], data: images });
    writeNpy(join(dir, "order.npy"), { dtype: "int32", shape: [steps, o.batch], data: order });
    const files = ["arch.json", "weights.npy", "images.npy", "out.npy"].map((f) => join(dir, f));
    const reference = runReference(
      [
        "forward",
        ...files,
        "--steps",
        String(steps),
        "--batch",
        String(o.batch),
        "--model",
        o.model,
        "--order",
        join(dir, "order.npy"),
        ...extra,
      ],
      o.nice,
    );
    // sculpt's own loop, yielding each step so the PyTorch child's exit is seen.
    const losses: number[] = [];
    const run = await train({
      config,
      data,
      prior,
      reporters: [{ onStepEnd: (s) => void losses.push(s.terms["loss/total"]) }],
      beforeStep: () => new Promise((r) => setImmediate(r)),
    });
    await reference;
    const out = readNpy(files[3]).data as Float32Array;
    const theirs = Array.from(out.subarray(0, steps));
    // PyTorch's final weights (TF.js layout) into a fresh network of the same shapes.
    const other = createTrainable(config, data.shape, data.size);
    const initial = await scoreNmse(other, images, data.shape);
    let at = steps;
    const shapes = weightsOf(other).map((w) => w.shape);
    const tensors = shapes.map((s) => tf.tensor(out.subarray(at, (at += s.reduce((a, b) => a * b, 1))), s));
    if (at !== out.length) throw new Error(`torch_models.py wrote ${out.length} values; expected ${at}`);
    const enc = other.nets.encoder.getWeights().length;
    other.nets.encoder.setWeights(tensors.slice(0, enc));
    other.nets.decoder.setWeights(tensors.slice(enc));
    tf.dispose(tensors);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const epochs = (v: number[]) =>
      Array.from({ length: Math.ceil(steps / perEpoch) }, (_, e) => mean(v.slice(e * perEpoch, (e + 1) * perEpoch)));
    const rel = losses.map((l, i) => Math.abs(l - theirs[i]) / Math.abs(l));
    const apart = rel.findIndex((r) => r > 0.01);
    const result: TrajectoryResult = {
      model: o.model,
      seed: o.seed,
      steps,
      epochLoss: { sculpt: epochs(losses), torch: epochs(theirs) },
      firstApart: apart < 0 ? null : apart,
      early: Math.max(...rel.slice(0, 50)),
      nmseDb: { sculpt: await scoreNmse(run.trainable, images, data.shape), torch: await scoreNmse(other, images, data.shape), initial },
      seconds: (Date.now() - started) / 1000,
    };
    run.trainable.dispose();
    other.dispose();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const USAGE =
  "usage: npm run bench -- trajectory [--model ae|batch-kl|ae-mmd] [--seeds 0,1,2] [--epochs 20] [--batch 64] [--nice N] [--backend NAME]";

export async function run(): Promise<unknown> {
  const v = benchArgs(
    {
      model: { type: "string", default: "ae" },
      seeds: { type: "string", default: "0" },
      epochs: { type: "string", default: "20" },
      batch: { type: "string", default: "64" },
      nice: { type: "string", default: "10" },
      backend: { type: "string" },
    },
    USAGE,
  );
  const seeds = v.seeds.split(",").map(Number);
  const [epochs, batch, nice] = [Number(v.epochs), Number(v.batch), Number(v.nice)];
  if (
    !MODELS.includes(v.model) ||
    !seeds.every(Number.isInteger) ||
    !(epochs > 0) ||
    !Number.isInteger(batch) ||
    batch < 1 ||
    !Number.isInteger(nice)
  ) {
    fail(`bad option (models: ${MODELS.join(", ")}; seeds: integers; epochs > 0; batch ≥ 1)`, USAGE);
  }
  const backend = (await initBackend(v.backend)).name;
  const results: TrajectoryResult[] = [];
  for (const seed of seeds) {
    const r = await trajectory({ model: v.model, seed, epochs, batch, nice });
    console.error(
      `trajectory: ${r.model} seed ${seed}: first step apart by >1 %: ${r.firstApart ?? "none"}; NMSE sculpt ${r.nmseDb.sculpt.toFixed(2)} dB, PyTorch ${r.nmseDb.torch.toFixed(2)} dB (${r.seconds.toFixed(0)} s)`,
    );
    results.push(r);
  }
  return { backend, epochs, batch, results };
}
