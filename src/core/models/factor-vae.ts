/**
 * FactorVAE (Kim & Mnih 2018): VAE + γ·TC, with the total correlation estimated by an MLP
 * discriminator between codes and dimension-wise permuted codes (density-ratio trick,
 * TC ≈ E[D_0(z) − D_1(z)]). The discriminator has its own Adam (lr 1e-4, β = (0.5, 0.9), as in the
 * paper) and is updated after each VAE step on the same batch's codes (the paper draws a second
 * batch; one batch halves the cost here). Default discriminator: 4 × 256 leaky-ReLU units rather
 * than the paper's 6 × 1000, which would dominate CPU training time for 2–64-dimensional codes.
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import * as tf from "../tf.js";
import { gaussianKl } from "../divergences/kl.js";
import { layerInit } from "../nets/init.js";
import { decode, encode, gaussianHead, reconstructionLoss, reparameterize, splitGaussian } from "./losses.js";
import type { ModelEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("factor-vae"),
  gamma: z.number().nonnegative().default(10),
  discriminatorLayers: z.number().int().positive().default(4),
  discriminatorUnits: z.number().int().positive().default(256),
  discriminatorLr: z.number().positive().default(1e-4),
});

export const factorVae: ModelEntry<z.infer<typeof schema>> = {
  description: "FactorVAE (γ = 10, MLP discriminator on permuted codes)",
  schema,
  usesPrior: false,
  fixedPrior: "gaussian",
  create: (c, ctx) => {
    const d = ctx.latentDim;
    let seed = ctx.seed * 1000 + 500;
    const disc = tfl.sequential({ name: "discriminator" });
    disc.add(tfl.layers.inputLayer({ inputShape: [d] }));
    const next = () => ++seed;
    for (let i = 0; i < c.discriminatorLayers; i++) {
      const fanIn = i === 0 ? d : c.discriminatorUnits;
      disc.add(tfl.layers.dense({ units: c.discriminatorUnits, ...layerInit(ctx.init, fanIn, next) }));
      disc.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
    }
    disc.add(tfl.layers.dense({ units: 2, ...layerInit(ctx.init, c.discriminatorUnits, next) }));
    const optimizer = tf.train.adam(c.discriminatorLr, 0.5, 0.9, ctx.adamEpsilon);
    const discVars = () => disc.trainableWeights.map((w) => w.read() as tf.Variable);
    return {
      ...gaussianHead(d),
      loss({ x, nets, rng }) {
        const { mu, logVar } = splitGaussian(encode(nets, x), d);
        const zs = reparameterize(mu, logVar, rng);
        const recon = reconstructionLoss(x, decode(nets, zs), ctx.reconstruction);
        const kl = tf.div(tf.mean(gaussianKl(mu, logVar)), ctx.numPixels) as tf.Scalar;
        const logits = disc.apply(zs) as tf.Tensor2D; // [B, 2]
        const [l0, l1] = tf.split(logits, 2, 1);
        const tc = tf.div(tf.mean(tf.sub(l0, l1)), ctx.numPixels) as tf.Scalar;
        const total = tf.addN([recon, kl, tf.mul(c.gamma, tc)]) as tf.Scalar;
        return { total, terms: { "loss/recon": recon, "loss/kl": kl, "loss/tc": tc }, codes: mu };
      },
      async afterStep(codes, rng) {
        // Permute each dimension independently across the batch (Kim & Mnih, Alg. 1).
        const [b] = codes.shape;
        const src = (await codes.data()) as Float32Array;
        const perm = new Float32Array(src.length);
        for (let k = 0; k < d; k++) {
          const p = rng.permutation(b);
          for (let i = 0; i < b; i++) perm[i * d + k] = src[p[i] * d + k];
        }
        const cost = tf.tidy(() => {
          const real = tf.tensor2d(src, [b, d]);
          const fake = tf.tensor2d(perm, [b, d]);
          const labels = tf.concat([tf.oneHot(tf.zeros([b], "int32"), 2), tf.oneHot(tf.ones([b], "int32"), 2)]);
          return optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(labels, disc.apply(tf.concat([real, fake])) as tf.Tensor2D) as tf.Scalar,
            true,
            discVars(),
          )!;
        });
        const loss = (await cost.data())[0];
        cost.dispose();
        return { "loss/discriminator": loss };
      },
      auxiliaryWeights: discVars,
      auxiliaryOptimizers: () => [optimizer],
      dispose() {
        disc.dispose();
        optimizer.dispose();
      },
    };
  },
};
