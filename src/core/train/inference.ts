/** A trained Trainable in inference mode: images → representations, codes → images. */
import * as tf from "../tf.js";
import type { Dataset } from "../data/types.js";
import type { Matrix } from "../matrix.js";
import type { Trainable } from "./setup.js";

/** Representation (encoder mean) of images [n, H, W, C], in batches, inference mode. */
export async function encodeImages(t: Trainable, data: Dataset, indices: ArrayLike<number>, batchSize = 256): Promise<Matrix> {
  const d = t.arch.latentDim;
  const [h, w, c] = data.shape;
  const out = new Float32Array(indices.length * d);
  for (let start = 0; start < indices.length; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, indices.length - start) }, (_, i) => indices[start + i]);
    out.set(await representImages(t, data.images(idx), idx.length, [h, w, c]), start * d);
  }
  return { rows: indices.length, cols: d, data: out };
}

/** Representation (encoder mean, inference mode) of n images [n, H, W, C] → [n·d]. */
export async function representImages(
  t: Trainable,
  images: Float32Array,
  n: number,
  shape: readonly [number, number, number],
): Promise<Float32Array> {
  return read(
    tf.tidy(() => {
      const x = tf.tensor4d(images, [n, ...shape]);
      return t.model.represent(t.nets.encoder.apply(x, { training: false }) as tf.Tensor2D);
    }),
  );
}

/** Decode latent codes to images in [0, 1], [n, H, W, C]. */
export async function decodeCodes(t: Trainable, z: Matrix): Promise<Float32Array> {
  return read(
    tf.tidy(() => {
      const input = t.model.decoderInput(tf.tensor2d(z.data as Float32Array, [z.rows, z.cols]));
      return tf.sigmoid(t.nets.decoder.apply(input, { training: false }) as tf.Tensor);
    }),
  );
}

/** A tensor's values, then the tensor disposed. */
async function read(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
