/**
 * A TensorFlow.js layers model as the two files of its saved form (model.json + weights.bin, what
 * tf.loadLayersModel reads), in memory: Node writes them into a run folder, the browser zips them.
 */
import * as tf from "../tf.js";
import type * as tfl from "@tensorflow/tfjs-layers";

export interface LayersModelFiles {
  "model.json": Uint8Array;
  "weights.bin": Uint8Array;
}

export async function layersModelFiles(model: tfl.LayersModel): Promise<LayersModelFiles> {
  let files: LayersModelFiles | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      const modelJson = {
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      files = { "model.json": new TextEncoder().encode(JSON.stringify(modelJson)), "weights.bin": new Uint8Array(data) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: data.byteLength } };
    }),
  );
  return files!;
}
