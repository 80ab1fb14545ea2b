/** dSprites generator: the official factor grid and index order, and geometry against REFERENCE §1.4. */
import { describe, expect, it } from "vitest";
import { DSPRITES_GRID, DSPRITES_FACTOR_VALUES, dsprites } from "./dsprites.js";
import type { Dataset } from "./types.js";

const data = dsprites.create({ split: "train" }) as Dataset;
const index = (shape: number, scale: number, orient: number, x: number, y: number) => DSPRITES_GRID.indexOf([shape, scale, orient, x, y]);

/** Pixel count, centroid (row, col) and major-axis angle in image coordinates (x right, y down), degrees. */
function moments(img: Float32Array) {
  let n = 0;
  let sr = 0;
  let sc = 0;
  for (let p = 0; p < img.length; p++) {
    if (!img[p]) continue;
    n++;
    sr += Math.floor(p / 64);
    sc += p % 64;
  }
  const [mr, mc] = [sr / n, sc / n];
  let rr = 0;
  let cc = 0;
  let rc = 0;
  for (let p = 0; p < img.length; p++) {
    if (!img[p]) continue;
    const dr = Math.floor(p / 64) - mr;
    const dc = (p % 64) - mc;
    rr += dr * dr;
    cc += dc * dc;
    rc += dr * dc;
  }
  const angle = ((0.5 * Math.atan2(2 * rc, cc - rr) * 180) / Math.PI + 180) % 180;
  return { n, row: mr, col: mc, angle };
}

describe("dsprites generator", () => {
  it("has the official factor grid, values and index order", () => {
    expect(data.size).toBe(737280);
    expect(data.shape).toEqual([64, 64, 1]);
    expect(data.factors!.names).toEqual(["shape", "scale", "orientation", "posX", "posY"]);
    expect(data.factors!.sizes).toEqual([3, 6, 40, 32, 32]);
    // Notebook: index 1 is posY = 1, index 32 is posX = 1; bases [245760, 40960, 1024, 32, 1].
    expect(Array.from(data.factors!.classes([1, 32, 1024, 40960, 245760, 737279]))).toEqual([
      ...[0, 0, 0, 0, 1],
      ...[0, 0, 0, 1, 0],
      ...[0, 0, 1, 0, 0],
      ...[0, 1, 0, 0, 0],
      ...[1, 0, 0, 0, 0],
      ...[2, 5, 39, 31, 31],
    ]);
    const bases = [245760, 40960, 1024, 32, 1];
    for (const i of [12345, 400000, 654321]) {
      const c = Array.from(data.factors!.classes([i]));
      expect(c.reduce((s, v, f) => s + v * bases[f], 0)).toBe(i);
    }
    const v = data.factors!.values!([737279]);
    expect(Array.from(v)).toEqual([3, 1, Math.fround(2 * Math.PI), 1, 1]);
    expect(DSPRITES_FACTOR_VALUES[2][1]).toBeCloseTo(0.16110732, 7);
    expect(DSPRITES_FACTOR_VALUES[3][1]).toBeCloseTo(0.03225806, 7);
  });

  it("draws binary sprites centred at 15.5 + 32·pos, posX along columns, posY down the rows", () => {
    const img = data.images([index(0, 5, 0, 3, 28), index(1, 5, 0, 20, 9)]);
    expect(new Set(img)).toEqual(new Set([0, 1]));
    const sq = moments(img.subarray(0, 4096));
    expect(Math.abs(sq.col - (15.5 + (32 * 3) / 31))).toBeLessThan(0.2);
    expect(Math.abs(sq.row - (15.5 + (32 * 28) / 31))).toBeLessThan(0.2);
    const el = moments(img.subarray(4096));
    expect(Math.abs(el.col - (15.5 + (32 * 20) / 31))).toBeLessThan(0.2);
    expect(Math.abs(el.row - (15.5 + (32 * 9) / 31))).toBeLessThan(0.2);
  });

  it("has the measured areas and turns shapes counter-clockwise as displayed", () => {
    const [sq, el, ht] = [0, 1, 2].map((s) => moments(data.images([index(s, 5, 0, 16, 16)])));
    expect(Math.abs(sq.n - 370) / 370).toBeLessThan(0.05);
    expect(Math.abs(el.n - 289) / 289).toBeLessThan(0.05);
    expect(Math.abs(ht.n - 226) / 226).toBeLessThan(0.05);
    expect(el.angle).toBeCloseTo(0, 0); // major axis along x at θ = 0
    // Heart centroid sits about 1 px above the nominal centre (REFERENCE §1.4: 0.9–1.4 px).
    const heart07 = moments(data.images([index(2, 2, 0, 16, 16)]));
    expect(15.5 + 16 * (32 / 31) - heart07.row).toBeGreaterThan(0.9);
    expect(15.5 + 16 * (32 / 31) - heart07.row).toBeLessThan(1.4);
    for (const k of [3, 7, 12]) {
      const theta = (DSPRITES_FACTOR_VALUES[2][k] * 180) / Math.PI;
      const measured = moments(data.images([index(1, 5, k, 16, 16)])).angle;
      const expected = (((-theta % 180) + 180) % 180) as number;
      const diff = Math.abs(measured - expected);
      expect(Math.min(diff, 180 - diff)).toBeLessThan(3);
    }
  });

  it("draws a heart close to an official one (REFERENCE §1.4 sample: s = 0.7, θ = 0, rows 27–39)", () => {
    const official = [
      "..####...###...",
      ".######.#####..",
      ".#############.",
      ".#############.",
      ".#############.",
      ".#############.",
      "..###########..",
      "..##########...",
      "...########....",
      "....######.....",
      ".....####......",
      "......##.......",
      ".......#.......",
    ];
    const target = official
      .join("")
      .split("")
      .filter((ch) => ch === "#").length;
    let best = 0;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const img = data.images([index(2, 2, 0, x, y)]);
        const drawn = img.reduce((s, v) => s + v, 0);
        for (let c0 = 0; c0 <= 64 - 15; c0++) {
          let inter = 0;
          for (let r = 0; r < 13; r++) for (let c = 0; c < 15; c++) if (official[r][c] === "#" && img[(27 + r) * 64 + c0 + c]) inter++;
          best = Math.max(best, inter / (drawn + target - inter));
        }
      }
    expect(best).toBeGreaterThan(0.9); // measured 0.947
  });
});
