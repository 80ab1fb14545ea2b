/** Load a finished run folder back: config, prior, and encode/decode through the trained networks. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Matrix } from "../core/matrix.js";
import type { Prior, PriorConfig } from "../core/priors/types.js";
import { SculptError } from "../core/registry.js";
import type { TrainConfig } from "../core/train/config.js";
import { decodeCodes, representImages } from "../core/train/inference.js";
import { createTrainable, type Trainable } from "../core/train/setup.js";
import { restore } from "../core/train/snapshot.js";
import { initBackend } from "./backend.js";
import { FileCheckpointStore } from "./checkpoint-file.js";
import { loadPrior } from "./priors.js";
import { readRunConfig } from "./run-config.js";
import { RUN_FILES } from "./run-format.js";

export interface LoadedRun {
  dir: string;
  config: TrainConfig;
  prior: Prior;
  trainable: Trainable;
  /** Representation (encoder mean) of n images [n, H, W, C] in [0, 1]. */
  encode(images: Float32Array, n: number): Promise<Matrix>;
  /** Images in [0, 1], [n, H, W, C], decoded from codes. */
  decode(z: Matrix): Promise<Float32Array>;
  /** Image shape [H, W, C]. */
  shape: [number, number, number];
  dispose(): void;
}

export async function loadRun(dir: string, backend?: string): Promise<LoadedRun> {
  const ckptPath = join(dir, RUN_FILES.checkpoint + ".bin");
  const config = readRunConfig(dir);
  if (!existsSync(ckptPath))
    throw new SculptError(`${dir} has no trained weights yet (${ckptPath} is missing)`, "let the run finish, or resume it");
  await initBackend(backend);
  const ckpt = new FileCheckpointStore(ckptPath).load()!;
  const shapeInfo = JSON.parse(readFileSync(join(dir, RUN_FILES.encoder, "model.json"), "utf8")) as {
    modelTopology: { config: { layers: { config: { batch_input_shape?: number[] } }[] } };
  };
  const inputShape = shapeInfo.modelTopology.config.layers[0].config.batch_input_shape;
  if (!inputShape) throw new SculptError(`${dir}: cannot read the input shape from the saved encoder`);
  const shape: [number, number, number] = [inputShape[1], inputShape[2], inputShape[3]];
  const trainable = createTrainable(config, shape, 1);
  await restore(trainable, { ...ckpt, arrays: ckpt.arrays.filter((a) => !a.name.includes("optimizer")) });
  const prior = loadPrior(config.prior as PriorConfig, config.latentDim);
  return {
    dir,
    config,
    prior,
    trainable,
    shape,
    encode: async (images, n) => ({ rows: n, cols: config.latentDim, data: await representImages(trainable, images, n, shape) }),
    decode: (z) => decodeCodes(trainable, z),
    dispose: () => trainable.dispose(),
  };
}
