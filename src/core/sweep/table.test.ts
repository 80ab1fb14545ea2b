import { describe, expect, it } from "vitest";
import { matrix } from "../matrix.js";
import { evaluateAll } from "../metrics/index.js";
import { createPrior } from "../priors/index.js";
import { Rng } from "../random.js";
import type { RunCoords } from "./expand.js";
import { METRIC_INFO } from "./metric-info.js";
import { aggregate, formatTable, type SweepResult } from "./table.js";

const at = (
  model: string,
  dataset: string,
  seed: number,
  metrics: Record<string, number>,
  extra: Partial<RunCoords> = {},
): SweepResult => ({
  coords: { experiment: "t", dataset, model, seed, ...extra },
  metrics,
});

// LPS lower is better, MIG higher: ae wins LPS on xy, ae-mmd wins MIG on xy.
const results = [
  at("ae", "xy", 0, { "lps.gbdt": 0.1, "nmse.db": -20, "mig.score": 0.2 }),
  at("ae", "xy", 1, { "lps.gbdt": 0.3, "nmse.db": -22, "mig.score": 0.4 }),
  at("ae-mmd", "xy", 0, { "lps.gbdt": 0.5, "nmse.db": -18, "mig.score": 0.5 }),
  at("ae-mmd", "xy", 1, { "lps.gbdt": 0.7, "nmse.db": -19, "mig.score": 0.7 }),
  at("ae", "xyc", 0, { "lps.gbdt": 0.9, "nmse.db": -10 }),
  at("ae-mmd", "xyc", 0, { "lps.gbdt": 0.2, "nmse.db": -12 }),
  at("ae-mmd", "xyc", 1, { "lps.gbdt": 0.4, "nmse.db": -14 }),
];

