/**
 * Whoever can write to Redis writes a worker's jobs (issue #14 item 14), so `sculpt worker` confines
 * them: a job whose run folder lies outside the worker's folder (an absolute path, a `..`, a link
 * out of its runs dir) or whose prior reads a file outside the allowed roots fails at once with the
 * reason, nothing is written outside, and the worker goes on to the next job; `--allow-root` lets
 * such a file be read. Jobs are put on the queue by hand, as anyone with Redis access could.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrix } from "../src/core/matrix.js";
import { runId } from "../src/core/sweep/hash.js";
import type { TrainConfig } from "../src/core/train/config.js";
import { writeMatrix } from "../src/node/npy-file.js";
import { Ledger } from "../src/node/sweep/ledger.js";
import { planSweep, readSweepSpec } from "../src/node/sweep/plan.js";
import { redisConnection, type JobData } from "../src/node/sweep/queue.js";
import { runSweep } from "../src/node/sweep/sweep.js";
import { redisServer } from "./requires.js";
import { spawnCli, startRedis, tinySpecYaml } from "./sweep-helpers.js";

const REDIS = redisServer();
let tmp: string;
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
const workers: ReturnType<typeof spawnCli>[] = [];
const queues: Queue<JobData>[] = [];
let base: TrainConfig;
let secretFile: string;

function queue(name: string): Queue<JobData> {
  const q = new Queue<JobData>(name, { connection: redisConnection(redis!.url) });
  queues.push(q);
  return q;
}

/** Put a job on `q` the way the coordinator would (or anyone else with Redis access), and wait for its end. */
async function settle(q: Queue<JobData>, data: JobData): Promise<{ state: string; reason?: string }> {
  await q.add("run", data, { jobId: data.id, attempts: 3, removeOnComplete: false, removeOnFail: false });
  for (const until = Date.now() + 240_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const state = await (await q.getJob(data.id))?.getState();
    // Read the job again: one fetched before it ended has no failedReason yet.
    if (state === "completed" || state === "failed") return { state, reason: (await q.getJob(data.id))?.failedReason };
  }
  throw new Error(`timed out waiting for job ${data.id}`);
}

const withPrior = (prior: string): { id: string; config: TrainConfig } => {
  const config = { ...base, prior };
  return { id: runId(config), config };
};

describe.skipIf(!REDIS.ok)(REDIS.title("sculpt worker confines queued jobs"), () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "sculpt-wconfine-"));
    const spec = join(tmp, "base.yaml");
    writeFileSync(spec, tinySpecYaml({ name: "wconfine", seeds: 1, grid: { dataset: ["xy"], model: ["ae-mmd"] } }));
    [{ config: base }] = await planSweep(readSweepSpec(spec).spec);
    mkdirSync(join(tmp, "secret"));
    secretFile = join(tmp, "secret", "z.npy");
    const m = matrix(16, base.latentDim);
    for (let i = 0; i < m.data.length; i++) m.data[i] = Math.sin(i * 1.7);
    writeMatrix(secretFile, m);
    redis = await startRedis(REDIS.path);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all(queues.map((q) => q.close()));
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("refuses run folders outside its folder and prior files outside its roots, then serves the next job", async () => {
    // No --runs-dir: the job's runs dir is taken only inside the worker's current directory.
    const home = join(tmp, "home");
    mkdirSync(home);
    const w = spawnCli(["worker", "--queue", redis!.url, "--queue-name", "qa", "--json"], {}, home);
    workers.push(w);
    const q = queue("qa");
    const run = withPrior("gaussian");

    const absolute = await settle(q, { ...run, runsDir: join(tmp, "abs-out") });
    expect(absolute.state).toBe("failed");
    expect(absolute.reason).toMatch(/the job's runs dir .*abs-out is outside this worker's folder .*home/);
    expect(absolute.reason).toMatch(/--runs-dir DIR/);
    expect(existsSync(join(tmp, "abs-out"))).toBe(false);

    await q.remove(run.id);
    const dotdot = await settle(q, { ...run, runsDir: `${home}/../dotdot-out` });
    expect(dotdot).toMatchObject({ state: "failed", reason: expect.stringMatching(/dotdot-out is outside this worker's folder/) });
    expect(existsSync(join(tmp, "dotdot-out"))).toBe(false);

    // Inside the worker's folder, but the run folder is a link out of it.
    const target = join(tmp, "link-target");
    mkdirSync(target);
    mkdirSync(join(home, "runs"));
    symlinkSync(target, join(home, "runs", run.id));
    await q.remove(run.id);
    const linked = await settle(q, { ...run, runsDir: join(home, "runs") });
    expect(linked).toMatchObject({ state: "failed", reason: expect.stringMatching(/leads to .*link-target, outside its runs dir/) });
    expect(readdirSync(target)).toEqual([]);

    const reads = withPrior(`empirical(${secretFile})`);
    const read = await settle(q, { ...reads, runsDir: join(home, "runs") });
    expect(read.state).toBe("failed");
    expect(read.reason).toMatch(/empirical\(.*secret\/z\.npy\) reads .*secret\/z\.npy, outside the folders this run may read/);
    expect(read.reason).toMatch(/--allow-root .*secret \(or --allow-any-path\)/);
    expect(existsSync(join(home, "runs", reads.id))).toBe(false);

    // Each refusal failed its job at once (no retries), and the worker is still serving.
    expect(w.child.exitCode).toBeNull();
    const failed = w
      .output()
      .split("\n")
      .filter((l) => l.includes('"event":"failed"'));
    expect(failed).toHaveLength(4);
  }, 300_000);

  it("marks a refused run failed in the coordinator's ledger", async () => {
    const home = join(tmp, "home-b");
    mkdirSync(home);
    workers.push(spawnCli(["worker", "--queue", redis!.url, "--queue-name", "qb"], {}, home));
    const spec = join(tmp, "b.yaml");
    writeFileSync(spec, tinySpecYaml({ name: "wconfine-b", seeds: 1, grid: { dataset: ["xy"], model: ["ae"] } }));
    const out = join(tmp, "coordinator");
    const summary = await runSweep(spec, { out, queue: redis!.url, queueName: "qb", pollMs: 300 });
    expect(summary).toMatchObject({ total: 1, done: 0, failed: 1 });
    const ledger = Ledger.openExisting(out);
    try {
      expect(ledger.list()[0].error).toMatch(/runs dir .*coordinator\/runs is outside this worker's folder/);
    } finally {
      ledger.close();
    }
    expect(existsSync(join(out, "runs"))).toBe(false);
  }, 120_000);

  it("reads a prior file under --allow-root, and always writes in its --runs-dir", async () => {
    const runs = join(tmp, "runs-c");
    // Started from a folder beside secret/, so only --allow-root can admit the prior file.
    const home = join(tmp, "home-c");
    mkdirSync(home, { recursive: true });
    workers.push(
      spawnCli(["worker", "--queue", redis!.url, "--queue-name", "qc", "--runs-dir", runs, "--allow-root", join(tmp, "secret")], {}, home),
    );
    const q = queue("qc");
    const reads = withPrior(`empirical(${secretFile})`);
    const done = await settle(q, { ...reads, runsDir: join(tmp, "elsewhere") });
    expect(done).toMatchObject({ state: "completed" });
    expect(existsSync(join(runs, reads.id, "metrics.json"))).toBe(true);
    expect(existsSync(join(tmp, "elsewhere"))).toBe(false);
  }, 300_000);
});
