/** The network a training config would build, without building it (for `sculpt arch` and benchmarks). */
import type { ArchSpec } from "../core/nets/arch.js";
import { createModel, networkArch } from "../core/train/setup.js";
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
  // The model decides the encoder's output and decoder's input sizes; build it only for those.
  const model = createModel(config, shape, 1);
  const arch = networkArch(config, shape, model);
  model.dispose();
  return arch;
}
