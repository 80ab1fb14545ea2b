/**
 * A queue worker (`sculpt worker`): takes sweep runs from the BullMQ queue and runs each in a
 * child process, so training never blocks this process's event loop and the job lock is renewed on
 * time. If this process dies, its children exit with it, the job's lock lapses, and another
 * worker's stalled-job check puts the run back in the queue; the next worker resumes it from its
 * checkpoint in the shared runs directory. Errors that retrying cannot fix (SculptError) fail the
 * job at once; others are retried with backoff.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { ChildRunner, RunFailure } from "./child-runner.js";
import type { RunOutcome } from "./ledger.js";
import { connected, DEFAULT_QUEUE, redisConnection, type JobData } from "./queue.js";

export interface WorkerOptions {
  url: string;
  queueName?: string;
  /** Runs at once on this machine (one child process each). */
  concurrency?: number;
  /** Shared folder for run folders; default: the coordinator's (from the job). */
  runsDir?: string;
  /**
   * How long a job's lock lasts without renewal (ms); a dead worker's run is picked up again about
   * this long after it died. Renewal runs every half of it.
   */
  lockDuration?: number;
  backend?: string;
  signal?: AbortSignal;
  onEvent?: (e: { event: "started" | "epoch" | "done" | "failed"; id: string; epoch?: number; epochs?: number; error?: string }) => void;
  onWarning?: (message: string) => void;
}

// BullMQ's default: long enough that a busy machine never loses a lock it is still renewing.
export const DEFAULT_LOCK_MS = 30_000;

/** Run jobs until `signal` aborts. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const lockDuration = options.lockDuration ?? DEFAULT_LOCK_MS;
  const idle: ChildRunner[] = [];
  const all = new Set<ChildRunner>();
  const take = () => {
    let r = idle.pop();
    while (r && !r.alive) r = idle.pop();
    if (!r) {
      r = new ChildRunner();
      all.add(r);
    }
    return r;
  };

  const processor = async (job: Job<JobData, RunOutcome>): Promise<RunOutcome> => {
    const runner = take();
    const { id, config } = job.data;
    options.onEvent?.({ event: "started", id });
    try {
      const outcome = await runner.run(
        { id, config },
        { runsDir: resolve(options.runsDir ?? job.data.runsDir), backend: options.backend },
        (epoch, epochs) => options.onEvent?.({ event: "epoch", id, epoch, epochs }),
      );
      options.onEvent?.({ event: "done", id });
      return outcome;
    } catch (err) {
      const f = err instanceof RunFailure ? err : new RunFailure(String(err), false, false);
      options.onEvent?.({ event: "failed", id, error: f.message });
      if (f.deterministic) throw new UnrecoverableError(f.message);
      throw new Error(f.message);
    } finally {
      if (runner.alive) idle.push(runner);
      else all.delete(runner);
    }
  };

  const connection = redisConnection(options.url);
  const worker = new Worker<JobData, RunOutcome>(options.queueName ?? DEFAULT_QUEUE, processor, {
    connection,
    concurrency,
    name: `${hostname()}:${process.pid}`,
    lockDuration,
    stalledInterval: lockDuration,
    // A run may outlive one dead worker and then another before it is declared failed.
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on("error", (e) => options.onWarning?.(`queue: ${e.message}`));
  await connected([worker], connection, options.url);
  const stopped = new Promise<void>((done) => {
    if (options.signal?.aborted) return done();
    options.signal?.addEventListener("abort", () => done(), { once: true });
  });
  const running = worker.run();
  await stopped;
  // Force: do not wait for active runs; their locks lapse and another worker resumes them.
  await worker.close(true);
  for (const r of all) r.kill("SIGTERM");
  await Promise.all([...all].map((r) => r.exit()));
  await running.catch(() => undefined);
}
