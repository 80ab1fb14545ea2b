/** Priors with file access: `empirical(z.npy)` specs load their latent set from disk. */
import { createPrior, type Prior, type PriorConfig } from "../core/priors/index.js";
import { readMatrix } from "./npy-file.js";

export function loadPrior(source: string | PriorConfig | Prior, dim: number): Prior {
  return createPrior(source, { dim, loadMatrix: readMatrix });
}
