/**
 * DGAE (Cha & Thiyagalingam, ICML 2023; read from the official stfc-sciml/dae model.py, not copied):
 * the encoder's code z is "stretched" per dimension — min–max normalised over the batch, then
 * scaled by a trainable γ (init 0.01) times a fixed α and shifted by a trainable β (init π), with
 * moving min/range (momentum 0.99) used at evaluation. During training each code gets Gaussian
 * noise whose std is its distance to the nearest other code in the batch (per dimension), and the
 * decoder sees the cos/sin embedding (cos 2πs_k, sin 2πs_k) of every dimension. Loss: BCE only.
 * The representation is the stretched code s.
 */
import { z } from "zod";
import * as tf from "../tf.js";
import { decode, encode, normalNoise, reconstructionLoss } from "./losses.js";
import type { ModelEntry } from "./types.js";
import { readsSync, withoutGradient } from "../tensors.js";

const schema = z.object({
  kind: z.literal("dgae"),
  /** Per-dimension α (DGAE used [1, 1, 0.001] on XYC); one number applies to every dimension. */
  alpha: z.union([z.number().positive(), z.array(z.number().positive())]).default(1),
  momentum: z.number().min(0).max(1).default(0.99),
});

/** [B, d] -> [B, 2d] with columns (cos 2πs_0, sin 2πs_0, cos 2πs_1, …). */
function circleEmbedding(s: tf.Tensor2D): tf.Tensor2D {
  const [b, d] = s.shape;
  const angle = tf.mul(2 * Math.PI, s);
  return tf.reshape(tf.stack([tf.cos(angle), tf.sin(angle)], 2), [b, 2 * d]) as tf.Tensor2D; // [B, d, 2] -> [B, 2d]
}

/** ε · (distance to the nearest other code in the same dimension; 100 when none differs), [B, d]. */
function neighbourNoise(sv: Float32Array, eps: Float32Array, b: number, d: number): tf.Tensor2D {
  const noise = new Float32Array(b * d);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < b; i++) {
      let nearest = 100; // the reference uses 100 when no other code differs
      for (let j = 0; j < b; j++) {
        const diff = Math.abs(sv[i * d + k] - sv[j * d + k]);
        if (diff > 0 && diff < nearest) nearest = diff;
      }
      noise[i * d + k] = eps[i * d + k] * nearest;
    }
  }
  return tf.tensor2d(noise, [b, d]);
}

/** neighbourNoise's distances computed on the device (for backends that cannot read synchronously), [B, d]. */
export function nearestOnDevice(s: tf.Tensor): tf.Tensor2D {
  const diff = tf.abs(tf.sub(tf.expandDims(s, 1), tf.expandDims(s, 0))); // [B, B, d]
  // The code itself (and any equal one) counts as 100, which also caps the result.
  return tf.min(tf.where(tf.greater(diff, 0), diff, tf.fill(diff.shape, 100)), 1) as tf.Tensor2D;
}

export const dgae: ModelEntry<z.infer<typeof schema>> = {
  description: "DGAE (stretched codes, cos/sin embedding, neighbour-scaled noise)",
  schema,
  usesPrior: false,
  create: (c, ctx) => {
    const d = ctx.latentDim;
    const alpha = tf.tensor1d(Array.isArray(c.alpha) ? c.alpha : Array(d).fill(c.alpha));
    // Initial values from the reference: γ = 0.01, β = π, moving range 1, moving min π.
    const variable = (value: number, trainable: boolean) => tf.tidy(() => tf.variable(tf.fill([d], value), trainable));
    const gamma = variable(0.01, true);
    const beta = variable(Math.PI, true);
    const movingMag = variable(1, false);
    const movingMin = variable(Math.PI, false);
    const scaleShift = (zhat: tf.Tensor) => tf.add(tf.mul(zhat, tf.mul(gamma, alpha)), beta) as tf.Tensor2D;
    return {
      encoderOutputs: d,
      decoderInputs: 2 * d,
      variables: [gamma, beta],
      state: [movingMag, movingMin],
      represent: (e) => scaleShift(tf.div(tf.sub(e, movingMin), movingMag)),
      decoderInput: circleEmbedding,
      loss({ x, nets, rng }) {
        const zRaw = encode(nets, x);
        const min = tf.min(zRaw, 0);
        const mag = tf.maximum(tf.sub(tf.max(zRaw, 0), min), 1e-12);
        const s = scaleShift(tf.div(tf.sub(zRaw, min), mag));
        // Neighbour-scaled noise (not differentiated through, as torch.normal's std is not).
        const [b] = s.shape;
        const noise = readsSync()
          ? neighbourNoise(s.dataSync() as Float32Array, normalNoise(rng, b, d).dataSync() as Float32Array, b, d)
          : tf.mul(normalNoise(rng, b, d), withoutGradient(nearestOnDevice, s));
        const recon = reconstructionLoss(x, decode(nets, circleEmbedding(tf.add(s, noise) as tf.Tensor2D)), ctx.reconstruction);
        // Moving statistics, updated outside the gradient.
        tf.tidy(() => {
          movingMag.assign(tf.add(tf.mul(c.momentum, movingMag), tf.mul(1 - c.momentum, mag)));
          movingMin.assign(tf.add(tf.mul(c.momentum, movingMin), tf.mul(1 - c.momentum, min)));
        });
        return { total: recon, terms: { "loss/recon": recon }, codes: s };
      },
      dispose() {
        tf.dispose([alpha, gamma, beta, movingMag, movingMin]);
      },
    };
  },
};
