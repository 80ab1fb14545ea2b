/** Loss pieces shared by the models: reconstruction, Gaussian encoders, reparameterisation. */
import * as tf from "../tf.js";
import type { Rng } from "../random.js";

/**
 * Reconstruction averaged over pixels and batch (λ = 0.3 is relative to this scale: with summed
 * BCE the MMD term would be ~H·W times weaker, and the paper's effect disappears).
 * bce_logits: mean of max(l,0) − l·x + log(1 + e^−|l|).  mse: mean of (sigmoid(l) − x)².
 */
export function reconstructionLoss(x: tf.Tensor4D, logits: tf.Tensor4D, kind: "bce_logits" | "mse"): tf.Scalar {
  return tf.tidy(() => {
    if (kind === "mse") return tf.mean(tf.squaredDifference(tf.sigmoid(logits), x)) as tf.Scalar;
    const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(bce) as tf.Scalar;
  });
}

/** Split a Gaussian encoder's output [B, 2d] into mean and log-variance [B, d] each. */
export function splitGaussian(out: tf.Tensor2D, d: number): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  const [mu, logVar] = tf.split(out, [d, d], 1) as [tf.Tensor2D, tf.Tensor2D];
  // Clamp the log-variance so an early blow-up cannot give Inf: e^±10 spans any sane scale.
  return { mu, logVar: tf.clipByValue(logVar, -10, 10) as tf.Tensor2D };
}

/** Standard normal noise of a shape, from the step's generator (so runs are reproducible). */
export function normalNoise(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return tf.tensor2d(data, [rows, cols]);
}

/** z = μ + σ·ε. */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  const [b, d] = mu.shape;
  return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), normalNoise(rng, b, d))) as tf.Tensor2D;
}

/** Encoder and decoder in training mode on a batch. */
export function encode(nets: { encoder: { apply(x: tf.Tensor, k?: object): unknown } }, x: tf.Tensor4D): tf.Tensor2D {
  return nets.encoder.apply(x, { training: true }) as tf.Tensor2D;
}

export function decode(nets: { decoder: { apply(x: tf.Tensor, k?: object): unknown } }, z: tf.Tensor2D): tf.Tensor4D {
  return nets.decoder.apply(z, { training: true }) as tf.Tensor4D;
}

/** A model with no extra variables, state or decoder embedding. */
export const plain = {
  variables: [] as tf.Variable[],
  state: [] as tf.Variable[],
  decoderInput: (z: tf.Tensor2D) => z,
  dispose() {},
};

/** Hooks shared by models whose encoder outputs the code itself (d units). */
export function deterministicHead(d: number) {
  return { ...plain, encoderOutputs: d, decoderInputs: d, represent: (e: tf.Tensor2D) => e };
}

/** Hooks shared by Gaussian-encoder models: the encoder outputs (μ, log σ²), 2d units; the representation is μ. */
export function gaussianHead(d: number) {
  return { ...plain, encoderOutputs: 2 * d, decoderInputs: d, represent: (e: tf.Tensor2D) => splitGaussian(e, d).mu };
}
