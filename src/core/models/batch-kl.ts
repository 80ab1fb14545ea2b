/**
 * AE with a batch-statistics KL penalty (paper Figure 1(d)): λ·KL(N(mean_z, Cov_z) ‖ N(0, I)) from
 * the batch's first two moments — it matches moments only, which the paper contrasts with MMD.
 */
import { z } from "zod";
import * as tf from "../tf.js";
import { batchMomentKl } from "../divergences/kl.js";
import { decode, deterministicHead, encode, reconstructionLoss } from "./losses.js";
import type { ModelEntry } from "./types.js";

const schema = z.object({ kind: z.literal("batch-kl"), lambda: z.number().nonnegative().default(0.3) });

export const batchKl: ModelEntry<z.infer<typeof schema>> = {
  description: "autoencoder + λ·KL of the batch's Gaussian moments to N(0, I) (paper Fig. 1d)",
  schema,
  usesPrior: false,
  fixedPrior: "gaussian",
  create: (c, ctx) => ({
    ...deterministicHead(ctx.latentDim),
    loss({ x, nets }) {
      const codes = encode(nets, x);
      const recon = reconstructionLoss(x, decode(nets, codes), ctx.reconstruction);
      const kl = batchMomentKl(codes);
      return { total: tf.add(recon, tf.mul(c.lambda, kl)) as tf.Scalar, terms: { "loss/recon": recon, "loss/kl": kl }, codes };
    },
  }),
};
