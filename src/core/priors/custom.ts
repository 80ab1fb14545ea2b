/**
 * Custom priors from code: any sampler function becomes a prior. Not expressible as text, so it
 * is passed to the API as a `Prior` object rather than a config.
 */
import type { Rng } from "../random.js";
import type { Prior } from "./types.js";

/**
 * @example
 * const ring = customPrior(2, (rng) => { const t = 2 * Math.PI * rng.uniform(); return [Math.cos(t), Math.sin(t)]; });
 */
export function customPrior(dim: number, draw: (rng: Rng) => ArrayLike<number>, description = "custom"): Prior {
  return {
    dim,
    description,
    sample(n, rng) {
      const out = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) out.set(draw(rng), i * dim);
      return { rows: n, cols: dim, data: out };
    },
  };
}
