import { describe, expect, it } from "vitest";
import { assignRunIds, countSweepRuns, expandSweep, MAX_SWEEP_RUNS, substituteRunRefs, type RunRequest } from "./expand.js";
import { validateSweepSpec } from "./spec.js";
import { resolveModelConfig } from "../models/index.js";

/** A stand-in for the Node resolver: fills the latent size (2 unless given) and keeps the rest. */
const resolve = (r: RunRequest) => ({ ...r, latentDim: r.latentDim ?? 2, prior: r.prior ?? "gaussian" });

describe("validateSweepSpec", () => {
  it("fills defaults: quick budget and the paper's 5 seeds", () => {
    const spec = validateSweepSpec({ name: "s", grid: { dataset: ["xy"], model: ["ae"] } });
    expect(spec.budget).toBe("quick");
    expect(expandSweep(spec).map((r) => r.coords.seed)).toEqual([0, 1, 2, 3, 4]);
  });

  it("names the field and the problem", () => {
    expect(() => validateSweepSpec({ name: "s", grid: { dataset: "xy" } }, "my.yaml")).toThrow(/invalid my\.yaml: grid\.dataset: /);
    expect(() => validateSweepSpec({ name: "s", grid: { datasets: ["xy"] } })).toThrow(/datasets/);
    expect(() => validateSweepSpec({ name: "s", budget: "huge" })).toThrow(/budget/);
    expect(() =>
      validateSweepSpec({
        name: "s",
        experiments: [
          { name: "a", grid: {} },
          { name: "a", grid: {} },
        ],
      }),
    ).toThrow(/'a' is used twice/);
  });

  it("refuses a table metric no metric declares, before any run is planned", () => {
    expect(() => validateSweepSpec({ name: "s", table: { metrics: ["lps.gbdt", "sap.score"] } }, "my.yaml")).toThrow(
      /invalid my\.yaml: table\.metrics: unknown metric key 'sap\.score'.*sap\.discrete/,
    );
    expect(validateSweepSpec({ name: "s", table: { metrics: ["sap.discrete", "fidelity.ks.max"] } }).table?.metrics).toEqual([
      "sap.discrete",
      "fidelity.ks.max",
    ]);
  });
});

describe("expandSweep", () => {
  const spec = validateSweepSpec({
    name: "grid",
    seeds: [0, 1],
    grid: {
      dataset: ["xy", "xyc"],
      model: ["ae", "ae-mmd", "batch-kl"],
      prior: ["gaussian", "uniform(-5, 5)"],
      kernel: ["rbf-mixture", "imq"],
      lambda: [0.3, 1],
    },
    budgets: { smoke: { seeds: 1, settings: { batchSize: 32, datasetOptions: { limit: 64 } } } },
    settings: { datasetOptions: { root: "/data" } },
  });

  it("crosses each axis only with the models it applies to", () => {
    const runs = expandSweep(spec);
    const count = (model: string) => runs.filter((r) => r.coords.model === model).length;
    // per data set and seed: ae 1; ae-mmd 2 priors × 2 kernels × 2 λ = 8; batch-kl 2 λ.
    expect(count("ae")).toBe(2 * 2);
    expect(count("ae-mmd")).toBe(8 * 2 * 2);
    expect(count("batch-kl")).toBe(2 * 2 * 2);
    const ae = runs.find((r) => r.coords.model === "ae")!;
    expect(ae.request.prior).toBeUndefined();
    expect(ae.coords.prior).toBeUndefined();
    const kl = runs.find((r) => r.coords.model === "batch-kl")!;
    expect(kl.request.kernel).toBeUndefined();
    expect(kl.coords.lambda).toBeDefined();
  });

  it("applies the budget's seeds and settings over the sweep's", () => {
    const runs = expandSweep(spec, { budget: "smoke" });
    expect(new Set(runs.map((r) => r.coords.seed))).toEqual(new Set([0]));
    expect(runs[0].request).toMatchObject({ budget: "smoke", batchSize: 32, datasetOptions: { root: "/data", limit: 64 } });
  });

  it("keeps only the data sets asked for, and refuses one the sweep lacks", () => {
    expect(new Set(expandSweep(spec, { datasets: ["xyc"] }).map((r) => r.coords.dataset))).toEqual(new Set(["xyc"]));
    expect(() => expandSweep(spec, { datasets: ["mnist"] })).toThrow(/has no data set mnist/);
  });

  it("uses fixed epochs instead of the budget when the settings give them", () => {
    const fixed = validateSweepSpec({ name: "e", grid: { dataset: ["xy"], model: ["ae"] }, settings: { epochs: 3 } });
    expect(expandSweep(fixed)[0].request).toMatchObject({ epochs: 3, budget: undefined });
  });

  it("labels models with their options", () => {
    const s = validateSweepSpec({ name: "m", seeds: 1, grid: { dataset: ["xy"], model: [{ kind: "beta-vae", beta: 8 }] } });
    expect(expandSweep(s)[0].coords.model).toBe("beta-vae(beta=8)");
  });

  it("refuses a grid without data sets or models, and channels that do not fit convLayers", () => {
    expect(() => expandSweep(validateSweepSpec({ name: "x", grid: { model: ["ae"] } }))).toThrow(/no dataset axis/);
    expect(() =>
      expandSweep(
        validateSweepSpec({ name: "x", grid: { dataset: ["xy"], model: ["ae"] }, settings: { convLayers: 3, channels: [4, 8] } }),
      ),
    ).toThrow(/one channel count per conv layer/);
    expect(() => expandSweep(validateSweepSpec({ name: "x", grid: { dataset: ["xy"], model: ["nope"] } }))).toThrow(/unknown model 'nope'/);
  });

  it("takes seeds 0…n−1 from the options over the file's and its budget's", () => {
    const s = validateSweepSpec({ name: "s", seeds: 5, grid: { dataset: ["xy"], model: ["ae"] }, budgets: { quick: { seeds: 2 } } });
    expect(expandSweep(s, { budget: "quick" }).map((r) => r.coords.seed)).toEqual([0, 1]);
    expect(expandSweep(s, { budget: "quick", seeds: 3 }).map((r) => r.coords.seed)).toEqual([0, 1, 2]);
    expect(countSweepRuns(s, { seeds: 4 })).toBe(4);
  });
});

