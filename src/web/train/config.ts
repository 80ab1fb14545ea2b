/**
 * The Train view's form → a TrainConfig, the same plain config `sculpt train` writes to
 * config.json: λ and the kernel go into the model config where the model has such a field, the
 * step count becomes a (possibly fractional) epoch count. Browser-safe; unit-tested in Node.
 */
import { SYNTHETIC_DATASETS, type SyntheticDatasetName } from "../../core/data/index.js";
import { MODELS, modelEntry, resolveModelConfig } from "../../core/models/index.js";
import { SculptError } from "../../core/registry.js";
import { validateTrainConfig, type TrainConfig } from "../../core/train/config.js";

/** What the form asks for. */
export interface TrainForm {
  /** A set made in the page, or "file": images loaded from disk (src/web/train/files.ts). */
  dataset: SyntheticDatasetName | "file";
  /** Keep only the first n images (0: all). */
  limit: number;
  model: string;
  prior: string;
  lambda: number;
  kernel: string;
  latentDim: number;
  /** Conv channels in encoder order (sets the depth). */
  channels: number[];
  batchSize: number;
  steps: number;
  lr: number;
  seed: number;
}

/**
 * Defaults for a short demo: two conv layers and lr 1e-3 spread XY's codes over the prior within
 * ~50 steps (KS 0.16 at step 50, 0.08 at 100), where 8-8-16-16 at lr 5e-4 left them in a point
 * (std 1e-3) until step ~150 (`npm run bench -- train-demo`, BENCH_DEMO_FORM to compare).
 */
export const DEFAULT_FORM: TrainForm = {
  dataset: "xy",
  limit: 0,
  model: "ae-mmd",
  prior: "uniform(-1, 1)",
  lambda: 0.3,
  kernel: "rbf-mixture",
  latentDim: 2,
  channels: [8, 16],
  batchSize: 64,
  steps: 2000,
  lr: 1e-3,
  seed: 0,
};

export const DATASET_NAMES = Object.keys(SYNTHETIC_DATASETS) as SyntheticDatasetName[];
export const MODEL_NAMES = Object.keys(MODELS);

/** Parse "8, 8, 16" into channel widths. */
export function parseChannels(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const out = parts.map(Number);
  if (out.length === 0 || out.length > 6 || !out.every((c) => Number.isInteger(c) && c >= 1 && c <= 256)) {
    throw new SculptError(`network widths '${text}' are not 1 to 6 whole numbers from 1 to 256`, "e.g. 8, 8, 16, 16 (one per conv layer)");
  }
  return out;
}

/** Images in the training split (limit applied), without rendering any. */
export async function datasetSize(
  form: Pick<TrainForm, "dataset" | "limit">,
): Promise<{ size: number; shape: readonly [number, number, number] }> {
  if (form.dataset === "file") throw new SculptError("no images loaded from disk", "choose a .npy file or an image folder");
  const entry = SYNTHETIC_DATASETS[form.dataset];
  if (!entry) throw new SculptError(`data set '${form.dataset}' cannot be made in the page`, `use one of ${DATASET_NAMES.join(", ")}`);
  const d = await entry.create({ split: "train", ...(form.limit > 0 ? { limit: form.limit } : {}) });
  return { size: d.size, shape: d.shape };
}

/**
 * The run's config; throws a SculptError naming the bad field. `file` names the Node loader and
 * root of images loaded from disk (form.dataset "file"), so the exported run names them too.
 */
export function formConfig(form: TrainForm, size: number, file?: { dataset: string; root: string }): TrainConfig {
  if (form.dataset === "file" && !file) throw new SculptError("no images loaded from disk", "choose a .npy file or an image folder");
  const entry = modelEntry(form.model);
  const model: Record<string, unknown> = { kind: form.model };
  const probe = resolveModelConfig({ kind: form.model });
  if ("lambda" in probe) model.lambda = form.lambda;
  if ("kernel" in probe) model.kernel = form.kernel;
  if (!Number.isInteger(form.steps) || form.steps < 1) throw new SculptError(`steps must be a whole number ≥ 1 (got ${form.steps})`);
  if (!Number.isInteger(form.batchSize) || form.batchSize < 2)
    throw new SculptError(`batch size must be a whole number ≥ 2 (got ${form.batchSize})`);
  const stepsPerEpoch = Math.ceil(size / Math.min(form.batchSize, size));
  return validateTrainConfig({
    dataset: form.dataset === "file" ? file!.dataset : form.dataset,
    datasetOptions: { ...(form.dataset === "file" ? { root: file!.root } : {}), ...(form.limit > 0 ? { limit: form.limit } : {}) },
    model: resolveModelConfig(model as { kind: string }),
    prior: entry.usesPrior ? form.prior : "gaussian",
    latentDim: form.latentDim,
    convLayers: form.channels.length,
    channels: form.channels,
    epochs: form.steps / stepsPerEpoch,
    batchSize: form.batchSize,
    lr: form.lr,
    seed: form.seed,
  });
}

/** Steps a config trains for (the loop's own count). */
export function configSteps(config: TrainConfig, size: number): number {
  const stepsPerEpoch = Math.ceil(size / Math.min(config.batchSize, size));
  return Math.max(1, Math.round(config.epochs * stepsPerEpoch));
}
