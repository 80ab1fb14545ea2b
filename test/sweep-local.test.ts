/**
 * The embedded sweep runner end to end on tiny runs: a pool of worker processes trains and
 * evaluates every run (a dependent run after its source), the ledger holds each result, a second
 * invocation skips finished runs, and killing the sweep (SIGKILL) mid-run loses no finished run:
 * the rerun resumes the interrupted one from its checkpoint and trains nothing twice.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { Ledger } from "../src/node/sweep/ledger.js";
import { runSweep, sweepTable } from "../src/node/sweep/sweep.js";
import { jsonLines, spawnCli, sweepLog, tinySpecYaml, waitFor } from "./sweep-helpers.js";

let tmp: string;
let specPath: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-sweep-"));
  specPath = join(tmp, "copy.yaml");
  // Figure 3's shape: an AE per seed, then an AE-MMD toward that AE's codes. Two epochs, so a
  // kill can land between checkpoints.
  writeFileSync(
    specPath,
    tinySpecYaml({
      name: "tiny-copy",
      seeds: 1,
      grid: { dataset: ["xy"] },
      experiments: [
        { name: "source", grid: { model: ["ae"] } },
        { name: "copy", grid: { model: ["ae-mmd"], prior: ['empirical("{source}/latents.npy")'] } },
      ],
      settings: { epochs: 2 },
    }),
  );
});
let cli: ReturnType<typeof spawnCli> | undefined;
afterAll(async () => {
  cli?.child.kill("SIGKILL");
  await cli?.exited;
  rmSync(tmp, { recursive: true, force: true });
});

// Tiny runs, but each worker process loads TensorFlow.js through tsx; generous on a loaded machine.
const SLOW = 480_000;

describe("sculpt sweep (embedded)", () => {
  it(
    "survives SIGKILL mid-run: finished runs are kept, the interrupted one resumes, nothing trains twice",
    async () => {
      const out = join(tmp, "killed");
      const runs = join(out, "runs");
      cli = spawnCli(["sweep", specPath, "--out", out, "--workers", "1"]);
      const { child, exited } = cli;
      // Kill once one run is finished and the next has checkpointed its first epoch.
      const interrupted = await waitFor(
        "a finished run and another past epoch 1",
        () => {
          if (!existsSync(runs)) return undefined;
          const dirs = readdirSync(runs).map((d) => join(runs, d));
          const finished = dirs.filter((d) => sweepLog(d).some((e) => e.event === "finished"));
          const midway = dirs.find((d) => !finished.includes(d) && jsonLines(join(d, "history.jsonl")).length === 1);
          return finished.length >= 1 && midway;
        },
        240_000,
        100,
      );
      child.kill("SIGKILL");
      await exited;
      const finishedBefore = readdirSync(runs).filter((d) => sweepLog(join(runs, d)).some((e) => e.event === "finished"));
      expect(finishedBefore.length).toBeGreaterThanOrEqual(1);

      const events: string[] = [];
      const summary = await runSweep(specPath, {
        out,
        workers: 2,
        backend: "wasm",
        onRunEvent: (e) => events.push(e.event === "epoch" ? `epoch ${e.epoch} ${e.id}` : `${e.event} ${e.id}`),
      });
      expect(summary).toMatchObject({ total: 2, done: 2, failed: 0, pending: 0 });
      // Runs finished before the kill were not started again.
      for (const id of finishedBefore) expect(events).not.toContain(`started ${id}`);
      for (const id of readdirSync(runs)) {
        const log = sweepLog(join(runs, id));
        // Exactly one attempt finished, including for the interrupted run (its orphaned worker
        // process exited with the sweep instead of finishing on its own).
        expect(log.filter((e) => e.event === "finished")).toHaveLength(1);
        // Every epoch was trained once: the history continues where the checkpoint left off.
        expect(jsonLines<{ epoch: number }>(join(runs, id, "history.jsonl")).map((h) => h.epoch)).toEqual([1, 2]);
      }
      const resumed = sweepLog(interrupted);
      expect(resumed.map((e) => e.event)).toEqual(["started", "started", "finished"]);
      expect(resumed[2].worker).not.toBe(resumed[0].worker);
      // It resumed from its epoch-1 checkpoint: the rerun trained only epoch 2.
      const interruptedId = basename(interrupted);
      expect(events.filter((e) => e.startsWith("epoch") && e.endsWith(interruptedId))).toEqual([`epoch 2 ${interruptedId}`]);

      const ledger = Ledger.openExisting(out);
      try {
        const rows = ledger.list();
        expect(rows.every((r) => r.state === "done" && typeof r.metrics?.["lps.gbdt"] === "number" && r.dir === join(runs, r.id))).toBe(
          true,
        );
        expect(rows.find((r) => join(runs, r.id) === interrupted)!.attempts).toBe(2);
        // The copies were trained toward their own seed's AE codes.
        for (const r of rows.filter((x) => x.coords.experiment === "copy")) {
          const config = JSON.parse(readFileSync(join(runs, r.id, "config.json"), "utf8")) as { prior: unknown; priorSpec: string };
          expect(config.priorSpec).toBe(`empirical("${join(runs, r.deps[0])}/latents.npy")`);
          expect(config.prior).toEqual({ kind: "empirical", path: `${join(runs, r.deps[0])}/latents.npy` });
          expect(ledger.get(r.deps[0])!.coords).toMatchObject({ experiment: "source", seed: r.coords.seed });
        }
      } finally {
        ledger.close();
      }

      // A third invocation finds everything done and runs nothing.
      const again: string[] = [];
      const second = await runSweep(specPath, { out, workers: 2, backend: "wasm", onRunEvent: (e) => again.push(e.event) });
      expect(second).toMatchObject({ done: 2, failed: 0 });
      expect(again).toEqual([]);

      // More seeds later (--seeds): seeds 0…1 planned, the seed-0 runs already done are kept.
      let plan: { runs: unknown[]; added: number; done: number } | undefined;
      const more = await runSweep(specPath, { out, seeds: 2, dryRun: true, onPlan: (p) => (plan = p) });
      expect(more).toMatchObject({ total: 4, done: 2, pending: 2 });
      expect(plan).toMatchObject({ added: 2, done: 2 });

      const table = sweepTable(out);
      expect(table).toMatch(/^LPS-gbdt ↓ — NMSE \(dB\) ↓ per data set \(mean ± std over 1 seed/);
      expect(table).toContain("|  | xy |");
      expect(table).toMatch(/\| source · ae \| .*-?\d+\.\d+ ± \d+\.\d+.* — .*\|/);
      expect(table).toMatch(/\| copy · ae-mmd \| /);
    },
    SLOW,
  );

  it("sculpt table prints every format; bad input gets the problem and the fix", async () => {
    const out = join(tmp, "killed");
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      await buildProgram().parseAsync(["node", "sculpt", "table", out, "--format", "csv", "--layout", "full"]);
    } finally {
      console.log = log;
    }
    const csv = lines.join("\n").split("\n");
    expect(csv[0]).toBe("row,dataset,metric,mean,std,n,best");
    expect(csv.some((l) => l.startsWith("copy · ae-mmd,xy,fidelity.mmd2,"))).toBe(true);

    await expect(buildProgram().parseAsync(["node", "sculpt", "table", join(tmp, "none")])).rejects.toThrow(/holds no sweep ledger/);
    await expect(buildProgram().parseAsync(["node", "sculpt", "table", out, "--format", "xml"])).rejects.toThrow(/unknown --format 'xml'/);
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "name: bad\ngrid:\n  dataset: xy\n");
    await expect(runSweep(bad, { out: join(tmp, "bad") })).rejects.toThrow(/grid\.dataset: /);
    writeFileSync(bad, "name: bad\ngrid: [\n");
    await expect(runSweep(bad, { out: join(tmp, "bad") })).rejects.toThrow(/not valid YAML at line/);
    await expect(runSweep("no-such-preset", { out: join(tmp, "bad") })).rejects.toThrow(
      /no sweep file or preset named 'no-such-preset'.*table1/,
    );
    // Nothing was written for specs that failed validation.
    expect(existsSync(join(tmp, "bad"))).toBe(false);
  });
});
