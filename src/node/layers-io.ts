/** A TensorFlow.js layers model as model.json + weights.bin in a folder (the format tf.loadLayersModel reads in a browser). */
import type * as tfl from "@tensorflow/tfjs-layers";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { layersModelFiles, layersModelFromFiles } from "../core/io/layers-model.js";
import { SculptError } from "../core/registry.js";
import { writeFileAtomic } from "./atomic.js";

export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  const files = await layersModelFiles(model);
  // Weights first: a model.json present means its weights are too.
  writeFileAtomic(join(dir, "weights.bin"), files["weights.bin"]);
  writeFileAtomic(join(dir, "model.json"), files["model.json"]);
}

/** The model saved in `dir` by saveLayersModel. */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const path = join(dir, "model.json");
  if (!existsSync(path)) throw new SculptError(`${path} is missing`, "let the run finish, or resume it");
  try {
    return await layersModelFromFiles({ "model.json": readFileSync(path), "weights.bin": readFileSync(join(dir, "weights.bin")) });
  } catch (err) {
    throw new SculptError(
      `cannot load the model in ${dir}: ${(err as Error).message}`,
      "a network of your own layer classes loads after tf.serialization.registerClass of each",
    );
  }
}
