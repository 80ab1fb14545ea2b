/**
 * Sampling shared by the intervention metrics (BetaVAE and FactorVAE scores): factor classes drawn
 * uniformly and independently per factor (disentanglement_lib's `sample_factors`), encoded through
 * `Interventions.encode` in chunks so a few thousand images are in memory at once.
 */
import type { Matrix } from "../matrix.js";
import type { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import type { Interventions } from "./types.js";

/** Images per `encode` call. */
export const ENCODE_CHUNK = 2048;

/** n rows of factor classes drawn uniformly per factor, row-major n×k. */
export function sampleFactors(rng: Rng, sizes: readonly number[], n: number): Int32Array {
  const k = sizes.length;
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = rng.int(sizes[j]);
  return out;
}

/** The factors an intervention may hold fixed: those with more than one class. */
export function variedFactors(source: Interventions, what: string): number[] {
  const varied = source.sizes.flatMap((s, j) => (s > 1 ? [j] : []));
  if (varied.length === 0) throw new SculptError(`${what}: every factor takes a single value`, "use a data set with varying factors");
  return varied;
}

/** Codes of the images with `classes` (n×k), checked for shape and finite values. */
export async function encodeFactors(source: Interventions, classes: Int32Array, n: number, what: string): Promise<Matrix> {
  const k = source.sizes.length;
  const parts: Matrix[] = [];
  for (let at = 0; at < n; at += ENCODE_CHUNK) {
    const m = Math.min(ENCODE_CHUNK, n - at);
    const z = await source.encode(classes.subarray(at * k, (at + m) * k), m);
    if (z.rows !== m || z.data.length !== m * z.cols)
      throw new SculptError(`${what}: the encoder returned ${z.rows} codes for ${m} images`);
    for (const v of z.data) {
      if (!Number.isFinite(v))
        throw new SculptError(`${what}: the encoder gave a non-finite code (${v})`, "check the run (a diverged model gives NaN codes)");
    }
    parts.push(z);
  }
  const d = parts[0].cols;
  const data = new Float64Array(n * d);
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { rows: n, cols: d, data };
}
