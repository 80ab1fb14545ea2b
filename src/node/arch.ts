/** The network a training config would build, without building it (for `sculpt arch` and benchmarks). */
import { modelEntry, resolveModelConfig } from "../core/models/index.js";
import { convAutoencoder, defaultChannels, type ArchSpec } from "../core/nets/arch.js";
import { DATASETS, loadDataset } from "./data/index.js";
import { lookup } from "../core/registry.js";
import { resolveTrainConfig } from "./train.js";

export async function archFor(o: { dataset: string; model?: string; latentDim?: number; convLayers?: number }): Promise<ArchSpec> {
  // Shape from the registry when fixed; otherwise (image folders, .npy) open the set to see it.
  const shape = lookup(DATASETS, o.dataset, "data set").shape ?? (await loadDataset(o.dataset, { split: "train" })).shape;
  const config = resolveTrainConfig(
    { dataset: o.dataset, model: o.model ?? "ae-mmd", latentDim: o.latentDim, convLayers: o.convLayers },
    shape,
  );
  const modelConfig = resolveModelConfig(config.model);
  // The model decides the encoder's output and decoder's input sizes; build it only for those.
  const instance = modelEntry(modelConfig.kind).create(modelConfig, {
    latentDim: config.latentDim,
    numPixels: shape[0] * shape[1] * shape[2],
    datasetSize: 1,
    reconstruction: config.reconstruction,
    seed: 0,
  });
  const sizes = { encoderOutputs: instance.encoderOutputs, decoderInputs: instance.decoderInputs };
  instance.dispose();
  return convAutoencoder({
    shape,
    latentDim: config.latentDim,
    channels: config.channels ?? defaultChannels(config.convLayers),
    ...sizes,
    reconstructionLoss: config.reconstruction,
  });
}
