/** Figure builders: the data they put in their specs and pixels, checked against direct computation. */
import { describe, expect, it } from "vitest";
import { matrix, type Matrix } from "../matrix.js";
import { createPrior, customPrior } from "../priors/index.js";
import { normalPdf } from "../priors/types.js";
import { Rng } from "../random.js";
import { covarianceHeatmapSpec } from "./covariance.js";
import { trainingCurvesSpec, historyTerms } from "./curves.js";
import { gridFigureSvg, imageBatch, previewGrid, reconstructionGrid, tileImages } from "./image-grid.js";
import { marginalsSpec } from "./marginals.js";
import { histogram } from "./stats.js";
import { findMetric, metricScatterSpec, metricVsLatentSpec, summariseMetric, sweepTables, type SweepRecord } from "./sweep.js";
import { latentTraversals, traversalRanges } from "./traversals.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = Record<string, any>;
const layerData = (chart: any): Row[] => chart.data.values;

function gaussianCodes(n: number, d: number, seed = 3): Matrix {
  return createPrior("gaussian", { dim: d }).sample(n, new Rng(seed));
}

describe("covariance heatmap", () => {
  it("holds the sample covariance, a symmetric diverging domain and annotations for small d", () => {
    // Two perfectly anti-correlated columns: cov = [[v, -v], [-v, v]].
    const codes = matrix(4, 2, Float32Array.from([1, -1, 2, -2, 3, -3, 4, -4]));
    const spec: any = covarianceHeatmapSpec(codes);
    const v = layerData(spec);
    const at = (r: string, c: string) => v.find((x) => x.row === r && x.col === c)!.value;
    expect(at("z1", "z1")).toBeCloseTo(5 / 3, 10); // var of 1..4
    expect(at("z1", "z2")).toBeCloseTo(-5 / 3, 10);
    const color = spec.layer[0].encoding.color.scale;
    expect(color.domain[0]).toBe(-color.domain[1]);
    expect(color.domainMid).toBe(0);
    expect(spec.layer).toHaveLength(2); // rect + text
    expect((covarianceHeatmapSpec(gaussianCodes(50, 12)) as any).layer).toHaveLength(1);
  });
});

describe("marginals", () => {
  it("draws the prior's density where it has one, and bars integrating to the fraction inside the range", () => {
    const codes = gaussianCodes(2000, 2);
    const prior = createPrior("gaussian(0, 2)", { dim: 2 });
    const spec: any = marginalsSpec(codes, prior, { bins: 30 });
    expect(spec.concat).toHaveLength(2);
    const rows = layerData(spec.concat[0]);
    const bars = rows.filter((r) => r.series === "codes");
    const area = bars.reduce((a, r) => a + r.y * (r.x2 - r.x), 0);
    expect(area).toBeGreaterThan(0.98);
    expect(area).toBeLessThanOrEqual(1 + 1e-9);
    const curve = rows.filter((r) => r.series === "prior density");
    expect(curve.length).toBeGreaterThan(100);
    for (const r of curve.slice(0, 5)) expect(r.y).toBeCloseTo(normalPdf(r.x, 0, 2), 12);
    // The x range covers the prior's ±4σ even though the codes are N(0, 1).
    expect(spec.concat[0].layer[0].encoding.x.scale.domain[0]).toBeLessThanOrEqual(-8);
  });

  it("falls back to a histogram of prior samples when the prior has no density, and to codes alone with no prior", () => {
    const ring = customPrior(2, (rng) => {
      const t = 2 * Math.PI * rng.uniform();
      return [Math.cos(t), Math.sin(t)];
    });
    const codes = ring.sample(500, new Rng(1));
    const spec: any = marginalsSpec(codes, ring);
    const rows = layerData(spec.concat[1]);
    const outline = rows.filter((r) => r.series === "prior samples");
    expect(outline.length).toBe(40 + 2);
    expect(Math.max(...outline.map((r) => r.y))).toBeGreaterThan(0);
    const bare: any = marginalsSpec(codes, null);
    expect(layerData(bare.concat[0]).every((r) => r.series === "codes")).toBe(true);
    expect(() => marginalsSpec(codes, createPrior("gaussian", { dim: 3 }))).toThrow(/3 dimensions/);
  });

  it("draws a prior-less model's codes alone, labelled 'no prior', on their own range", () => {
    // Codes of a plain AE can live far from N(0, 1): here z1 in [-40, 300].
    const rng = new Rng(3);
    const codes = matrix(
      500,
      2,
      Float32Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? -40 + 340 * rng.uniform() : rng.normal())),
    );
    const spec: any = marginalsSpec(codes, null);
    expect(spec.title).toContain("no prior");
    const first = spec.concat[0];
    expect(layerData(first).every((r) => r.series === "codes")).toBe(true);
    expect(first.layer[0].encoding.color.scale.domain).toEqual(["codes"]);
    const [lo, hi] = first.layer[0].encoding.x.scale.domain;
    expect(lo).toBeLessThan(-35);
    expect(hi).toBeGreaterThan(295);
    expect(hi).toBeLessThan(301);
  });

  it("counts values outside the histogram range", () => {
    const h = histogram([0, 0.5, 1, 2, -1], 0, 1, 4);
    expect(h.outside).toBe(2);
    expect(h.density.reduce((a, d) => a + d * h.width, 0)).toBeCloseTo(3 / 5, 12);
  });
});

