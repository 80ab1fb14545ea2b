/**
 * Per-dimension hybrid (paper Appendix D): a product of priors, each over its own dimensions.
 * Spec: `hybrid[uniform(-5,5), gaussian(0,2), gmm(-5|5, 5), gmm(-10|10, 1)*2]` — `*k` gives a
 * 1-D prior k dimensions, or repeats a fixed-dimension prior k times.
 */
import { z } from "zod";
import { SculptError } from "../registry.js";
import { checkPriorDim, MAX_PRIOR_DIM, type Prior, type PriorConfig, type PriorEntry } from "./types.js";

const schema = z.object({
  kind: z.literal("hybrid"),
  components: z.array(z.object({ prior: z.looseObject({ kind: z.string() }), repeat: z.number().int().positive().default(1) })).min(1),
});
export type HybridConfig = z.infer<typeof schema>;

export const hybrid: PriorEntry<HybridConfig> = {
  schema,
  help: {
    summary: "product over dimensions, in brackets; p*k: 1-D p over k dimensions, or p k times",
    examples: ["hybrid[uniform(-5,5), gaussian(0,2), gmm(-10|10, 1)*2]"],
  },
  fromSpec: (n, ctx) => {
    if (!n.children)
      throw new SculptError("hybrid needs its components in square brackets", "write e.g. hybrid[uniform(-5,5), gaussian*2]");
    return { kind: "hybrid", components: n.children.map((c) => ({ prior: ctx.toConfig({ ...c, repeat: 1 }), repeat: c.repeat })) };
  },
  create: ({ components }, ctx) => {
    const parts: Prior[] = [];
    // Checked before building anything: hybrid[gaussian*100000000] must not allocate first.
    const total = components.reduce((a, c) => a + c.repeat, 0);
    if (total > MAX_PRIOR_DIM) checkPriorDim(total, "the hybrid prior");
    for (const { prior, repeat } of components) {
      const p = ctx.create(prior as PriorConfig, repeat);
      if (p.dim === repeat) parts.push(p);
      else for (let r = 0; r < repeat; r++) parts.push(r === 0 ? p : ctx.create(prior as PriorConfig, repeat));
    }
    return productPrior(parts);
  },
  broadcast: false,
};

/** Independent concatenation of priors along dimensions. */
export function productPrior(parts: Prior[]): Prior {
  const owner: Array<[Prior, number]> = [];
  for (const p of parts) for (let j = 0; j < p.dim; j++) owner.push([p, j]);
  const dim = owner.length;
  return {
    dim,
    description: `[${parts.map((p) => p.description).join(", ")}]`,
    sample(n, rng) {
      const out = new Float32Array(n * dim);
      let offset = 0;
      for (const p of parts) {
        const s = p.sample(n, rng);
        for (let i = 0; i < n; i++) for (let j = 0; j < p.dim; j++) out[i * dim + offset + j] = s.data[i * p.dim + j];
        offset += p.dim;
      }
      return { rows: n, cols: dim, data: out };
    },
    marginalPdf: parts.every((p) => p.marginalPdf) ? (j, x) => owner[j][0].marginalPdf!(owner[j][1], x) : undefined,
    marginalRange: parts.every((p) => p.marginalRange) ? (j) => owner[j][0].marginalRange!(owner[j][1]) : undefined,
  };
}
