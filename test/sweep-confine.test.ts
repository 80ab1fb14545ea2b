/**
 * A sweep run stays in its folders (issue #14 item 14): its run folder may not lead out of its runs
 * dir through a link, and the files its config reads (`empirical(PATH)`, `datasetOptions.root`)
 * must lie in the allowed roots, symlinks resolved, unless more roots are given. The local runner
 * (`sculpt sweep`) applies the same rules; the Redis worker's are in worker-confine.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrix } from "../src/core/matrix.js";
import { runId } from "../src/core/sweep/hash.js";
import type { TrainConfig } from "../src/core/train/config.js";
import { writeMatrix } from "../src/node/npy-file.js";
import { checkPathsRead, readRoots } from "../src/node/sweep/confine.js";
import { executeRun, type RunTask } from "../src/node/sweep/execute.js";
import { Ledger } from "../src/node/sweep/ledger.js";
import { planSweep, readSweepSpec } from "../src/node/sweep/plan.js";
import { runSweep } from "../src/node/sweep/sweep.js";
import { ROOT } from "./helpers.js";
import { spawnCli, tinySpecYaml } from "./sweep-helpers.js";

let tmp: string;
let base: TrainConfig;
let secret: string;

/** A latent set of `cols` columns at `path`. */
function latents(path: string, cols: number): void {
  const m = matrix(16, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.sin(i * 1.7);
  writeMatrix(path, m);
}

const task = (config: TrainConfig): RunTask => ({ id: runId(config), config });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-confine-"));
  const spec = join(tmp, "base.yaml");
  writeFileSync(spec, tinySpecYaml({ name: "confine", seeds: 1, grid: { dataset: ["xy"], model: ["ae-mmd"] } }));
  [{ config: base }] = await planSweep(readSweepSpec(spec).spec);
  secret = join(tmp, "secret");
  mkdirSync(secret);
  latents(join(secret, "z.npy"), base.latentDim);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a sweep run is confined to its folders", () => {
  it("refuses a run folder that links out of its runs dir, and writes nothing there", async () => {
    const runs = join(tmp, "link-runs");
    const outside = join(tmp, "link-target");
    mkdirSync(runs);
    mkdirSync(outside);
    const t = task(base);
    symlinkSync(outside, join(runs, t.id));
    await expect(executeRun(t, { runsDir: runs })).rejects.toThrow(/leads to .*link-target, outside its runs dir/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses an empirical prior outside the allowed roots, naming the path, the roots and the flag", async () => {
    const runs = join(tmp, "read-runs");
    const t = task({ ...base, prior: `empirical(${join(secret, "z.npy")})` });
    const refused = executeRun(t, { runsDir: runs, readRoots: [runs] });
    await expect(refused).rejects.toThrow(/empirical\(.*secret\/z\.npy\) reads .*secret\/z\.npy, outside the folders this run may read/);
    await expect(refused).rejects.toThrow(/--allow-root .*secret \(or --allow-any-path\)/);
    await expect(refused).rejects.toThrow(new RegExp(`\\(${runs}\\)`));
    // Refused before the run folder was made.
    expect(existsSync(runs)).toBe(false);
  });

  it("resolves links and nested priors before checking, and lets an added root through", () => {
    const allowed = join(tmp, "allowed");
    mkdirSync(allowed);
    symlinkSync(secret, join(allowed, "door"));
    const via = { ...base, prior: `empirical(${join(allowed, "door", "z.npy")})` };
    expect(() => checkPathsRead(via, [allowed])).toThrow(/reads .*secret\/z\.npy, outside/);
    const nested = { ...base, prior: `hybrid[gaussian(0, 1), empirical(${join(secret, "z.npy")})]` };
    expect(() => checkPathsRead(nested, [allowed])).toThrow(/empirical\(.*\) reads .*secret\/z\.npy/);
    const data = { ...base, datasetOptions: { ...base.datasetOptions, root: secret } };
    expect(() => checkPathsRead(data, [allowed])).toThrow(/datasetOptions\.root reads .*secret, outside/);
    for (const c of [via, nested, data]) expect(() => checkPathsRead(c, [allowed, secret])).not.toThrow();
    // The default roots: the runs dir, the current directory and any more given.
    expect(readRoots(join(tmp, "r"), secret)).toEqual([join(tmp, "r"), process.cwd(), secret]);
  });

  it("sculpt sweep: a run reading outside its roots fails with the reason; --allow-root lets it run", async () => {
    const folder = join(tmp, "local");
    mkdirSync(folder);
    const spec = join(folder, "copy.yaml");
    writeFileSync(
      spec,
      tinySpecYaml({
        name: "confine-local",
        seeds: 1,
        grid: { dataset: ["xy"], model: ["ae-mmd"], prior: [`empirical(${join(secret, "z.npy")})`] },
      }),
    );
    const out = join(tmp, "local-out");
    const refused = await runSweep(spec, { out, workers: 1 });
    expect(refused).toMatchObject({ total: 1, done: 0, failed: 1 });
    const ledger = Ledger.openExisting(out);
    try {
      const [row] = ledger.list();
      expect(row.error).toMatch(/secret\/z\.npy, outside the folders this run may read/);
      expect(row.attempts).toBe(1);
    } finally {
      ledger.close();
    }
    expect(existsSync(join(out, "runs"))).toBe(false);
    const allowed = await runSweep(spec, { out, workers: 1, allowRoots: [secret] });
    expect(allowed).toMatchObject({ total: 1, done: 1, failed: 0 });
  }, 240_000);

  it("sculpt sweep --queue refuses --allow-root (a worker takes its own)", async () => {
    const cli = spawnCli(["sweep", "copy", "--queue", "redis://127.0.0.1:1", "--allow-root", ROOT]);
    expect(await cli.exited, cli.output()).toBe(2);
    expect(cli.output()).toMatch(/--allow-root applies to runs on this machine[\s\S]*fix: give it to each `sculpt worker`/);
  }, 60_000);

  it("sculpt sweep --queue refuses --download (the runs train on the workers)", async () => {
    const cli = spawnCli(["sweep", "copy", "--queue", "redis://127.0.0.1:1", "--download"]);
    expect(await cli.exited, cli.output()).toBe(2);
    expect(cli.output()).toMatch(/--download fetches on this machine[\s\S]*fix: run `sculpt data fetch NAME` on each worker/);
  }, 60_000);
});
