/**
 * The prior registry and the one way to build a prior: from a spec string, a config or a Prior.
 * Adding a prior: one file exporting a PriorEntry, one line in PRIORS, one row in priors.test.ts.
 */
import { lookup, SculptError, zodIssues } from "../registry.js";
import { empirical } from "./empirical.js";
import { gaussian } from "./gaussian.js";
import { gmm } from "./gmm.js";
import { hybrid } from "./hybrid.js";
import { mixture } from "./mixture.js";
import { mvn } from "./mvn.js";
import { parseSpec, type SpecNode } from "./spec.js";
import { checkPriorDim, type Prior, type PriorConfig, type PriorContext, type PriorEntry } from "./types.js";
import { uniform } from "./uniform.js";
import type { Matrix } from "../matrix.js";

export const PRIORS = {
  gaussian,
  uniform,
  gmm,
  hybrid,
  mvn,
  mixture,
  empirical,
} satisfies Record<string, PriorEntry<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type PriorName = keyof typeof PRIORS;

/** Parse a prior's text form into a validated config. */
export function priorConfigFromSpec(spec: string): PriorConfig {
  const toConfig = (node: SpecNode): PriorConfig => {
    if (node.repeat > 1) return { kind: "hybrid", components: [{ prior: toConfig({ ...node, repeat: 1 }), repeat: node.repeat }] };
    const entry = lookup(PRIORS, node.name, "prior") as PriorEntry;
    return validatePriorConfig(entry.fromSpec(node, { toConfig }));
  };
  return toConfig(parseSpec(spec));
}

export function validatePriorConfig(config: PriorConfig): PriorConfig {
  const entry = lookup(PRIORS, String(config?.kind), "prior") as PriorEntry;
  const parsed = entry.schema.safeParse(config);
  if (!parsed.success) {
    throw new SculptError(`invalid ${config.kind} prior: ${zodIssues(parsed.error, String(config.kind))}`);
  }
  return parsed.data;
}

export interface CreatePriorOptions {
  /** The model's latent size: 1-D priors broadcast to it, and any other prior must match it. */
  dim: number;
  loadMatrix?: (path: string) => Matrix;
}

/** Build a prior from a spec string, a config or a ready Prior, checking its dimension. */
export function createPrior(source: string | PriorConfig | Prior, options: CreatePriorOptions): Prior {
  checkPriorDim(options.dim, "the latent size");
  let prior: Prior;
  if (typeof source === "object" && "sample" in source && typeof source.sample === "function") prior = source as Prior;
  else {
    const config = typeof source === "string" ? priorConfigFromSpec(source) : validatePriorConfig(source as PriorConfig);
    const ctx: PriorContext = {
      dim: options.dim,
      loadMatrix: options.loadMatrix,
      create: (c, dim) => {
        const valid = validatePriorConfig(c);
        return (lookup(PRIORS, valid.kind, "prior") as PriorEntry).create(valid, { ...ctx, dim });
      },
    };
    prior = ctx.create(config, options.dim);
  }
  if (prior.dim !== options.dim) {
    throw new SculptError(
      `the prior has ${prior.dim} dimension${prior.dim === 1 ? "" : "s"} but the latent size is ${options.dim}`,
      `give a prior with ${options.dim} dimensions or set --latent ${prior.dim}`,
    );
  }
  return prior;
}

export type { Prior, PriorConfig, PriorEntry } from "./types.js";
export { checkPriorDim, MAX_PRIOR_DIM } from "./types.js";
export { customPrior } from "./custom.js";
export { empiricalPrior } from "./empirical.js";
export { productPrior } from "./hybrid.js";
export { parseSpec } from "./spec.js";
