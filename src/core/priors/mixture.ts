/**
 * Mixture of joint d-dimensional components, e.g. two correlated Gaussians.
 * Spec: `mixture(mvn(-2|-2, 1|0;0|1), mvn(2|2, 1|0;0|1), weights=0.3|0.7)`; 1-D components broadcast.
 */
import { z } from "zod";
import { SculptError } from "../registry.js";
import { specVector } from "./spec.js";
import { mixtureWeights, type PriorConfig, type PriorEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("mixture"),
  components: z.array(z.looseObject({ kind: z.string() })).min(1),
  weights: z.array(z.number().nonnegative()).optional(),
});
export type MixtureConfig = z.infer<typeof schema>;

export const mixture: PriorEntry<MixtureConfig> = {
  schema,
  help: {
    summary: "mixture of joint components (priors as arguments), weights=… by name",
    examples: ["mixture(mvn(-2|-2, 1|0;0|1), mvn(2|2, 1|0;0|1), weights=0.3|0.7)"],
  },
  fromSpec: (n, ctx) => {
    const comps = n.args.map((a) => {
      if (a.type !== "call")
        throw new SculptError("mixture components must be priors", "write e.g. mixture(mvn(0|0, 1|0;0|1), gaussian(3, 1))");
      return ctx.toConfig(a.node);
    });
    return {
      kind: "mixture",
      components: comps,
      ...(n.kwargs.weights ? { weights: specVector(n.kwargs.weights, "mixture weights") } : {}),
    };
  },
  create: ({ components, weights }, ctx) => {
    const parts = components.map((c) => ctx.create(c as PriorConfig, ctx.dim));
    const dim = parts[0].dim;
    if (parts.some((p) => p.dim !== dim))
      throw new SculptError(`mixture components have different dimensions (${parts.map((p) => p.dim).join(", ")})`);
    if (weights && weights.length !== parts.length) throw new SculptError("mixture needs one weight per component");
    const w = mixtureWeights(weights, parts.length, "mixture");
    const cum: number[] = [];
    w.reduce((acc, v, i) => (cum[i] = acc + v), 0);
    return {
      dim,
      description: `mixture(${parts.map((p) => p.description).join(", ")})`,
      sample(n, rng) {
        const out = new Float32Array(n * dim);
        const draws = parts.map((p) => p.sample(n, rng)); // one batch per component, then pick rows
        for (let i = 0; i < n; i++) {
          const k = rng.categorical(cum);
          out.set(draws[k].data.subarray(i * dim, (i + 1) * dim), i * dim);
        }
        return { rows: n, cols: dim, data: out };
      },
      marginalPdf: parts.every((p) => p.marginalPdf) ? (j, x) => parts.reduce((a, p, k) => a + w[k] * p.marginalPdf!(j, x), 0) : undefined,
      marginalRange: parts.every((p) => p.marginalRange)
        ? (j) => {
            const rs = parts.map((p) => p.marginalRange!(j));
            return [Math.min(...rs.map((r) => r[0])), Math.max(...rs.map((r) => r[1]))];
          }
        : undefined,
    };
  },
  broadcast: false,
};
