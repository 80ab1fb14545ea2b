/**
 * Planning a sweep: `--dry-run` plans and writes nothing, and Ctrl-C or SIGTERM while a large
 * sweep is being planned stops it within about a second (planning yields to the event loop).
 * How fast planning is lives in `npm run bench -- plan`, not here.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { runId } from "../src/core/sweep/hash.js";
import { validateSweepSpec } from "../src/core/sweep/spec.js";
import { planSweep, PlanStopped } from "../src/node/sweep/plan.js";
import { spawnCli, waitFor } from "./sweep-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "sculpt-plan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A sweep of `seeds` × 100 λ × 10 latent sizes ae-mmd runs on XY. */
function bigSweep(name: string, seeds: number): string {
  const path = join(tmp, `${name}.json`);
  const grid = {
    dataset: ["xy"],
    model: ["ae-mmd"],
    lambda: Array.from({ length: 100 }, (_, i) => (i + 1) / 100),
    latentDim: Array.from({ length: 10 }, (_, i) => i + 1),
  };
  writeFileSync(path, JSON.stringify({ name, seeds, grid }));
  return path;
}

describe("planSweep", () => {
  const spec = validateSweepSpec({
    name: "ids",
    seeds: 3,
    settings: { channels: [4, 8] },
    experiments: [
      { name: "src", grid: { dataset: ["xy", "xyc"], model: ["ae"], latentDim: [2, 3] } },
      { name: "other", grid: { dataset: ["xy"], model: ["ae-mmd"], latentDim: [2, 3], lambda: [0.1, 0.5] } },
      {
        name: "copy",
        grid: { dataset: ["xy"], model: ["ae-mmd"], latentDim: [2, 3], prior: ["empirical({src}/latents.npy)", "gaussian"] },
      },
    ],
  });

  it("names every run by the hash of its whole config, seeds and references included", async () => {
    const runs = await planSweep(spec);
    // src: 2 data sets × 2 sizes × 3 seeds; other: 2 λ × 2 sizes × 3 seeds; copy: 2 priors × 2 sizes × 3 seeds.
    expect(runs).toHaveLength(3 * 12);
    for (const r of runs) expect(r.id, JSON.stringify(r.config)).toBe(runId(r.config));
    expect(new Set(runs.map((r) => r.config.seed))).toEqual(new Set([0, 1, 2]));
    const copies = runs.filter((r) => r.coords.experiment === "copy" && r.deps.length);
    expect(copies).toHaveLength(6);
    for (const c of copies) {
      const src = runs.find((r) => r.id === c.deps[0])!;
      expect(src.config).toMatchObject({ seed: c.config.seed, latentDim: c.config.latentDim, dataset: "xy" });
      expect(c.config.prior).toBe(`empirical({run:${src.id}}/latents.npy)`);
    }
  });

  it("passes the initialisation and Adam's ε of the settings into every run's config (and its id)", async () => {
    const plain = await planSweep(validateSweepSpec({ name: "i", seeds: 1, grid: { dataset: ["xy"], model: ["ae-mmd"] } }));
    const glorot = await planSweep(
      validateSweepSpec({
        name: "i",
        seeds: 1,
        grid: { dataset: ["xy"], model: ["ae-mmd"] },
        settings: { init: "glorot", adamEpsilon: 1e-7 },
      }),
    );
    expect(plain[0].config).toMatchObject({ init: "torch", adamEpsilon: 1e-8 });
    expect(glorot[0].config).toMatchObject({ init: "glorot", adamEpsilon: 1e-7 });
    expect(glorot[0].id).not.toBe(plain[0].id);
    expect(() => validateSweepSpec({ name: "i", settings: { init: "xavier" } })).toThrow(/init/);
  });

  it("offers each data set and its options to prepareData once, before opening it (sculpt sweep --download)", async () => {
    const calls: [string, object][] = [];
    const withRoots = validateSweepSpec({
      name: "prep",
      settings: { channels: [4, 8] },
      experiments: [
        { name: "a", grid: { dataset: ["xy", "xyc"], model: ["ae"], latentDim: [2, 3] } },
        { name: "b", settings: { datasetOptions: { root: "/elsewhere" } }, grid: { dataset: ["xy"], model: ["ae"] } },
      ],
    });
    const runs = await planSweep(withRoots, { prepareData: async (d, o) => void calls.push([d, o]) });
    expect(runs.length).toBeGreaterThan(3);
    expect(calls).toEqual([
      ["xy", {}],
      ["xyc", {}],
      ["xy", { root: "/elsewhere" }],
    ]);
  });

  it("names a prior by its parsed config: spellings of one prior are one run, in any sweep", async () => {
    const sweep = (prior: (string | { kind: string })[]) =>
      planSweep(
        validateSweepSpec({
          name: "spellings",
          seeds: 1,
          settings: { channels: [4, 8] },
          experiments: [{ name: "p", grid: { dataset: ["xy"], model: ["ae-mmd"], latentDim: [2], prior } }],
        }),
      );
    const runs = await sweep(["gaussian", "gaussian()", "gaussian(0, 1)", " gaussian ( 0,1 ) ", { kind: "gaussian" }, "uniform(-1,1)"]);
    expect(runs).toHaveLength(2);
    expect(runs[0].config.prior).toEqual({ kind: "gaussian", mean: 0, std: 1 });
    expect(runs[0].coords.prior).toBe("gaussian"); // the first spelling labels the run
    expect(runs[1].config.prior).toEqual({ kind: "uniform", low: -1, high: 1 });
    for (const r of runs) expect(r.id).toBe(runId(r.config));
    // Another sweep's spelling of the same prior names the same run.
    const [alone] = await sweep(["gaussian(0,1)"]);
    expect(alone.id).toBe(runs[0].id);
    expect((await sweep(["gaussian(0, 2)"]))[0].id).not.toBe(runs[0].id);
  });

  it("stops at its next pause once its signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(planSweep(spec, { signal: controller.signal })).rejects.toThrow(PlanStopped);
  });
});

describe("sculpt sweep --dry-run", () => {
  it("plans and reports the runs without writing a ledger or any folder", async () => {
    const out = join(tmp, "dry");
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const errWrite = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      process.exitCode = 0;
      await main(["node", "sculpt", "sweep", bigSweep("dry", 2), "--dry-run", "--json", "--out", out]);
      expect(process.exitCode).toBe(0);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
      process.exitCode = 0;
    }
    const summary = JSON.parse(lines.join("\n")) as { total: number; pending: number; done: number };
    expect(summary).toMatchObject({ total: 2000, pending: 2000, done: 0 });
    expect(existsSync(out)).toBe(false);
  });
});

describe("stopping while planning", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`exits within about a second of ${signal}, writing nothing`, async () => {
      const out = join(tmp, `stopped-${signal}`);
      const cli = spawnCli(["sweep", bigSweep(`big-${signal}`, 1000), "--dry-run", "--out", out]);
      try {
        await waitFor("planning to start", () => /planning 1000000 runs/.test(cli.output()), 120_000, 50);
        // Let it get well into the plan before stopping it.
        await new Promise((r) => setTimeout(r, 1000));
        const sent = Date.now();
        cli.child.kill(signal);
        const code = await cli.exited;
        const took = Date.now() - sent;
        expect(took, cli.output()).toBeLessThan(1500);
        expect(code, cli.output()).toBe(130);
        expect(cli.output()).toMatch(/stopped while planning/);
        expect(existsSync(join(out, "ledger.sqlite"))).toBe(false);
      } finally {
        cli.child.kill("SIGKILL");
      }
    }, 180_000);
  }
});
