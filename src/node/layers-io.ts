/** Save a TensorFlow.js layers model as model.json + weights.bin (the format tf.loadLayersModel reads in a browser). */
import type * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { layersModelFiles } from "../core/io/layers-model.js";
import { writeFileAtomic } from "./atomic.js";

export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  const files = await layersModelFiles(model);
  // Weights first: a model.json present means its weights are too.
  writeFileAtomic(join(dir, "weights.bin"), files["weights.bin"]);
  writeFileAtomic(join(dir, "model.json"), files["model.json"]);
}