describe("training curves", () => {
  it("plots each logged term, loss/total first, and uses a log axis for terms spanning decades", () => {
    const history = [1, 2, 3].map((e) => ({
      epoch: e,
      step: e * 10,
      "loss/recon": 1 / e,
      "loss/mmd": 10 ** (-2 * e),
      "loss/total": 2 / e,
    }));
    expect(historyTerms(history)).toEqual(["loss/total", "loss/mmd", "loss/recon"]);
    const spec: any = trainingCurvesSpec(history);
    const mmd = spec.concat[1];
    expect(mmd.encoding.y.scale.type).toBe("log");
    expect(spec.concat[2].encoding.y.scale.type).toBeUndefined();
    expect(layerData(mmd).map((r) => r.value)).toEqual(history.map((h) => h["loss/mmd"]));
    expect(() => trainingCurvesSpec([])).toThrow(/no numeric terms/);
  });
});

describe("image grids", () => {
  it("tiles grey images with padding and puts each pixel where it belongs", () => {
    // Two 2×2 images: the first all black, the second with its top-left pixel white.
    const batch = imageBatch(Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0]), [2, 2, 2, 1]);
    const grid = tileImages(batch, { columns: 2, pad: 1 });
    expect([grid.width, grid.height]).toEqual([1 + 2 + 1 + 2 + 1, 1 + 2 + 1]);
    const px = (x: number, y: number) => Array.from(grid.data.slice((y * grid.width + x) * 4, (y * grid.width + x) * 4 + 4));
    expect(px(0, 0)).toEqual([255, 255, 255, 255]); // padding
    expect(px(1, 1)).toEqual([0, 0, 0, 255]);
    expect(px(4, 1)).toEqual([255, 255, 255, 255]); // second image's white pixel
    expect(px(5, 1)).toEqual([0, 0, 0, 255]);
    expect(grid.colCenters).toEqual([2, 5]);
    expect(() => imageBatch(new Float32Array(7), [2, 2, 2, 1])).toThrow(/7 values/);
  });

  it("lays reconstructions beside their inputs and previews 8×8", () => {
    const n = 3;
    const data = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) [data[i], data[n + i]] = [i / 4, 0.5 + i / 4]; // [2, 3, 1, 1, 1]
    const grid = reconstructionGrid(data, [2, n, 1, 1, 1], 2);
    const at = (c: number, r: number) =>
      grid.data[(Math.round(grid.rowCenters[r] - 0.5) * grid.width + Math.round(grid.colCenters[c] - 0.5)) * 4];
    expect([at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(0, 1), at(1, 1)]).toEqual([0, 128, 64, 191, 128, 255]);
    expect(() => reconstructionGrid(data, [3, 2, 1, 1, 1])).toThrow(/expected \[2, n/);
    const preview = previewGrid(imageBatch(new Float32Array(100 * 4), [100, 2, 2, 1]));
    expect([preview.rows, preview.columns]).toEqual([8, 8]);
  });

  it("wraps a grid in SVG with escaped labels", () => {
    const grid = tileImages(imageBatch(new Float32Array(4), [4, 1, 1, 1]), { columns: 2 });
    const svg = gridFigureSvg(grid, { href: "data:image/png;base64,AAAA", rowLabels: ["a<b", "c"], title: 'x"y' });
    expect(svg).toContain("a&lt;b");
    expect(svg).toContain("x&quot;y");
    expect(svg).not.toContain("a<b");
  });
});

