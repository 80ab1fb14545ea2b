/**
 * Normalised mean squared reconstruction error: Σ‖x − x̂‖² / Σ‖x‖², linear and in decibels
 * (10·log10). Scale-free, so runs on differently scaled data sets can be compared.
 */
import { SculptError } from "../registry.js";
import type { MetricEntry } from "./types.js";

export interface NmseResult {
  linear: number;
  db: number;
}

export function nmse(x: ArrayLike<number>, xHat: ArrayLike<number>): NmseResult {
  if (x.length !== xHat.length) {
    throw new SculptError(
      `NMSE: ${x.length} original values but ${xHat.length} reconstructed`,
      "pass reconstructions of the same images, in the same order",
    );
  }
  if (x.length === 0) throw new SculptError("NMSE: no values", "pass at least one image");
  let err = 0;
  let energy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = xHat[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new SculptError(`NMSE: non-finite value at index ${i} (${a}, ${b})`, "check the model for divergence");
    }
    err += (a - b) ** 2;
    energy += a * a;
  }
  if (energy === 0) throw new SculptError("NMSE: the originals are all zero, so the error cannot be normalised", "use non-zero data");
  const linear = err / energy;
  return { linear, db: 10 * Math.log10(linear) };
}

export const nmseMetric: MetricEntry = {
  description: "Normalised reconstruction error Σ‖x − x̂‖² / Σ‖x‖², linear and in dB",
  needs: { reconstructions: true },
  keys: {
    "nmse.db": { label: "NMSE (dB)", column: "NMSE dB", better: "lower" },
    "nmse.linear": { label: "NMSE", better: "lower" },
  },
  headline: "nmse.db",
  command: {
    files: ["images", "reconstructions"],
    options: [],
    run: ({ images, reconstructions }) => ({ ...nmse(images!, reconstructions!) }),
  },
  compute: ({ images, reconstructions }) => {
    const r = nmse(images!, reconstructions!);
    return { "nmse.linear": r.linear, "nmse.db": r.db };
  },
};
