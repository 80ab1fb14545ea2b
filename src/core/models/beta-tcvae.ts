/**
 * β-TCVAE (Chen et al. 2018): the ELBO's KL split into index-code MI + β·total correlation +
 * dimension-wise KL, with log q(z) and log Π_k q(z_k) from minibatch weighted sampling (their §3,
 * eq. S5): log q(z_i) ≈ logsumexp_j log q(z_i | x_j) − log(B·N). Terms are divided by the number
 * of pixels, as in vae.ts.
 */
import { z } from "zod";
import * as tf from "../tf.js";
import { logSumExpLast } from "../tensors.js";
import { decode, encode, gaussianHead, reconstructionLoss, reparameterize, splitGaussian } from "./losses.js";
import type { ModelEntry } from "./types.js";

const schema = z.object({ kind: z.literal("beta-tcvae"), beta: z.number().positive().default(4) });
const LOG_2PI = Math.log(2 * Math.PI);

/** log N(z; mu, exp(logVar)) elementwise (broadcasting). */
function logNormal(zs: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.mul(-0.5, tf.add(tf.add(LOG_2PI, logVar), tf.div(tf.square(tf.sub(zs, mu)), tf.exp(logVar))));
}

export const betaTcvae: ModelEntry<z.infer<typeof schema>> = {
  description: "β-TCVAE (β = 4, minibatch weighted sampling)",
  schema,
  usesPrior: false,
  fixedPrior: "gaussian",
  create: (c, ctx) => {
    const d = ctx.latentDim;
    return {
      ...gaussianHead(d),
      loss({ x, nets, rng }) {
        const { mu, logVar } = splitGaussian(encode(nets, x), d);
        const zs = reparameterize(mu, logVar, rng); // [B, d]
        const recon = reconstructionLoss(x, decode(nets, zs), ctx.reconstruction);
        const b = zs.shape[0];
        const logNm = Math.log(b * ctx.datasetSize);
        // log q(z_i | x_j) per dimension k as [d, B_i, B_j] ([d, B, 1] against [d, 1, B]), so that
        // each logsumexp over j runs along the innermost axis (with the j axis in the middle, the
        // cpu and native backends transpose [B, B, d] tensors on every step: 7× slower at B = 512).
        const t = (a: tf.Tensor2D) => tf.transpose(a);
        const mat = logNormal(tf.expandDims(t(zs), 2), tf.expandDims(t(mu), 1), tf.expandDims(t(logVar), 1));
        const logQz = tf.sub(logSumExpLast(tf.sum(mat, 0)), logNm); // [B]
        const logProdQz = tf.sum(tf.sub(logSumExpLast(mat), logNm), 0); // [d, B] -> [B]
        const logQzx = tf.sum(logNormal(zs, mu, logVar), 1); // [B]
        const logPz = tf.sum(logNormal(zs, tf.zerosLike(zs), tf.zerosLike(zs)), 1); // [B]
        const per = (t: tf.Tensor) => tf.div(tf.mean(t), ctx.numPixels) as tf.Scalar;
        const mi = per(tf.sub(logQzx, logQz));
        const tc = per(tf.sub(logQz, logProdQz));
        const dwKl = per(tf.sub(logProdQz, logPz));
        const total = tf.addN([recon, mi, tf.mul(c.beta, tc), dwKl]) as tf.Scalar;
        return { total, terms: { "loss/recon": recon, "loss/mi": mi, "loss/tc": tc, "loss/dwkl": dwKl }, codes: mu };
      },
    };
  },
};
