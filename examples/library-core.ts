// The core part runs in a browser as well as in Node: own data, own prior, own networks.
import "@tensorflow/tfjs"; // registers tfjs's gradients and backends (once per app)
import * as tfl from "@tensorflow/tfjs-layers";
import {
  customPrior,
  encodeImages,
  evaluateAll,
  inMemoryDataset,
  train,
  validateTrainConfig,
  type CustomNetworks,
  type Dataset,
} from "sculpt";

/** 400 images of 8×8 pixels: a bright dot at (x, y); the factors are its position. */
export function dots(): Dataset {
  const images = new Float32Array(400 * 64);
  const classes = new Int32Array(400 * 2);
  for (let i = 0; i < 400; i++) {
    const [x, y] = [i % 8, Math.floor(i / 8) % 8];
    images[i * 64 + y * 8 + x] = 1;
    classes.set([x, y], i * 2);
  }
  return inMemoryDataset({ name: "dots", shape: [8, 8, 1], images, factors: { names: ["x", "y"], sizes: [8, 8], classes } });
}

/** Your own encoder and decoder: tfjs-layers models, or layer lists stacked after the input. */
export const smallNetworks: CustomNetworks = ({ shape, encoderOutputs }) => ({
  encoder: [tfl.layers.flatten(), tfl.layers.dense({ units: 32, activation: "relu" }), tfl.layers.dense({ units: encoderOutputs })],
  decoder: [
    tfl.layers.dense({ units: 32, activation: "relu" }),
    tfl.layers.dense({ units: shape[0] * shape[1] * shape[2] }), // logits
    tfl.layers.reshape({ targetShape: [...shape] }),
  ],
});

export async function sculptDots() {
  const data = dots();
  // A prior of your own: any sampler of d-dimensional points (here, a ring of radius 1).
  const ring = customPrior(2, (rng) => {
    const t = 2 * Math.PI * rng.uniform();
    return [Math.cos(t), Math.sin(t)];
  });
  const config = validateTrainConfig({
    dataset: data.name,
    model: { kind: "ae-mmd", lambda: 1 },
    latentDim: 2,
    convLayers: 1, // the default network's depth; unused with your own networks
    epochs: 3,
    batchSize: 50,
    lr: 2e-3,
  });
  const losses: number[] = [];
  const { trainable } = await train({
    config,
    data,
    prior: ring,
    networks: smallNetworks,
    reporters: [{ onEpochEnd: (r) => losses.push(r["loss/total"]) }],
  });
  const rows = Array.from({ length: data.size }, (_, i) => i);
  const latents = await encodeImages(trainable, data, rows);
  const factors = { classes: data.factors!.classes(rows), sizes: [8, 8], names: ["x", "y"] };
  const { values } = await evaluateAll({ latents, factors, prior: ring, seed: 0 }, { only: ["mig", "covariance-ratio", "fidelity"] });
  trainable.dispose();
  return { losses, values };
}
