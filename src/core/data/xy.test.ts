/** XY family: XYC against a line-by-line transcription of DGAE's make_xyc_dataset.py, and the reconstructions. */
import { describe, expect, it } from "vitest";
import { Rng } from "../random.js";
import { SculptError } from "../registry.js";
import type { Dataset } from "./types.js";
import { xy, xyc, xycs } from "./xy.js";

const train = (e: typeof xyc) => e.create({ split: "train" }) as Dataset;

/**
 * The reference generator, transcribed from stfc-sciml/dae make_xyc_dataset.py: loops i (outer),
 * j, c; circle(template, (j, i), 15, c) sets pixel (a, b) where norm((a, b) − (j, i)) < 15.
 * Calls `visit(k, image, label)` for the wanted indices only.
 */
function dgaeXyc(wanted: Set<number>, visit: (k: number, img: Float32Array, label: number[]) => void): void {
  let k = 0;
  for (let i = 15; i < 84 - 15 - 1; i++)
    for (let j = 15; j < 84 - 15 - 1; j++)
      for (const c of [0.2, 0.4, 0.6, 0.8, 1.0]) {
        if (wanted.has(k)) {
          const template = new Float32Array(84 * 84);
          for (let a = 0; a < 84; a++) for (let b = 0; b < 84; b++) if (Math.hypot(a - j, b - i) < 15) template[a * 84 + b] = c;
          visit(k, template, [j, i, c]);
        }
        k++;
      }
  expect(k).toBe(14045);
}

/** Index of the first differing value, or −1 (quicker than a deep equal on 7,056 values). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) return p;
  return -1;
}

describe("xyc", () => {
  it("matches the DGAE generator pixel for pixel, in index order, with its labels", () => {
    const d = train(xyc);
    expect(d.size).toBe(14045);
    expect(d.shape).toEqual([84, 84, 1]);
    expect(d.factors!.names).toEqual(["row", "col", "colour"]);
    expect(d.factors!.sizes).toEqual([53, 53, 5]);
    const wanted = new Set([0, 1, 4, 5, 264, 265, 14044]);
    for (let k = 7; k < 14045; k += 97) wanted.add(k);
    let checked = 0;
    dgaeXyc(wanted, (k, ref, label) => {
      const img = d.images([k]);
      expect(firstDifference(img, ref), `image ${k}`).toBe(-1);
      expect(img.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBe(697);
      expect(Array.from(d.factors!.values!([k]))).toEqual(label.map(Math.fround));
      const [row, col, colour] = d.factors!.classes([k]);
      expect([row + 15, col + 15, [0.2, 0.4, 0.6, 0.8, 1.0][colour]]).toEqual(label);
      checked++;
    });
    expect(checked).toBe(wanted.size);
  });

  it("fills a caller's buffer and refuses out-of-range indices", () => {
    const d = train(xyc);
    const out = new Float32Array(3 * 84 * 84).fill(7);
    expect(d.images([2, 0, 2], out)).toBe(out);
    expect(firstDifference(out.subarray(0, 7056), out.subarray(2 * 7056))).toBe(-1);
    expect(Math.max(...out)).toBe(Math.fround(0.6));
    expect(() => d.images([14045])).toThrow(SculptError);
    expect(() => d.images([0.5])).toThrow(/out of range/);
    expect(() => d.images([0, 1], new Float32Array(10))).toThrow(/buffer/);
  });

  it("trains on every image and evaluates on a seeded sorted subset of 10,000", () => {
    const test = xyc.create({ split: "test" }) as Dataset;
    const full = train(xyc);
    expect(test.size).toBe(10000);
    expect(full.size).toBe(14045);
    expect(test.splitRule).toMatch(/Rng\(0\)/);
    const subset = new Rng(0).permutation(14045).subarray(0, 10000).sort();
    for (const r of [0, 1, 5000, 9999]) {
      expect(firstDifference(test.images([r]), full.images([subset[r]]))).toBe(-1);
      expect(test.factors!.classes([r])).toEqual(full.factors!.classes([subset[r]]));
    }
    expect(() => test.images([10000])).toThrow(/out of range/);
    const limited = xyc.create({ split: "train", limit: 10 }) as Dataset;
    expect(limited.size).toBe(10);
    expect(limited.splitRule).toMatch(/first 10/);
    expect(() => xyc.create({ split: "validation" as "test" })).toThrow(/unknown split/);
    expect(() => xyc.create({ split: "train", limit: 0 })).toThrow(/limit/);
  });
});

describe("xy and xycs (reconstructions)", () => {
  it("xy is XYC's colour-1.0 slice", () => {
    const d = train(xy);
    const c = train(xyc);
    expect(d.size).toBe(2809);
    expect(d.factors!.names).toEqual(["row", "col"]);
    for (const k of [0, 1, 53, 1500, 2808]) expect(firstDifference(d.images([k]), c.images([k * 5 + 4]))).toBe(-1);
    expect((xy.create({ split: "test" }) as Dataset).size).toBe(2809);
  });

  it("xycs puts shape slowest; its circles are XYC and the other shapes have the disc's area", () => {
    const d = train(xycs);
    const c = train(xyc);
    expect(d.size).toBe(3 * 14045);
    expect(d.factors!.names).toEqual(["row", "col", "colour", "shape"]);
    expect(d.factors!.classNames).toEqual({ shape: ["circle", "triangle", "square"] });
    expect(firstDifference(d.images([0, 9000]), c.images([0, 9000]))).toBe(-1);
    const centre = ((26 * 53 + 26) * 5 + 4) as number; // row = col = 41, colour 1.0
    const count = (img: Float32Array) => img.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    const triangle = d.images([14045 + centre]);
    const square = d.images([2 * 14045 + centre]);
    expect(Array.from(d.factors!.classes([14045 + centre]))).toEqual([26, 26, 4, 1]);
    expect(count(square)).toBe(27 * 27);
    expect(Math.abs(count(triangle) - Math.PI * 225)).toBeLessThan(0.03 * Math.PI * 225);
    // Triangle apex up: its top row is narrower than its bottom row.
    const rows = Array.from({ length: 84 }, (_, r) => count(triangle.subarray(r * 84, r * 84 + 84))).filter((n) => n > 0);
    expect(rows[0]).toBeLessThan(rows[rows.length - 1]);
    // At the corner position the triangle is clipped by the canvas but still drawn.
    expect(count(d.images([14045]))).toBeGreaterThan(400);
  });
});
