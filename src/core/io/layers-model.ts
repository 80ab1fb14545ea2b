/**
 * A TensorFlow.js layers model as the two files of its saved form (model.json + weights.bin, what
 * tf.loadLayersModel reads), in memory: Node writes them into a run folder, the browser zips them.
 */
import * as tf from "../tf.js";
import * as tfl from "@tensorflow/tfjs-layers";

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

/**
 * A layers model back from its two files. Only layer classes tfjs-layers knows load: a user's own
 * layer class must be registered first (tf.serialization.registerClass).
 */
export async function layersModelFromFiles(files: LayersModelFiles): Promise<tfl.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(files["model.json"])) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bytes = files["weights.bin"];
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}
