/** Plain autoencoder: reconstruction only (the paper's unregularised baseline). */
import { z } from "zod";
import { decode, deterministicHead, encode, reconstructionLoss } from "./losses.js";
import type { ModelEntry } from "./types.js";

const schema = z.object({ kind: z.literal("ae") });

export const ae: ModelEntry<z.infer<typeof schema>> = {
  description: "plain autoencoder (reconstruction only)",
  schema,
  usesPrior: false,
  create: (_c, ctx) => ({
    ...deterministicHead(ctx.latentDim),
    loss({ x, nets }) {
      const codes = encode(nets, x);
      const recon = reconstructionLoss(x, decode(nets, codes), ctx.reconstruction);
      return { total: recon, terms: { "loss/recon": recon }, codes };
    },
  }),
};
