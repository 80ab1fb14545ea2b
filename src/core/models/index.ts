/**
 * The model registry. Adding a model: one file exporting a ModelEntry, one line in MODELS, one row
 * in models.test.ts (every model trains a few steps on a small XY subset there).
 */
import { lookup, SculptError, zodIssues } from "../registry.js";
import { ae } from "./ae.js";
import { aeMmd } from "./ae-mmd.js";
import { batchKl } from "./batch-kl.js";
import { betaTcvae } from "./beta-tcvae.js";
import { dgae } from "./dgae.js";
import { factorVae } from "./factor-vae.js";
import type { ModelConfig, ModelEntry } from "./types.js";
import { configFromSpec, optionNames, unknownOptions } from "../spec-options.js";
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

/** The kind of a model given as its name or as its config (`{ kind, ...options }`); undefined when neither. */
export function modelKind(model: unknown): string | undefined {
  // A spec string's kind is its leading name: `beta-vae(beta=8)` → beta-vae.
  if (typeof model === "string") return /^\s*([\w-]+)/.exec(model)?.[1] ?? model;
  const kind = (model as { kind?: unknown } | null | undefined)?.kind;
  return typeof kind === "string" ? kind : undefined;
}

/** Whether `kind` names a registered model. */
export function isModelName(kind: string | undefined): kind is ModelName {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(MODELS, kind);
}

/**
 * Validate a model config and fill its defaults (declared once, in each model's schema). A string
 * is a spec with options, e.g. `beta-vae(beta=8)`; errors point at the mistake.
 */
export function resolveModelConfig(config: ModelConfig | string): ModelConfig {
  if (typeof config === "string") return configFromSpec(config, "model", MODELS);
  const entry = modelEntry(config.kind);
  const unknown = unknownOptions(entry, config);
  if (unknown.length)
    throw new SculptError(
      `model ${config.kind} has no option ${unknown.join(", ")}`,
      `its options: ${optionNames(entry).join(", ") || "none"}`,
    );
  const parsed = entry.schema.safeParse(config);
  if (!parsed.success) throw new SculptError(`invalid ${config.kind} config: ${zodIssues(parsed.error)}`);
  return parsed.data;
}

export type { ModelConfig, ModelEntry, ModelInstance, ModelContext, StepInputs, LossOutput } from "./types.js";
