/**
 * A run trained in the page as the files of a run folder (src/node/run-format.ts: the layout
 * `sculpt train` writes, so `sculpt eval`, `report` and `serve` read it), and a run folder's files
 * read back to continue training. Paths are relative to the run folder; runZip zips them under one folder.
 */
import { zipSync } from "fflate";
import { SYNTHETIC_DATASETS, type Dataset } from "../../core/data/index.js";
import { evaluationSubset } from "../../core/data/split.js";
import { layersModelFiles } from "../../core/io/layers-model.js";
import { serializeNpy } from "../../core/io/npy.js";
import { SculptError } from "../../core/registry.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../../core/train/checkpoint.js";
import { validateTrainConfig, type TrainConfig } from "../../core/train/config.js";
import { decodeCodes, encodeImages } from "../../core/train/inference.js";
import type { HistoryRecordLike } from "../../core/train/reporter.js";
import type { Trainable } from "../../core/train/setup.js";
import { RUN_FILES, type RunStatus } from "../../core/run-format.js";

export const CHECKPOINT_FILE = `${RUN_FILES.checkpoint}.bin`;

export interface RunFilesInput {
  config: TrainConfig;
  trainable: Trainable;
  checkpoint: Checkpoint;
  history: readonly HistoryRecordLike[];
  status: RunStatus;
  /** environment.json's content (backend, browser, tfjs version). */
  environment: Record<string, unknown>;
  /** Prior and λ changes made while paused, kept beside the history. */
  changes?: readonly { step: number; text: string }[];
  /** The evaluation split, where the config's data set cannot be made in the page (images from disk). */
  evalData?: Dataset;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + "\n");

/** Every file of the run folder, evaluation outputs included (latents.npy, factors.npy, recon.npy). */
export async function runFiles(input: RunFilesInput): Promise<Record<string, Uint8Array>> {
  const { config, trainable: t } = input;
  const files: Record<string, Uint8Array> = {};
  files[RUN_FILES.config] = json(config);
  files[RUN_FILES.environment] = json(input.environment);
  files[RUN_FILES.history] = new TextEncoder().encode(input.history.map((r) => JSON.stringify(r) + "\n").join(""));
  for (const [dir, model] of [
    [RUN_FILES.encoder, t.nets.encoder],
    [RUN_FILES.decoder, t.nets.decoder],
  ] as const) {
    for (const [name, bytes] of Object.entries(await layersModelFiles(model))) files[`${dir}/${name}`] = bytes;
  }
  // The evaluation split exactly as `sculpt train` encodes it (writeEvaluation in src/node/train.ts).
  const entry = SYNTHETIC_DATASETS[config.dataset as keyof typeof SYNTHETIC_DATASETS];
  if (!input.evalData && !entry) throw new SculptError(`data set '${config.dataset}' cannot be made in the page`);
  const evalData = input.evalData ?? (await entry.create({ ...config.datasetOptions, split: "test" }));
  const idx = evaluationSubset(evalData.size, config.evalLimit);
  const latents = await encodeImages(t, evalData, idx);
  files[RUN_FILES.latents] = serializeNpy({ dtype: "float32", shape: [latents.rows, latents.cols], data: latents.data as Float32Array });
  if (evalData.factors) {
    files[RUN_FILES.factors] = serializeNpy({
      dtype: "int64",
      shape: [idx.length, evalData.factors.sizes.length],
      data: Float64Array.from(evalData.factors.classes(idx)),
    });
  }
  const show = Array.from(idx.subarray(0, Math.min(16, idx.length)));
  const inputs = evalData.images(show);
  const outputs = await decodeCodes(t, await encodeImages(t, evalData, show));
  const both = new Float32Array(inputs.length * 2);
  both.set(inputs, 0);
  both.set(outputs, inputs.length);
  files[RUN_FILES.recon] = serializeNpy({ dtype: "float32", shape: [2, show.length, ...evalData.shape], data: both });
  files[CHECKPOINT_FILE] = encodeCheckpoint(input.checkpoint);
  if (input.changes?.length) files["changes.json"] = json(input.changes);
  files[RUN_FILES.status] = json(input.status);
  return files;
}

/** The run folder as a zip with one top folder `name` (what the Train view's Export downloads). */
export function runZip(name: string, files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [`${name}/${k}`, v])));
}

export interface ImportedRun {
  config: TrainConfig;
  checkpoint: Checkpoint;
  history: HistoryRecordLike[];
  changes: { step: number; text: string }[];
}

/**
 * A run folder's files (from a zip, paths relative to the folder or under one top folder) → what
 * continuing it needs. Only synthetic data sets can be made in the page.
 */
export function readRunFiles(files: Record<string, Uint8Array>): ImportedRun {
  const names = Object.keys(files).filter((n) => !n.endsWith("/"));
  const configName = names.find((n) => n === RUN_FILES.config || n.endsWith(`/${RUN_FILES.config}`));
  if (!configName)
    throw new SculptError(`no ${RUN_FILES.config} in the zip`, "zip a run folder written by `sculpt train` or exported from this page");
  const prefix = configName.slice(0, configName.length - RUN_FILES.config.length);
  const get = (name: string) => files[prefix + name];
  const text = (name: string) => new TextDecoder().decode(get(name));
  let config: TrainConfig;
  try {
    config = validateTrainConfig(JSON.parse(text(RUN_FILES.config)));
  } catch (err) {
    throw new SculptError(`${RUN_FILES.config}: ${(err as Error).message}`);
  }
  if (!(config.dataset in SYNTHETIC_DATASETS)) {
    throw new SculptError(
      `the run trained on '${config.dataset}', which the page cannot make`,
      `continue it with \`sculpt train --resume\`; the page makes ${Object.keys(SYNTHETIC_DATASETS).join(", ")}`,
    );
  }
  if (typeof config.prior !== "string")
    throw new SculptError("the run's prior is a config object; the page continues runs whose prior is a spec");
  const ckpt = get(CHECKPOINT_FILE);
  if (!ckpt) throw new SculptError(`no ${CHECKPOINT_FILE} in the zip`, "a finished or paused run folder has one; zip the whole folder");
  const checkpoint = decodeCheckpoint(ckpt);
  const history = get(RUN_FILES.history)
    ? text(RUN_FILES.history)
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as HistoryRecordLike)
        .filter((r) => r.epoch <= checkpoint.epoch)
    : [];
  const changes = get("changes.json") ? (JSON.parse(text("changes.json")) as ImportedRun["changes"]) : [];
  return { config, checkpoint, history, changes };
}
