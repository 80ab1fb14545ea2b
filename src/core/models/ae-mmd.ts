/**
 * AE-MMD, the paper's model (§3, eq. 4–5): loss = reconstruction + λ·MMD²(codes, prior samples),
 * with a prior batch as large as the code batch. Deterministic encoder by default; `stochastic`
 * makes it Gaussian (MMD on sampled codes, evaluation on the mean).
 */
import { z } from "zod";
import * as tf from "../tf.js";
import { mmd } from "../divergences/mmd.js";
import { createKernel } from "../kernels/index.js";
import { toTensor } from "../tensors.js";
import { decode, encode, plain, reconstructionLoss, reparameterize, splitGaussian } from "./losses.js";
import type { ModelEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("ae-mmd"),
  // Paper A.1: λ = 0.3 relative to a per-pixel-mean reconstruction loss.
  lambda: z.number().nonnegative().default(0.3),
  kernel: z.union([z.string(), z.looseObject({ kind: z.string() })]).default("rbf-mixture"),
  estimator: z.enum(["biased", "unbiased"]).default("biased"),
  stochastic: z.boolean().default(false),
});

export const aeMmd: ModelEntry<z.infer<typeof schema>> = {
  description: "autoencoder + λ·MMD² toward a programmable prior (the paper's model)",
  schema,
  usesPrior: true,
  create: (c, ctx) => {
    const kernel = createKernel(c.kernel as string);
    const d = ctx.latentDim;
    return {
      ...plain,
      encoderOutputs: c.stochastic ? 2 * d : d,
      decoderInputs: d,
      represent: (e) => (c.stochastic ? splitGaussian(e, d).mu : e),
      loss({ x, nets, rng, prior }) {
        const out = encode(nets, x);
        let codes = out;
        let sampled = out;
        if (c.stochastic) {
          const { mu, logVar } = splitGaussian(out, d);
          codes = mu;
          sampled = reparameterize(mu, logVar, rng);
        }
        const recon = reconstructionLoss(x, decode(nets, sampled), ctx.reconstruction);
        const priorBatch = toTensor(prior.sample(x.shape[0], rng)); // as many prior samples as codes
        const { mmd2 } = mmd(sampled, priorBatch, kernel, c.estimator);
        const total = tf.add(recon, tf.mul(c.lambda, mmd2)) as tf.Scalar;
        return { total, terms: { "loss/recon": recon, "loss/mmd": mmd2 }, codes };
      },
    };
  },
};
