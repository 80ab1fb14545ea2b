/** Load a finished run folder back: config, prior, and encode/decode through the trained networks. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Matrix } from "../core/matrix.js";
import type { Prior, PriorConfig } from "../core/priors/types.js";
import { SculptError } from "../core/registry.js";
import type { TrainConfig } from "../core/train/config.js";
import { decodeCodes, representImages } from "../core/train/inference.js";
import type { LayersModel } from "@tensorflow/tfjs-layers";
import type { Networks } from "../core/nets/build.js";
import type { Checkpoint } from "../core/train/checkpoint.js";
import { createTrainable, type Trainable } from "../core/train/setup.js";
import { restore } from "../core/train/snapshot.js";
import { initBackend } from "./backend.js";
import { FileCheckpointStore } from "./checkpoint-file.js";
import { loadLayersModel } from "./layers-io.js";
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

async function savedNetworks(dir: string): Promise<Networks> {
  const encoder = await loadLayersModel(join(dir, RUN_FILES.encoder));
  try {
    return { encoder, decoder: await loadLayersModel(join(dir, RUN_FILES.decoder)) };
  } catch (err) {
    encoder.dispose();
    throw err;
  }
}

function inputShape(encoder: LayersModel, dir: string): [number, number, number] {
  const s = encoder.inputs[0].shape;
  if (s.length !== 4 || s.slice(1).some((v) => v === null))
    throw new SculptError(`${dir}: the saved encoder takes [${s.slice(1).join(", ")}], not an image of [height, width, channels]`);
  return [s[1]!, s[2]!, s[3]!];
}

/** The image shape from the saved encoder's model.json, without building it. */
function savedInputShape(dir: string): [number, number, number] {
  const shapeInfo = JSON.parse(readFileSync(join(dir, RUN_FILES.encoder, "model.json"), "utf8")) as {
    modelTopology: { config: { layers: { config: { batch_input_shape?: number[] } }[] } };
  };
  const inputShape = shapeInfo.modelTopology.config.layers[0].config.batch_input_shape;
  if (!inputShape) throw new SculptError(`${dir}: cannot read the input shape from the saved encoder`);
  return [inputShape[1], inputShape[2], inputShape[3]];
}

/** The run's parts with the checkpoint's weights (not its optimiser state); nothing left undisposed on failure. */
async function trainedNetworks(
  config: TrainConfig,
  shape: [number, number, number],
  ckpt: Checkpoint,
  networks?: Networks,
): Promise<Trainable> {
  let trainable: Trainable | undefined;
  try {
    trainable = createTrainable(config, shape, 1, networks);
    await restore(trainable, { ...ckpt, arrays: ckpt.arrays.filter((a) => !a.name.includes("optimizer")) });
    return trainable;
  } catch (err) {
    if (trainable) trainable.dispose();
    else if (networks) for (const net of [networks.encoder, networks.decoder]) net.dispose();
    throw err;
  }
}

export async function loadRun(dir: string, backend?: string): Promise<LoadedRun> {
  const ckptPath = join(dir, RUN_FILES.checkpoint + ".bin");
  const config = readRunConfig(dir);
  if (!existsSync(ckptPath))
    throw new SculptError(`${dir} has no trained weights yet (${ckptPath} is missing)`, "let the run finish, or resume it");
  await initBackend(backend);
  const ckpt = new FileCheckpointStore(ckptPath).load()!;
  // A user's own networks come back from their saved models; the default one is rebuilt from the config.
  const networks = config.network === "custom" ? await savedNetworks(dir) : undefined;
  const shape = networks ? inputShape(networks.encoder, dir) : savedInputShape(dir);
  // The prior first: it can fail (an empirical file gone), and then no networks are left undisposed.
  const prior = loadPrior(config.prior as PriorConfig, config.latentDim);
  const trainable = await trainedNetworks(config, shape, ckpt, networks);
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
