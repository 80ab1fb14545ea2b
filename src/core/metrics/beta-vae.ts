/**
 * BetaVAE score (Higgins et al. 2017, §3), the disentanglement_lib way
 * (`evaluation/metrics/beta_vae.py`, `compute_beta_vae_sklearn`, `_generate_training_sample`; gin
 * `beta_vae_sklearn.gin`: batch 64, 10,000 training and 5,000 evaluation points). Each point
 * picks a factor at random, draws two batches of factor values that agree on it, encodes both
 * batches' images and takes the mean |z₁ − z₂| over the batch; a `LogisticRegression()`
 * (./logistic.ts) learns which factor was held fixed, and the score is its accuracy on new points.
 * Changes: our seeded Rng draws the factors; only factors with more than one value are chosen
 * (disentanglement_lib's data sets leave constant ones out).
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { accuracy } from "./dci.js";
import { encodeFactors, sampleFactors, variedFactors } from "./interventions.js";
import { fitLogistic } from "./logistic.js";
import type { Interventions, MetricEntry } from "./types.js";

export interface BetaVaeOptions {
  batchSize?: number;
  train?: number;
  eval?: number;
  seed?: number;
}

export const BETA_VAE_DEFAULTS = { batchSize: 64, train: 10_000, eval: 5_000 };

export interface BetaVaeResult {
  /** Accuracy on the evaluation points. */
  evalAccuracy: number;
  trainAccuracy: number;
}

export async function betaVaeScore(source: Interventions, options: BetaVaeOptions = {}): Promise<BetaVaeResult> {
  const o = { ...BETA_VAE_DEFAULTS, ...options };
  for (const key of ["batchSize", "train", "eval"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new SculptError(`BetaVAE score: ${key} must be a whole number ≥ 1, got ${o[key]}`);
  }
  if (o.batchSize < 2) throw new SculptError("BetaVAE score: batchSize must be at least 2");
  const rng = new Rng(o.seed ?? 0);
  const varied = variedFactors(source, "BetaVAE score");
  const train = await points(source, varied, o.batchSize, o.train, rng);
  const model = fitLogistic(train.x, train.d, train.y);
  const test = await points(source, varied, o.batchSize, o.eval, rng);
  return {
    trainAccuracy: accuracy(model.predict(train.x, o.train), train.y),
    evalAccuracy: accuracy(model.predict(test.x, o.eval), test.y),
  };
}

/** `count` points: features mean |z₁ − z₂| over a batch pair that shares one factor, label the factor. */
async function points(source: Interventions, varied: number[], batch: number, count: number, rng: Rng) {
  const k = source.sizes.length;
  // points per encode round, so a round stays near one encode chunk of images
  const perRound = Math.max(1, Math.floor(4096 / (2 * batch)));
  const y = new Int32Array(count);
  let x = new Float64Array(0);
  let d = 0;
  for (let at = 0; at < count; at += perRound) {
    const m = Math.min(perRound, count - at);
    const classes = new Int32Array(2 * m * batch * k);
    for (let p = 0; p < m; p++) {
      const fixed = varied[rng.int(varied.length)];
      y[at + p] = fixed;
      const a = sampleFactors(rng, source.sizes, batch);
      const b = sampleFactors(rng, source.sizes, batch);
      for (let r = 0; r < batch; r++) b[r * k + fixed] = a[r * k + fixed];
      classes.set(a, 2 * p * batch * k);
      classes.set(b, (2 * p + 1) * batch * k);
    }
    const z = await encodeFactors(source, classes, 2 * m * batch, "BetaVAE score");
    if (d === 0) {
      d = z.cols;
      x = new Float64Array(count * d);
    }
    for (let p = 0; p < m; p++) {
      const row = (at + p) * d;
      for (let r = 0; r < batch; r++) {
        const ia = (2 * p * batch + r) * d;
        const ib = ((2 * p + 1) * batch + r) * d;
        for (let c = 0; c < d; c++) x[row + c] += Math.abs(z.data[ia + c] - z.data[ib + c]) / batch;
      }
    }
  }
  return { x, y, d };
}

export const betaVaeMetric: MetricEntry = {
  description: "BetaVAE score (Higgins et al. 2017): accuracy of a logistic regression naming the factor two batches share",
  needs: { interventions: true },
  keys: {
    "beta-vae.eval": { label: "BetaVAE score", better: "higher" },
    "beta-vae.train": { label: "BetaVAE score (train)", better: "higher" },
  },
  headline: "beta-vae.eval",
  compute: async ({ interventions, seed }) => {
    const r = await betaVaeScore(interventions!, { seed });
    return { "beta-vae.eval": r.evalAccuracy, "beta-vae.train": r.trainAccuracy };
  },
};
