/**
 * Distributed sweeps on a real Redis: a coordinator enqueues the runs, two `sculpt worker`
 * processes take them, one is SIGKILLed mid-run, and its run is recovered by the other worker
 * (stalled-job check, short lock). Every run ends done exactly once with its metrics in the
 * coordinator's ledger; enqueueing the same sweep again adds no jobs.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../src/node/sweep/ledger.js";
import { DEFAULT_QUEUE, redisConnection } from "../src/node/sweep/queue.js";
import { runSweep } from "../src/node/sweep/sweep.js";
import { redisServer } from "./requires.js";
import { freePort, jsonLines, spawnCli, startRedis, sweepLog, tinySpecYaml, waitFor } from "./sweep-helpers.js";

const REDIS = redisServer();
let tmp: string;
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
let url: string;
const workers: ReturnType<typeof spawnCli>[] = [];

describe.skipIf(!REDIS.ok)(REDIS.title("sculpt sweep --queue with sculpt worker"), () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "sculpt-queue-"));
    redis = await startRedis(REDIS.path);
    url = redis.url;
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    await Promise.all(workers.map((w) => w.exited));
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("recovers a killed worker's run; every run lands in the ledger exactly once", async () => {
    const spec = join(tmp, "q.yaml");
    // Three epochs: a worker killed after epoch 1 is mid-run.
    writeFileSync(
      spec,
      tinySpecYaml({ name: "tiny-queue", seeds: 2, grid: { dataset: ["xy"], model: ["ae", "ae-mmd"] }, settings: { epochs: 3 } }),
    );
    const shared = join(tmp, "shared-runs");
    for (let i = 0; i < 2; i++)
      workers.push(spawnCli(["worker", "--queue", url, "--runs-dir", shared, "--lock-duration", "3000", "--json"]));
    const events = (w: (typeof workers)[number]) =>
      w
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { event: string; id?: string; epoch?: number; pid: number });

    let victim: { worker: (typeof workers)[number]; id: string } | undefined;
    const killer = (async () => {
      const hit = await waitFor(
        "a worker past epoch 1",
        () => {
          for (const w of workers) {
            const e = events(w).find((x) => x.event === "epoch" && x.epoch === 1);
            if (e) return { worker: w, id: e.id! };
          }
          return undefined;
        },
        300_000,
        100,
      );
      hit.worker.child.kill("SIGKILL");
      victim = hit;
    })();

    const out = join(tmp, "coordinator");
    const summary = await runSweep(spec, { out, queue: url, runsDir: join(tmp, "default-runs"), pollMs: 500 });
    await killer;
    expect(summary).toMatchObject({ total: 4, done: 4, failed: 0, pending: 0 });

    // Run folders went to the workers' --runs-dir, one per run.
    const ids = readdirSync(shared).sort();
    expect(ids).toHaveLength(4);
    const ledger = Ledger.openExisting(out);
    try {
      const rows = ledger.list();
      expect(rows.map((r) => r.id).sort()).toEqual(ids);
      for (const r of rows) {
        expect(r.state).toBe("done");
        expect(r.dir).toBe(join(shared, r.id));
        expect(typeof r.metrics!["lps.gbdt"]).toBe("number");
        expect(typeof r.metrics!["nmse.db"]).toBe("number");
        const log = sweepLog(join(shared, r.id));
        expect(
          log.filter((e) => e.event === "finished"),
          `run ${r.id}`,
        ).toHaveLength(1);
        expect(jsonLines<{ epoch: number }>(join(shared, r.id, "history.jsonl")).map((h) => h.epoch)).toEqual([1, 2, 3]);
      }
      // The killed worker's run was started twice, by two processes, and finished by the survivor.
      const log = sweepLog(join(shared, victim!.id));
      expect(log.map((e) => e.event)).toEqual(["started", "started", "finished"]);
      expect(new Set(log.map((e) => e.worker)).size).toBe(2);
      expect(ledger.get(victim!.id)!.attempts).toBe(2);
    } finally {
      ledger.close();
    }

    // Enqueueing again is a no-op: same job ids, nothing new to run.
    const again = await runSweep(spec, { out, queue: url, pollMs: 200 });
    expect(again).toMatchObject({ done: 4, failed: 0 });
    const queue = new Queue(DEFAULT_QUEUE, { connection: redisConnection(url) });
    try {
      const counts = await queue.getJobCounts("completed", "waiting", "active", "failed", "delayed");
      expect(counts).toMatchObject({ completed: 4, waiting: 0, active: 0, failed: 0, delayed: 0 });
    } finally {
      await queue.close();
    }
  }, 480_000);

  it("refuses a bad queue URL and an unreachable Redis", async () => {
    const spec = join(tmp, "q.yaml");
    await expect(runSweep(spec, { out: join(tmp, "c2"), queue: "http://x" })).rejects.toThrow(/not a redis:\/\/ URL/);
    const port = await freePort();
    await expect(runSweep(spec, { out: join(tmp, "c3"), queue: `redis://127.0.0.1:${port}` })).rejects.toThrow(/cannot reach Redis/);
  }, 60_000);
});
