/**
 * The sweep file: plain data (YAML or JSON) validated by zod. A sweep is one or more experiments,
 * each a grid of data sets × models × priors × kernels × λ × latent sizes, crossed with seeds;
 * fixed training settings apply to every run, and a budget (paper | quick | smoke) may override
 * seeds and settings so the same sweep shape runs at laptop or test scale. An experiment's prior may
 * name another experiment in braces, `empirical("{source}/latents.npy")`, to use that experiment's
 * matching run folder (latent-space copying, paper Figure 3).
 */
import { z } from "zod";
import { datasetOptionsSchema } from "../data/options.js";
import { INIT_SCHEMES } from "../nets/init.js";
import { BUDGETS, type BudgetName } from "../nets/presets.js";
import { SculptError, zodIssues } from "../registry.js";
import { checkMetricKeys } from "./metric-info.js";

const modelValue = z.union([z.string().min(1), z.looseObject({ kind: z.string().min(1) })]);
const priorValue = z.union([z.string().min(1), z.looseObject({ kind: z.string().min(1) })]);
const nonEmpty = <T extends z.ZodType>(t: T) => z.array(t).min(1);

/** The axes a grid may cross; an axis left out takes the data set's or model's default. */
export const gridSchema = z.strictObject({
  dataset: nonEmpty(z.string().min(1)).optional(),
  model: nonEmpty(modelValue).optional(),
  /** Only crossed with models that use a programmable prior (ae-mmd). */
  prior: nonEmpty(priorValue).optional(),
  /** Only crossed with models that have a kernel (ae-mmd). */
  kernel: nonEmpty(z.string().min(1)).optional(),
  /** Only crossed with models that have a λ (ae-mmd, batch-kl). */
  lambda: nonEmpty(z.number().nonnegative()).optional(),
  latentDim: nonEmpty(z.number().int().positive()).optional(),
});

/** Training settings shared by every run of a grid (fields of the training config). */
export const settingsSchema = z.strictObject({
  /** Loader options, as `sculpt data` and `sculpt train` take them (root, limit, a loader's own). */
  datasetOptions: datasetOptionsSchema.optional(),
  convLayers: z.number().int().positive().optional(),
  channels: nonEmpty(z.number().int().positive()).optional(),
  /** Fixed epochs instead of the budget's (may be fractional). */
  epochs: z.number().positive().optional(),
  batchSize: z.number().int().positive().optional(),
  lr: z.number().positive().optional(),
  reconstruction: z.enum(["bce_logits", "mse"]).optional(),
  /** Weight initialisation (nets/init.ts): PyTorch's (the default) or Glorot's. */
  init: z.enum(INIT_SCHEMES).optional(),
  adamEpsilon: z.number().positive().optional(),
  checkpointEvery: z.number().int().nonnegative().optional(),
  evalLimit: z.number().int().positive().optional(),
});

/** Seeds: a count n (seeds 0..n-1) or an explicit list. */
const seedsSchema = z.union([z.number().int().positive(), nonEmpty(z.number().int().nonnegative())]);

/** Keys a dependent run matches its source run on. */
export const MATCH_KEYS = ["dataset", "latentDim", "seed"] as const;

export const experimentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][\w-]*$/, "a name of letters, digits, - and _"),
  grid: gridSchema.default({}),
  settings: settingsSchema.default({}),
  /** What a `{source}` reference must share with the source run (default: data set, latent size and seed). */
  match: z.array(z.enum(MATCH_KEYS)).optional(),
});

const budgetNames = Object.keys(BUDGETS) as [BudgetName, ...BudgetName[]];

export const sweepSpecSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][\w.-]*$/, "a name of letters, digits, ., - and _"),
  description: z.string().optional(),
  /** The budget used when the command line gives none. */
  budget: z.enum(budgetNames).default("quick"),
  // Paper Appendix A.2: every number is a mean ± std over 5 seeds.
  seeds: seedsSchema.default(5),
  /** Axes and settings shared by every experiment (an experiment's own axes replace these). */
  grid: gridSchema.default({}),
  settings: settingsSchema.default({}),
  experiments: nonEmpty(experimentSchema).optional(),
  /** Per-budget overrides: seeds and settings (merged over everything else). */
  budgets: z
    .partialRecord(z.enum(budgetNames), z.strictObject({ seeds: seedsSchema.optional(), settings: settingsSchema.optional() }))
    .optional(),
  /** Metrics of the compact (Table 1) layout of `sculpt table`. */
  table: z.strictObject({ metrics: nonEmpty(z.string().min(1)).optional() }).optional(),
});

export type SweepSpec = z.infer<typeof sweepSpecSchema>;
export type SweepGrid = z.infer<typeof gridSchema>;
export type SweepSettings = z.infer<typeof settingsSchema>;

/** Validate parsed sweep-file data; `source` names the file in errors. */
export function validateSweepSpec(data: unknown, source = "sweep spec"): SweepSpec {
  const parsed = sweepSpecSchema.safeParse(data);
  if (!parsed.success) {
    throw new SculptError(
      `invalid ${source}: ${zodIssues(parsed.error, "(top level)")}`,
      "see the sweep file format in the README (section Sweeps)",
    );
  }
  const spec = parsed.data;
  const names = (spec.experiments ?? []).map((e) => e.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SculptError(`invalid ${source}: experiment name '${dup}' is used twice`, "give each experiment its own name");
  if (spec.table?.metrics) checkMetricKeys(spec.table.metrics, `invalid ${source}: table.metrics`);
  return spec;
}

/** The seed list of a `seeds` value. */
export function seedList(seeds: number | number[]): number[] {
  return typeof seeds === "number" ? Array.from({ length: seeds }, (_, i) => i) : [...new Set(seeds)];
}
