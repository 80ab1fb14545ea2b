/**
 * VAE and β-VAE (Kingma & Welling 2014; Higgins et al. 2017): reconstruction + β·KL(q(z|x) ‖ N(0, I)).
 * The KL is divided by the number of pixels because reconstruction is a per-pixel mean: the
 * ELBO's balance (and so β's meaning) is that of the usual summed form, only rescaled.
 */
import { z } from "zod";
import * as tf from "../tf.js";
import { gaussianKl } from "../divergences/kl.js";
import { decode, encode, gaussianHead, reconstructionLoss, reparameterize, splitGaussian } from "./losses.js";
import type { ModelContext, ModelEntry, ModelInstance } from "./types.js";

function gaussianVae(beta: number, ctx: ModelContext): ModelInstance {
  const d = ctx.latentDim;
  return {
    ...gaussianHead(d),
    loss({ x, nets, rng }) {
      const { mu, logVar } = splitGaussian(encode(nets, x), d);
      const recon = reconstructionLoss(x, decode(nets, reparameterize(mu, logVar, rng)), ctx.reconstruction);
      const kl = tf.div(tf.mean(gaussianKl(mu, logVar)), ctx.numPixels) as tf.Scalar;
      const total = tf.add(recon, tf.mul(beta, kl)) as tf.Scalar;
      return { total, terms: { "loss/recon": recon, "loss/kl": kl }, codes: mu };
    },
  };
}

const vaeSchema = z.object({ kind: z.literal("vae"), beta: z.number().positive().default(1) });
const betaSchema = z.object({ kind: z.literal("beta-vae"), beta: z.number().positive().default(4) });

export const vae: ModelEntry<z.infer<typeof vaeSchema>> = {
  description: "variational autoencoder",
  schema: vaeSchema,
  usesPrior: false,
  fixedPrior: "gaussian",
  create: (c, ctx) => gaussianVae(c.beta, ctx),
};

export const betaVae: ModelEntry<z.infer<typeof betaSchema>> = {
  description: "β-VAE (β = 4)",
  schema: betaSchema,
  usesPrior: false,
  fixedPrior: "gaussian",
  create: (c, ctx) => gaussianVae(c.beta, ctx),
};