describe("aggregate", () => {
  const t = aggregate(results);
  const row = (label: string) => t.rows.find((r) => r.label === label)!.key;

  it("gives mean and sample std over seeds per row and data set", () => {
    expect(t.datasets).toEqual(["xy", "xyc"]);
    expect(t.rows.map((r) => r.label)).toEqual(["ae", "ae-mmd"]);
    const c = t.cell(row("ae"), "xy", "lps.gbdt")!;
    expect(c.mean).toBeCloseTo(0.2, 12);
    expect(c.std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(c.n).toBe(2);
    expect(t.cell(row("ae"), "xyc", "lps.gbdt")).toMatchObject({ mean: 0.9, std: 0, n: 1 });
    expect(t.cell(row("ae"), "xyc", "mig.score")).toBeUndefined();
    expect(t.seeds).toBe(2);
  });

  it("marks the best per column in the metric's direction", () => {
    expect(t.isBest(row("ae"), "xy", "lps.gbdt")).toBe(true);
    expect(t.isBest(row("ae-mmd"), "xy", "lps.gbdt")).toBe(false);
    expect(t.isBest(row("ae"), "xy", "nmse.db")).toBe(true);
    expect(t.isBest(row("ae-mmd"), "xy", "mig.score")).toBe(true);
    expect(t.isBest(row("ae-mmd"), "xyc", "lps.gbdt")).toBe(true);
    expect(t.isBest(row("ae-mmd"), "xyc", "nmse.db")).toBe(true);
  });

  it("names rows by the coordinates that vary within a data set", () => {
    // Latent sizes differ between data sets (as in Table 1) but not within one: not in the label.
    const perSet = aggregate([
      at("ae", "xy", 0, { "lps.gbdt": 1 }, { latentDim: 2 }),
      at("ae", "xyc", 0, { "lps.gbdt": 1 }, { latentDim: 3 }),
      at("ae-mmd", "xy", 0, { "lps.gbdt": 1 }, { latentDim: 2, prior: "gaussian" }),
      at("ae-mmd", "xy", 0, { "lps.gbdt": 1 }, { latentDim: 2, prior: "uniform" }),
    ]);
    expect(perSet.rows.map((r) => r.label)).toEqual(["ae", "ae-mmd · gaussian", "ae-mmd · uniform"]);
    const dims = aggregate([
      at("ae", "cifar10", 0, { "lps.gbdt": 1 }, { latentDim: 8 }),
      at("ae", "cifar10", 0, { "lps.gbdt": 1 }, { latentDim: 16 }),
    ]);
    expect(dims.rows.map((r) => r.label)).toEqual(["ae · d=8", "ae · d=16"]);
  });

  it("refuses an empty sweep", () => {
    expect(() => aggregate([])).toThrow(/no finished runs/);
  });
});

describe("formatTable", () => {
  const t = aggregate(results);

  it("markdown compact: one cell per data set, LPS — NMSE, best in bold", () => {
    const md = formatTable(t, { format: "markdown", layout: "compact" });
    const lines = md.split("\n");
    expect(lines[0]).toMatch(/^LPS-gbdt ↓ — NMSE \(dB\) ↓ per data set \(mean ± std over 2 seeds/);
    expect(lines).toContain("|  | xy | xyc |");
    expect(lines).toContain("| ae | **0.200 ± 0.141** — **-21.00 ± 1.41** | 0.900 ± 0.000 (n=1) — -10.00 ± 0.00 (n=1) |");
    expect(lines).toContain("| ae-mmd | 0.600 ± 0.141 — -18.50 ± 0.71 | **0.300 ± 0.141** — **-13.00 ± 1.41** |");
  });

  it("full layout: one table per data set with every metric", () => {
    const md = formatTable(t, { format: "markdown", layout: "full" });
    expect(md).toContain("xy: every metric");
    expect(md).toContain("|  | LPS-gbdt ↓ | NMSE (dB) ↓ | MIG ↑ |");
    expect(md).toContain("xyc: every metric");
    expect(md).toContain("|  | LPS-gbdt ↓ | NMSE (dB) ↓ |");
  });

  it("csv is long form with a best flag; json parses back", () => {
    const csv = formatTable(t, { format: "csv", layout: "full" }).split("\n");
    expect(csv[0]).toBe("row,dataset,metric,mean,std,n,best");
    expect(csv).toHaveLength(1 + 3 + 3 + 2 + 2);
    expect(csv).toContain("ae-mmd,xy,mig.score,0.6,0.14142135623730948,2,1");
    const json = JSON.parse(formatTable(t, { format: "json", layout: "compact" })) as {
      cells: { row: string; best: boolean }[];
      metrics: string[];
    };
    expect(json.metrics).toEqual(["lps.gbdt", "nmse.db"]);
    expect(json.cells.filter((c) => c.best)).toHaveLength(4);
  });

  it("latex escapes and bolds", () => {
    const tex = formatTable(t, { format: "latex", layout: "compact" });
    expect(tex).toContain("\\begin{tabular}{lcc}");
    expect(tex).toContain("ae & \\textbf{0.200 $\\pm$ 0.141} -- \\textbf{-21.00 $\\pm$ 1.41}");
    // Only the comment line may keep Unicode symbols; the table body must compile with plain LaTeX.
    const body = tex.split("\n").filter((l) => !l.startsWith("%"));
    expect(body.join("\n")).not.toMatch(/[±↓↑—·]/);
  });

  it("refuses compact metrics no run has, listing those it has", () => {
    expect(() => formatTable(t, { format: "markdown", layout: "compact", metrics: ["dci.disentanglement"] })).toThrow(
      /no finished run has dci\.disentanglement.*lps\.gbdt, nmse\.db, mig\.score/,
    );
  });

  it("marks a cell over more seeds than the caption's too (a data set given a third seed)", () => {
    const more = aggregate([...results, at("ae", "xy", 2, { "lps.gbdt": 0.2, "nmse.db": -21 })]);
    const md = formatTable(more, { format: "markdown", layout: "compact" });
    expect(md).toMatch(/over 2 seeds/);
    expect(md.split("\n")).toContain(
      "| ae | **0.200 ± 0.100 (n=3)** — **-21.00 ± 1.00 (n=3)** | 0.900 ± 0.000 (n=1) — -10.00 ± 0.00 (n=1) |",
    );
  });

  it("refuses a misspelt metric key, naming the declared ones", () => {
    expect(() => formatTable(t, { format: "markdown", layout: "compact", metrics: ["lps.gbdt", "mig"] })).toThrow(
      /table metrics: unknown metric key 'mig'.*mig\.score/,
    );
  });
});

describe("METRIC_INFO", () => {
  it("gives a direction to every number evaluateAll reports", async () => {
    const rng = new Rng(3);
    const n = 120;
    const latents = matrix(
      n,
      3,
      Float32Array.from({ length: n * 3 }, () => rng.normal()),
    );
    const classes = Int32Array.from({ length: n * 2 }, (_, i) => (i * 7 + (i >> 1)) % 4);
    const images = Float32Array.from({ length: n * 4 }, () => rng.uniform());
    const reconstructions = images.map((v) => v * 0.9);
    const prior = createPrior("gaussian", { dim: 3 });
    const { values } = await evaluateAll({
      latents,
      factors: { classes, sizes: [4, 4], names: ["a", "b"] },
      images,
      reconstructions,
      prior,
      seed: 0,
    });
    const scalars = Object.keys(values).filter((k) => typeof values[k] === "number");
    expect(scalars.length).toBeGreaterThan(10);
    expect(scalars.filter((k) => !METRIC_INFO[k])).toEqual([]);
  });
});
