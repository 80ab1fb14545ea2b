/**
 * Training configuration: plain, serialisable data (the run folder's config.json), validated by
 * zod, with every default in one place and a why-comment on each (paper Appendix A.1).
 */
import { z } from "zod";
import { INIT_SCHEMES } from "../nets/init.js";
import { datasetOptionsSchema } from "../data/options.js";
import { priorConfigFromSpec } from "../priors/index.js";
import { SculptError, zodIssues } from "../registry.js";

export const trainConfigSchema = z.object({
  dataset: z.string().min(1),
  /** Loader options (root folder, subset size…), passed to the data set. */
  datasetOptions: datasetOptionsSchema.default({}),
  model: z.looseObject({ kind: z.string() }),
  /**
   * Prior config (or spec text before a run stores it); only models with `usesPrior` are pushed
   * toward it. A run folder stores the parsed config, with the text it came from in `priorSpec`.
   */
  prior: z.union([z.string(), z.looseObject({ kind: z.string() })]).default("gaussian"),
  /** The prior's spec text as the user wrote it, for display. */
  priorSpec: z.string().optional(),
  latentDim: z.number().int().positive(),
  /** Conv layers of the shared network (paper Table 3 via nets/presets.ts). */
  convLayers: z.number().int().positive(),
  channels: z.array(z.number().int().positive()).optional(),
  /**
   * "custom": the user's own encoder and decoder (`networks` in train and trainRun), not the conv
   * network that convLayers and channels describe; loaders read them from the run folder's saved
   * models instead of building them. Absent: that conv network.
   */
  network: z.literal("custom").optional(),
  reconstruction: z.enum(["bce_logits", "mse"]).default("bce_logits"),
  /** May be fractional: training stops after round(epochs × steps per epoch) steps. */
  epochs: z.number().positive(),
  // Paper A.1: Adam, lr 5e-4, batch 512.
  batchSize: z.number().int().positive().default(512),
  lr: z.number().positive().default(5e-4),
  /** Adam's ε: PyTorch's 1e-8 (TensorFlow.js defaults to 1e-7), so results compare with PyTorch code. */
  adamEpsilon: z.number().positive().default(1e-8),
  /** Weight initialisation (nets/init.ts): PyTorch's defaults, so results compare with PyTorch code. */
  init: z.enum(INIT_SCHEMES).default("torch"),
  seed: z.number().int().nonnegative().default(0),
  /** Also checkpoint every N steps (0: only at epoch ends). */
  checkpointEvery: z.number().int().nonnegative().default(0),
  /** Rows of the evaluation split encoded into latents.npy (metrics are O(n²) in places). */
  evalLimit: z.number().int().positive().default(10000),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;

export function validateTrainConfig(config: unknown): TrainConfig {
  const parsed = trainConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new SculptError(`invalid training config: ${zodIssues(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * A run folder's stored config.json. Those written before `init` and `adamEpsilon` existed were
 * trained with Glorot weights and Adam ε 1e-7: fill those in, so old runs load and resume as trained.
 */
export function readStoredTrainConfig(stored: unknown): TrainConfig {
  if (stored && typeof stored === "object" && !("init" in stored)) {
    return validateTrainConfig({ adamEpsilon: 1e-7, ...stored, init: "glorot" });
  }
  return validateTrainConfig(stored);
}

/**
 * The form a run folder stores: the prior as its parsed config (loaders never parse the text
 * again), its text kept in `priorSpec`. Also the reader's upgrade of config.json files that
 * stored the text itself.
 */
export function storedTrainConfig(config: TrainConfig): TrainConfig {
  if (typeof config.prior !== "string") return config;
  return { ...config, prior: priorConfigFromSpec(config.prior), priorSpec: config.prior };
}