describe("sweep size", () => {
  it("counts the runs without building them, and refuses more than can be planned, naming the limit", () => {
    const sized = (seeds: number) =>
      validateSweepSpec({
        name: "big",
        seeds,
        grid: { dataset: ["xy"], model: ["ae-mmd"], lambda: Array.from({ length: 1000 }, (_, i) => i) },
      });
    expect(countSweepRuns(sized(3))).toBe(3000);
    expect(expandSweep(sized(3))).toHaveLength(3000);
    const tooBig = sized(MAX_SWEEP_RUNS / 1000 + 1);
    expect(() => countSweepRuns(tooBig)).toThrow(/2,001,000 runs; at most 2,000,000 can be planned at once/);
    expect(() => expandSweep(tooBig)).toThrow(/split it into several sweeps/);
  });
});

describe("assignRunIds", () => {
  const copy = validateSweepSpec({
    name: "copy",
    seeds: 2,
    grid: { dataset: ["xy", "xyc"] },
    experiments: [
      { name: "source", grid: { model: ["ae"] } },
      { name: "copy", grid: { model: ["ae-mmd"], prior: ['empirical("{source}/latents.npy")'] } },
    ],
  });

  it("names runs by their resolved config and makes a reference a dependency", () => {
    const runs = assignRunIds(expandSweep(copy), resolve);
    expect(runs).toHaveLength(8);
    expect(new Set(runs.map((r) => r.id)).size).toBe(8);
    for (const r of runs.filter((x) => x.coords.experiment === "copy")) {
      expect(r.deps).toHaveLength(1);
      const src = runs.find((x) => x.id === r.deps[0])!;
      expect(src.coords).toMatchObject({ experiment: "source", dataset: r.coords.dataset, seed: r.coords.seed });
      expect(r.config.prior).toBe(`empirical("{run:${src.id}}/latents.npy")`);
      expect(substituteRunRefs(r.config.prior as string, (id) => `/runs/${id}`)).toBe(`empirical("/runs/${src.id}/latents.npy")`);
    }
    // Same spec, same ids (stable across processes and machines).
    expect(assignRunIds(expandSweep(copy), resolve).map((r) => r.id)).toEqual(runs.map((r) => r.id));
  });

  it("gives a dependent run a new id when its source changes", () => {
    const before = assignRunIds(expandSweep(copy), resolve).filter((r) => r.coords.experiment === "copy");
    const changed = validateSweepSpec({
      ...copy,
      experiments: [{ name: "source", grid: { model: [{ kind: "ae" }] }, settings: { lr: 1e-3 } }, copy.experiments![1]],
    });
    const after = assignRunIds(expandSweep(changed), resolve).filter((r) => r.coords.experiment === "copy");
    expect(after.map((r) => r.config)).not.toEqual(before.map((r) => r.config));
    for (let i = 0; i < after.length; i++) expect(after[i].id).not.toBe(before[i].id);
  });

  it("merges requests that resolve to the same config", () => {
    const dup = validateSweepSpec({
      name: "dup",
      seeds: 1,
      grid: { dataset: ["xy"] },
      experiments: [
        { name: "a", grid: { model: ["ae"] } },
        { name: "b", grid: { model: ["ae"] } },
      ],
    });
    const runs = assignRunIds(expandSweep(dup), resolve);
    expect(runs).toHaveLength(1);
    expect(runs[0].coords.experiment).toBe("a");
  });

  it("refuses unknown, ambiguous, missing and circular references", () => {
    const bad =
      (experiments: unknown[], grid: object = { dataset: ["xy"] }) =>
      () =>
        assignRunIds(expandSweep(validateSweepSpec({ name: "r", seeds: 1, grid, experiments })), resolve);
    expect(bad([{ name: "c", grid: { model: ["ae-mmd"], prior: ["empirical({nope}/latents.npy)"] } }])).toThrow(
      /'\{nope\}', which is not an experiment/,
    );
    expect(
      bad([
        { name: "s", grid: { model: ["ae", "vae"] } },
        { name: "c", grid: { model: ["ae-mmd"], prior: ["empirical({s}/latents.npy)"] } },
      ]),
    ).toThrow(/2 runs of 's' match/);
    expect(
      bad([
        { name: "s", grid: { model: ["ae"], latentDim: [3] } },
        { name: "c", grid: { model: ["ae-mmd"], prior: ["empirical({s}/latents.npy)"] } },
      ]),
    ).toThrow(/no runs of 's' match dataset xy, latentDim 2, seed 0/);
    expect(
      bad([
        { name: "a", grid: { model: ["ae-mmd"], prior: ["empirical({b}/latents.npy)"] } },
        { name: "b", grid: { model: ["ae-mmd"], prior: ["empirical({a}/latents.npy)"] } },
      ]),
    ).toThrow(/reference cycle/);
  });

  it("matches across data sets when match leaves the data set out", () => {
    const transfer = validateSweepSpec({
      name: "t",
      seeds: 1,
      experiments: [
        { name: "src", grid: { dataset: ["xycs"], model: ["ae"], latentDim: [4] } },
        {
          name: "dst",
          grid: { dataset: ["xy", "xyc"], model: ["ae-mmd"], latentDim: [4], prior: ["empirical({src}/latents.npy)"] },
          match: ["seed", "latentDim"],
        },
      ],
    });
    const runs = assignRunIds(expandSweep(transfer), resolve);
    const src = runs.find((r) => r.coords.experiment === "src")!;
    expect(runs.filter((r) => r.coords.experiment === "dst").map((r) => r.deps)).toEqual([[src.id], [src.id]]);
  });
});

describe("model options in the spec grammar", () => {
  it("expands model specs with options into one run each, labelled as written", () => {
    const s = validateSweepSpec({ name: "b", seeds: 1, grid: { dataset: ["xy"], model: ["beta-vae(beta=4)", "beta-vae(beta=8)"] } });
    const runs = expandSweep(s);
    expect(runs.map((r) => r.coords.model)).toEqual(["beta-vae(beta=4)", "beta-vae(beta=8)"]);
    const planned = assignRunIds(runs, (r) => ({ ...resolve(r), model: resolveModelConfig(r.model) }));
    expect(planned.map((p) => p.config.model)).toEqual([
      { kind: "beta-vae", beta: 4 },
      { kind: "beta-vae", beta: 8 },
    ]);
    expect(planned[0].id).not.toBe(planned[1].id);
  });

  it("points at a mistake in a model spec", () => {
    const s = validateSweepSpec({ name: "b", grid: { dataset: ["xy"], model: ["beta-vae(bta=8)"] } });
    expect(() => expandSweep(s)).toThrow(/bad model spec at position 10: expected an option of beta-vae: beta/);
  });
});
