/**
 * One run's trainable parts, built from its config: the model's hooks, the network they need
 * (paper Table 3 via nets/presets.ts) and the optimiser (paper A.1: Adam).
 */
import * as tf from "../tf.js";
import { convAutoencoder, defaultChannels, type ArchSpec } from "../nets/arch.js";
import { buildNetworks, type Networks } from "../nets/build.js";
import { userNetworks, type CustomNetworks, type NetworkNeeds } from "../nets/custom.js";
import { modelEntry, resolveModelConfig, type ModelConfig, type ModelInstance } from "../models/index.js";
import { SculptError } from "../registry.js";
import type { TrainConfig } from "./config.js";

type Shape = readonly [number, number, number];

/** The networks, model hooks and optimiser of one run. */
export interface Trainable {
  arch: ArchSpec;
  nets: Networks;
  model: ModelInstance;
  /**
   * The resolved model config the model's loss reads on every step; the browser's Train view
   * changes λ here between steps (while paused). Nothing in Node writes it.
   */
  modelConfig: ModelConfig;
  optimizer: tf.AdamOptimizer;
  dispose(): void;
}

/** The model's loss hooks and variables for images of `shape` (reading `modelConfig` live). */
export function createModel(
  config: TrainConfig,
  shape: Shape,
  datasetSize: number,
  modelConfig: ModelConfig = resolveModelConfig(config.model),
): ModelInstance {
  return modelEntry(modelConfig.kind).create(modelConfig, {
    latentDim: config.latentDim,
    numPixels: shape[0] * shape[1] * shape[2],
    datasetSize,
    reconstruction: config.reconstruction,
    seed: config.seed,
    init: config.init,
    adamEpsilon: config.adamEpsilon,
  });
}

/** The encoder/decoder layout; the model decides the encoder's output and the decoder's input sizes. */
export function networkArch(config: TrainConfig, shape: Shape, model: Pick<ModelInstance, "encoderOutputs" | "decoderInputs">): ArchSpec {
  return convAutoencoder({
    shape,
    latentDim: config.latentDim,
    channels: config.channels ?? defaultChannels(config.convLayers),
    encoderOutputs: model.encoderOutputs,
    decoderInputs: model.decoderInputs,
    reconstructionLoss: config.reconstruction,
  });
}

/** The sizes a user's own encoder and decoder must fit for this model and image shape. */
export function networkNeeds(
  config: TrainConfig,
  shape: Shape,
  model: Pick<ModelInstance, "encoderOutputs" | "decoderInputs">,
): NetworkNeeds {
  return { shape, latentDim: config.latentDim, encoderOutputs: model.encoderOutputs, decoderInputs: model.decoderInputs };
}

/** The run's parts; `networks`: the user's own encoder and decoder instead of the default network. */
export function createTrainable(config: TrainConfig, shape: Shape, datasetSize: number, networks?: CustomNetworks): Trainable {
  // Nothing rebuilds a user's own networks from the config: they come back from the saved models.
  if (config.network === "custom" && !networks)
    throw new SculptError("this run was trained with its own encoder and decoder (network: custom)", "pass them as `networks`");
  const modelConfig = resolveModelConfig(config.model);
  const model = createModel(config, shape, datasetSize, modelConfig);
  const arch = networkArch(config, shape, model);
  const nets = networks
    ? userNetworks(networks, networkNeeds(config, shape, model))
    : buildNetworks(arch, config.seed, model.decoderInputs, config.init);
  // Adam's β as tfjs/PyTorch defaults; ε from the config (PyTorch's 1e-8; older runs 1e-7).
  const optimizer = tf.train.adam(config.lr, 0.9, 0.999, config.adamEpsilon);
  return {
    arch,
    nets,
    model,
    modelConfig,
    optimizer,
    dispose() {
      nets.encoder.dispose();
      nets.decoder.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** The variables the optimiser updates: both networks' weights, then the model's own. */
export function trainableVariables(t: Trainable): tf.Variable[] {
  const layerVars = [...t.nets.encoder.trainableWeights, ...t.nets.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  return [...layerVars, ...t.model.variables];
}
