/**
 * The kernel registry. Adding a kernel: one file exporting a KernelEntry, one line in KERNELS,
 * one row in kernels.test.ts.
 */
import { lookup, SculptError, zodIssues } from "../registry.js";
import { imq } from "./imq.js";
import { laplacian } from "./laplacian.js";
import { rbf } from "./rbf.js";
import { rbfMixture } from "./rbf-mixture.js";
import type { Kernel, KernelConfig, KernelEntry } from "./types.js";
import { configFromSpec, optionNames, unknownOptions } from "../spec-options.js";

export const KERNELS = {
  "rbf-mixture": rbfMixture,
  rbf,
  imq,
  laplacian,
} satisfies Record<string, KernelEntry<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type KernelName = keyof typeof KERNELS;

/**
 * A kernel's validated config (defaults filled in) from its spec, e.g. `imq(scales=0.1|1|10)`
 * (errors point at the mistake), or from a config object.
 */
export function resolveKernelConfig(source: string | KernelConfig): KernelConfig {
  if (typeof source === "string") return configFromSpec(source, "kernel", KERNELS);
  const entry = lookup(KERNELS, source.kind, "kernel") as KernelEntry;
  const unknown = unknownOptions(entry, source);
  if (unknown.length)
    throw new SculptError(`kernel ${source.kind} has no option ${unknown.join(", ")}`, `its options: ${optionNames(entry).join(", ")}`);
  const parsed = entry.schema.safeParse(source);
  if (!parsed.success) throw new SculptError(`invalid ${source.kind} kernel: ${zodIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * The form a training config stores: a bare name stays a name, a kernel with options becomes its
 * validated config (so loaders never parse text again).
 */
export function storedKernel(source: string | KernelConfig): string | KernelConfig {
  const config = resolveKernelConfig(source);
  return typeof source === "string" && /^\s*[\w-]+\s*$/.test(source) ? config.kind : config;
}

/** Build a kernel from its spec or config (defaults filled in). */
export function createKernel(source: string | KernelConfig = "rbf-mixture"): Kernel {
  const config = resolveKernelConfig(source);
  return (lookup(KERNELS, config.kind, "kernel") as KernelEntry).create(config);
}

export type { Kernel, KernelConfig, KernelEntry } from "./types.js";
export { squaredDistances, medianPooledDistance, median } from "./distances.js";
