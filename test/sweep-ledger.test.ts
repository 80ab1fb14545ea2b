/**
 * The sweep ledger on a real SQLite file: plans are recorded idempotently, dependencies gate
 * claims, results are recorded exactly once, failures retry then fail (and fail their dependents),
 * and everything survives closing and reopening.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlannedRun } from "../src/core/sweep/expand.js";
import { Ledger, type RunOutcome } from "../src/node/sweep/ledger.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-ledger-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (id: string, deps: string[] = [], seed = 0): PlannedRun => ({
  id,
  coords: { experiment: "e", dataset: "xy", model: "ae", seed },
  config: { dataset: "xy", seed },
  deps,
});
const outcome = (id: string, lps: number): RunOutcome => ({
  id,
  dir: `/runs/${id}`,
  metrics: { "lps.gbdt": lps },
  trainSeconds: 1,
  evalSeconds: 2,
  worker: "w",
});
const meta = { name: "s", budget: "smoke" };

describe("Ledger", () => {
  it("records a plan once, gates runs on their dependencies and records results exactly once", () => {
    const dir = join(tmp, "a");
    const l = Ledger.open(dir);
    expect(l.sync(meta, [run("a"), run("b", ["a"]), run("c", [], 1)])).toEqual({ added: 3, known: 0 });
    expect(l.sync(meta, [run("a"), run("b", ["a"]), run("c", [], 1)])).toEqual({ added: 0, known: 3 });
    expect(l.ready().map((r) => r.id)).toEqual(["a", "c"]);
    const first = l.claimNext("w1")!;
    expect(first).toMatchObject({ id: "a", state: "running", attempts: 1, worker: "w1" });
    expect(l.claimNext("w2")!.id).toBe("c");
    expect(l.claimNext("w3")).toBeUndefined(); // b waits for a
    expect(l.complete(outcome("a", 0.5))).toBe(true);
    expect(l.complete(outcome("a", 0.9))).toBe(false); // a second report changes nothing
    expect(l.get("a")).toMatchObject({ state: "done", metrics: { "lps.gbdt": 0.5 }, dir: "/runs/a", trainSeconds: 1, evalSeconds: 2 });
    expect(l.claimNext("w3")!.id).toBe("b");
    expect(l.counts()).toEqual({ pending: 0, running: 2, done: 1, failed: 0, total: 3 });
    l.close();

    // A coordinator that died left b and c running: reopening puts them back, done stays done.
    const again = Ledger.open(dir);
    expect(again.requeueInterrupted()).toBe(2);
    expect(again.counts()).toEqual({ pending: 2, running: 0, done: 1, failed: 0, total: 3 });
    expect(again.results()).toEqual([{ coords: run("a").coords, metrics: { "lps.gbdt": 0.5 } }]);
    again.close();
  });

  it("retries a failed attempt until attempts run out, then fails its dependents", () => {
    const l = Ledger.open(join(tmp, "b"));
    l.sync(meta, [run("a"), run("b", ["a"]), run("c", ["b"])]);
    l.claimNext("w");
    expect(l.fail("a", "crashed", { retry: true, maxAttempts: 2 })).toBe("pending");
    l.claimNext("w");
    expect(l.get("a")!.attempts).toBe(2);
    expect(l.fail("a", "crashed again", { retry: true, maxAttempts: 2 })).toBe("failed");
    expect(l.failBlocked()).toBe(2);
    expect(l.get("c")).toMatchObject({ state: "failed", error: "dependency b failed" });
    // A deterministic error is not retried.
    l.sync(meta, [run("a"), run("b", ["a"]), run("c", ["b"])]); // re-running the sweep retries failed runs
    expect(l.counts().pending).toBe(3);
    l.claimNext("w");
    expect(l.fail("a", "bad config", { retry: false, maxAttempts: 5 })).toBe("failed");
    l.close();
  });

  it("releases a stopped run without spending an attempt", () => {
    const l = Ledger.open(join(tmp, "c"));
    l.sync(meta, [run("a")]);
    l.claimNext("w");
    l.release("a");
    expect(l.get("a")).toMatchObject({ state: "pending", attempts: 0 });
    l.close();
  });

  it("holds one sweep per folder", () => {
    const l = Ledger.open(join(tmp, "d"));
    l.sync(meta, [run("a")]);
    expect(() => l.sync({ name: "s", budget: "paper" }, [run("a")])).toThrow(/holds sweep 's' at budget smoke/);
    l.close();
    expect(() => Ledger.openExisting(join(tmp, "nothing"))).toThrow(/holds no sweep ledger/);
  });
});
