/** Run comparison: rows per config field and metric, differences to the first run, overlaid curves. */
import { describe, expect, it } from "vitest";
import type { RunDetail } from "./api-types.js";
import { compareCurvesSpec, compareRuns, flatten } from "./compare-model.js";

function run(
  id: string,
  config: Record<string, unknown>,
  metrics: Record<string, number | string> | undefined,
  history: Record<string, unknown>[] = [],
): RunDetail {
  return {
    summary: { id, name: id, files: [], metrics: {} },
    config,
    environment: undefined,
    status: undefined,
    history,
    badHistoryLines: 0,
    metrics,
    metricsSkipped: {},
  };
}

describe("compareRuns", () => {
  const a = run("a", { model: { kind: "ae-mmd", lambda: 0.3 }, latentDim: 4, seed: 0 }, { lps: 0.5, nmse: 0.1 });
  const b = run("b", { model: { kind: "ae-mmd", lambda: 0.3 }, latentDim: 8, seed: 0 }, { lps: 0.25, mig: 0.2 });
  const c = run("c", { model: { kind: "vae" }, latentDim: 4, seed: 1 }, undefined);

  it("lists every config field and metric with differences to the first run", () => {
    const rows = compareRuns([a, b, c]);
    const row = (key: string) => rows.find((r) => r.key === key)!;
    expect(rows.map((r) => `${r.section}:${r.key}`)).toEqual([
      "config:latentDim",
      "config:model.kind",
      "config:model.lambda",
      "config:seed",
      "metrics:lps",
      "metrics:mig",
      "metrics:nmse",
    ]);
    expect(row("latentDim")).toMatchObject({ values: [4, 8, 4], deltas: [undefined, 4, 0], differs: true });
    expect(row("model.kind")).toMatchObject({
      values: ["ae-mmd", "ae-mmd", "vae"],
      deltas: [undefined, undefined, undefined],
      differs: true,
    });
    expect(row("lps")).toMatchObject({ values: [0.5, 0.25, undefined], deltas: [undefined, -0.25, undefined], differs: true });
    expect(row("mig").deltas).toEqual([undefined, undefined, undefined]);
  });

  it("marks fields the runs agree on", () => {
    const rows = compareRuns([a, run("a2", { ...a.config }, { lps: 0.5, nmse: 0.1 })]);
    expect(rows.every((r) => !r.differs)).toBe(true);
    expect(rows.find((r) => r.key === "lps")!.deltas).toEqual([undefined, 0]);
  });

  it("needs two runs and skips unreadable files", () => {
    expect(() => compareRuns([a])).toThrow(/at least two runs/);
    const broken = { ...b, config: { error: "config.json is not valid JSON" } };
    const rows = compareRuns([a, broken]);
    expect(rows.find((r) => r.key === "latentDim")!.values).toEqual([4, undefined]);
    expect(rows.some((r) => r.key === "error")).toBe(false);
  });

  it("flattens nested config to dotted keys, arrays as JSON", () => {
    expect(flatten({ a: { b: 1, c: [1, 2] }, d: "x", e: null })).toEqual({ "a.b": 1, "a.c": "[1,2]", d: "x", e: "null" });
  });
});

describe("compareCurvesSpec", () => {
  it("draws each term with one series per run", () => {
    const h = (scale: number) =>
      [1, 2, 3].map((epoch) => ({ epoch, step: epoch * 10, "loss/total": scale / epoch, "loss/mmd": scale / epoch ** 2 }));
    const spec = compareCurvesSpec([
      { name: "a", history: h(1) },
      { name: "b", history: h(2) },
    ]) as unknown as { concat: { title: { text: string }; data: { values: { run: string; epoch: number; value: number }[] } }[] };
    expect(spec.concat.map((c) => c.title.text)).toEqual(["loss/total", "loss/mmd"]);
    const total = spec.concat[0].data.values;
    expect(total).toHaveLength(6);
    expect(total.find((v) => v.run === "b" && v.epoch === 2)!.value).toBe(1);
    expect(compareCurvesSpec([{ name: "a", history: [] }])).toBeNull();
  });
});