describe("traversals", () => {
  it("varies one latent at a time across its range, keeping the input's other codes", async () => {
    const codes = matrix(2, 3, Float32Array.from([0.1, 0.2, 0.3, 1, 2, 3]));
    const seen: Matrix[] = [];
    const decode = (z: Matrix) => {
      seen.push(z);
      return new Float32Array(z.rows * 2 * 2); // [n, 2, 2, 1]
    };
    const ranges: [number, number][] = [
      [-1, 1],
      [-2, 2],
      [0, 4],
    ];
    const out = await latentTraversals(codes, decode, { inputs: [1], steps: 5, imageShape: [2, 2, 1], ranges });
    expect(out).toHaveLength(1);
    expect([out[0].grid.rows, out[0].grid.columns]).toEqual([3, 5]);
    const z = seen[0];
    expect([z.rows, z.cols]).toEqual([15, 3]);
    const row = (r: number) => Array.from(z.data.slice(r * 3, r * 3 + 3));
    expect(row(0)).toEqual([-1, 2, 3]);
    expect(row(4)).toEqual([1, 2, 3]);
    expect(row(7)).toEqual([1, 0, 3]); // dim 2 (index 1), step 2 of 5 over [-2, 2]
    expect(row(14)).toEqual([1, 2, 4]);
    await expect(latentTraversals(codes, () => new Float32Array(3), { steps: 5, imageShape: [2, 2, 1], ranges })).rejects.toThrow(
      /3 values/,
    );
  });

  it("takes the prior's range, else the codes' 2nd–98th percentiles", () => {
    const codes = matrix(
      101,
      1,
      Float32Array.from({ length: 101 }, (_, i) => i),
    );
    expect(traversalRanges(codes, createPrior("uniform(-2, 2)", { dim: 1 }))[0][0]).toBeLessThanOrEqual(-2);
    const [lo, hi] = traversalRanges(
      codes,
      customPrior(1, (r) => [r.normal()]),
    )[0];
    expect([lo, hi]).toEqual([2, 98]);
  });

  it("spans a prior-less model's codes, however far from N(0, 1) they lie", () => {
    const codes = matrix(
      101,
      2,
      Float32Array.from({ length: 202 }, (_, i) => (i % 2 === 0 ? -40 + 3.4 * (i / 2) : 0.01 * (i - 1))),
    );
    const ranges = traversalRanges(codes, null);
    expect(ranges[0][0]).toBeCloseTo(-40 + 3.4 * 2, 4);
    expect(ranges[0][1]).toBeCloseTo(-40 + 3.4 * 98, 4);
    expect(ranges[1][0]).toBeCloseTo(0.04, 4);
    expect(ranges[1][1]).toBeCloseTo(1.96, 4);
  });
});

describe("sweep figures", () => {
  const records: SweepRecord[] = [];
  for (const model of ["ae", "ae-mmd"])
    for (const latentDim of [2, 4])
      for (const seed of [0, 1, 2])
        records.push({
          model,
          dataset: "xy",
          latentDim,
          seed,
          metrics: { "lps.score": latentDim + seed + (model === "ae" ? 0 : 10), nmse: 0.1 },
        });

  it("summarises a metric as mean ± sample std over seeds", () => {
    const s = summariseMetric(records, "lps.score");
    expect(s).toHaveLength(4);
    const first = s.find((x) => x.model === "ae" && x.latentDim === 4)!;
    expect([first.mean, first.std, first.n]).toEqual([5, 1, 3]);
    const t = sweepTables(records);
    expect(t.map((x) => x.model)).toEqual(["ae", "ae-mmd"]);
    expect(t[1].rows[0].cells["lps.score"].mean).toBe(13);
    expect(findMetric(records, [/^lps$/, /^lps\b/])).toBe("lps.score");
    expect(findMetric(records, [/^dci/])).toBeUndefined();
  });

  it("builds line, error-bar and scatter specs from the summaries", () => {
    const spec: any = metricVsLatentSpec(records, "lps.score", { label: "LPS" });
    const rows = layerData(spec);
    expect(rows).toHaveLength(4);
    const r = rows.find((x) => x.model === "ae-mmd" && x.latentDim === 2)!;
    expect([r.lo, r.hi]).toEqual([13 - 1, 13 + 1]);
    expect(spec.layer.map((l: any) => l.mark.type)).toEqual(["line", "rule"]);
    const scatter: any = metricScatterSpec(records, "lps.score", "nmse");
    expect(layerData(scatter)).toHaveLength(12);
    const two: any = metricVsLatentSpec([...records, { ...records[0], dataset: "mnist" }], "lps.score");
    expect(two.hconcat).toHaveLength(2);
    expect(() => metricScatterSpec(records, "lps.score", "dci")).toThrow(/no run has/);
  });
});
