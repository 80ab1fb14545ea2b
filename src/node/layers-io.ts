/** Save a TensorFlow.js layers model as model.json + weights.bin (the format tf.loadLayersModel reads in a browser). */
import * as tf from "../core/tf.js";
import type * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic.js";

export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      writeFileAtomic(join(dir, "weights.bin"), new Uint8Array(data));
      const modelJson = {
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      writeFileAtomic(join(dir, "model.json"), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: data.byteLength } };
    }),
  );
}
