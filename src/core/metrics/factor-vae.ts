/**
 * FactorVAE score (Kim & Mnih 2018, §4), the disentanglement_lib way
 * (`evaluation/metrics/factor_vae.py`, `compute_factor_vae`, `_prune_dims`, `_compute_variances`,
 * `_generate_training_sample`; gin `factor_vae_metric.gin`: batch 64, 10,000 training and 5,000
 * evaluation points, 10,000 points for the variances, `prune_dims.threshold = 0.05`). Each code's
 * variance (ddof 1) over random images scales it; codes whose std is below 0.05 are pruned as
 * collapsed. Each point picks a factor, draws a batch sharing that factor's value, and votes for
 * the kept code with the least scaled variance in the batch; the classifier maps each code to the
 * factor with most training votes, and the score is the share of evaluation votes it gets right.
 * Changes: our seeded Rng draws the factors; only factors with more than one value are chosen;
 * `activeDims` counts the kept codes (the original's `num_active_dims` is the length of the mask).
 */
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import { encodeFactors, sampleFactors, variedFactors } from "./interventions.js";
import type { Interventions, MetricEntry } from "./types.js";

export interface FactorVaeOptions {
  batchSize?: number;
  train?: number;
  eval?: number;
  varianceEstimate?: number;
  /** Codes with std below this are pruned. */
  pruneThreshold?: number;
  seed?: number;
}

export const FACTOR_VAE_DEFAULTS = { batchSize: 64, train: 10_000, eval: 5_000, varianceEstimate: 10_000, pruneThreshold: 0.05 };

export interface FactorVaeResult {
  evalAccuracy: number;
  trainAccuracy: number;
  activeDims: number;
}

export async function factorVaeScore(source: Interventions, options: FactorVaeOptions = {}): Promise<FactorVaeResult> {
  const o = { ...FACTOR_VAE_DEFAULTS, ...options };
  for (const key of ["batchSize", "train", "eval", "varianceEstimate"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 2) throw new SculptError(`FactorVAE score: ${key} must be a whole number ≥ 2, got ${o[key]}`);
  }
  if (!(o.pruneThreshold >= 0)) throw new SculptError(`FactorVAE score: pruneThreshold must be ≥ 0, got ${o.pruneThreshold}`);
  const rng = new Rng(o.seed ?? 0);
  const varied = variedFactors(source, "FactorVAE score");
  const all = await encodeFactors(source, sampleFactors(rng, source.sizes, o.varianceEstimate), o.varianceEstimate, "FactorVAE score");
  const globalVar = variances(all.data, o.varianceEstimate, all.cols);
  const active = Array.from(globalVar.keys()).filter((c) => Math.sqrt(globalVar[c]) >= o.pruneThreshold);
  if (active.length === 0) return { evalAccuracy: 0, trainAccuracy: 0, activeDims: 0 };
  const k = source.sizes.length;
  const vote = async (count: number) => {
    const votes = Array.from({ length: k }, () => new Float64Array(active.length));
    const perRound = Math.max(1, Math.floor(4096 / o.batchSize));
    for (let at = 0; at < count; at += perRound) {
      const m = Math.min(perRound, count - at);
      const classes = new Int32Array(m * o.batchSize * k);
      const fixed: number[] = [];
      for (let p = 0; p < m; p++) {
        const f = varied[rng.int(varied.length)];
        fixed.push(f);
        const batch = sampleFactors(rng, source.sizes, o.batchSize);
        for (let r = 1; r < o.batchSize; r++) batch[r * k + f] = batch[f];
        classes.set(batch, p * o.batchSize * k);
      }
      const z = await encodeFactors(source, classes, m * o.batchSize, "FactorVAE score");
      for (let p = 0; p < m; p++) {
        const local = variances(z.data.subarray(p * o.batchSize * z.cols, (p + 1) * o.batchSize * z.cols), o.batchSize, z.cols);
        let best = 0;
        for (let a = 1; a < active.length; a++) {
          if (local[active[a]] / globalVar[active[a]] < local[active[best]] / globalVar[active[best]]) best = a;
        }
        votes[fixed[p]][best]++;
      }
    }
    return votes;
  };
  const train = await vote(o.train);
  // each kept code's class: the factor with most training votes (first on ties, as np.argmax)
  const classifier = active.map((_, a) => {
    let best = 0;
    for (let f = 1; f < k; f++) if (train[f][a] > train[best][a]) best = f;
    return best;
  });
  const share = (votes: Float64Array[]) => {
    let right = 0;
    let total = 0;
    classifier.forEach((f, a) => (right += votes[f][a]));
    for (const row of votes) for (const v of row) total += v;
    return right / total;
  };
  const evalVotes = await vote(o.eval);
  return { trainAccuracy: share(train), evalAccuracy: share(evalVotes), activeDims: active.length };
}

/** Per-column variance (ddof 1) of an n×d row-major block. */
function variances(data: ArrayLike<number>, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mean[c] += data[r * d + c] / n;
  const out = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) out[c] += (data[r * d + c] - mean[c]) ** 2 / (n - 1);
  return out;
}

export const factorVaeMetric: MetricEntry = {
  description: "FactorVAE score (Kim & Mnih 2018): majority vote from the least-varying code to the factor held fixed",
  needs: { interventions: true },
  keys: {
    "factor-vae.eval": { label: "FactorVAE score", better: "higher" },
    "factor-vae.train": { label: "FactorVAE score (train)", better: "higher" },
  },
  headline: "factor-vae.eval",
  compute: async ({ interventions, seed }) => {
    const r = await factorVaeScore(interventions!, { seed });
    return { "factor-vae.eval": r.evalAccuracy, "factor-vae.train": r.trainAccuracy };
  },
};
