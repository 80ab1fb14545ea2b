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

export const KERNELS = {
  "rbf-mixture": rbfMixture,
  rbf,
  imq,
  laplacian,
} satisfies Record<string, KernelEntry<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type KernelName = keyof typeof KERNELS;

/** Build a kernel from its name or config (defaults filled in). */
export function createKernel(source: string | KernelConfig = "rbf-mixture"): Kernel {
  const config = typeof source === "string" ? { kind: source } : source;
  const entry = lookup(KERNELS, config.kind, "kernel") as KernelEntry;
  const parsed = entry.schema.safeParse(config);
  if (!parsed.success) throw new SculptError(`invalid ${config.kind} kernel: ${zodIssues(parsed.error)}`);
  return entry.create(parsed.data);
}

export type { Kernel, KernelConfig, KernelEntry } from "./types.js";
export { squaredDistances, medianPooledDistance, median } from "./distances.js";
