/**
 * The model registry. Adding a model: one file exporting a ModelEntry, one line in MODELS, one row
 * in models.test.ts (every model trains a few steps on a small XY subset there).
 */
import { lookup, SculptError } from "../registry.js";
import { ae } from "./ae.js";
import { aeMmd } from "./ae-mmd.js";
import { batchKl } from "./batch-kl.js";
import { betaTcvae } from "./beta-tcvae.js";
import { dgae } from "./dgae.js";
import { factorVae } from "./factor-vae.js";
import type { ModelConfig, ModelEntry } from "./types.js";
import { betaVae, vae } from "./vae.js";

export const MODELS = {
  "ae-mmd": aeMmd,
  ae,
  vae,
  "beta-vae": betaVae,
  "beta-tcvae": betaTcvae,
  "factor-vae": factorVae,
  dgae,
  "batch-kl": batchKl,
} satisfies Record<string, ModelEntry<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ModelName = keyof typeof MODELS;

export function modelEntry(kind: string): ModelEntry {
  return lookup(MODELS, kind, "model") as ModelEntry;
}

/**
 * The prior a run's codes are pushed toward: the configured one (default "gaussian") for models
 * that use the programmable prior, the model's fixed one otherwise, or null when it has none.
 */
export function modelPrior<P>(kind: string, configured: P | undefined): P | string | null {
  const entry = modelEntry(kind);
  return entry.usesPrior ? (configured ?? "gaussian") : (entry.fixedPrior ?? null);
}

/** Validate a model config and fill its defaults. */
export function resolveModelConfig(config: ModelConfig | string): ModelConfig {
  const c = typeof config === "string" ? { kind: config } : config;
  const parsed = modelEntry(c.kind).schema.safeParse(c);
  if (!parsed.success)
    throw new SculptError(`invalid ${c.kind} config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

export type { ModelConfig, ModelEntry, ModelInstance, ModelContext, StepInputs, LossOutput } from "./types.js";
