/**
 * A queue worker (`sculpt worker`): takes sweep runs from the BullMQ queue and runs each in a
 * child process, so training never blocks this process's event loop and the job lock is renewed on
 * time. If this process dies, its children exit with it, the job's lock lapses, and another
 * worker's stalled-job check puts the run back in the queue; the next worker resumes it from its
 * checkpoint in the shared runs directory. Errors that retrying cannot fix (SculptError) fail the
 * job at once; others are retried with backoff.
 *
 * Whoever can write to Redis writes jobs, so a job is confined (confine.ts) before it runs: its run
 * folder goes in the worker's runs directory (`runsDir`, else the job's if that lies inside the
 * current directory) and its files are read only from the runs directory, the current directory
 * and `allowRoots`. A refused job fails at once with the reason; the worker goes on to the next.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { SculptError } from "../../core/registry.js";
import { ChildRunner, RunFailure } from "./child-runner.js";
import { checkRunsDir, readRoots } from "./confine.js";
import type { RunOutcome } from "./ledger.js";
import { connected, DEFAULT_QUEUE, redisConnection, type JobData } from "./queue.js";

export interface WorkerOptions {
  url: string;
  queueName?: string;
  /** Runs at once on this machine (one child process each). */
  concurrency?: number;
  /**
   * Shared folder for run folders, whatever the job says. Without it, the job's runs directory is
   * taken only if it lies inside the current directory (anywhere with `allowAnyPath`).
   */
  runsDir?: string;
  /** Further folders a run may read files from (`empirical(PATH)`, `datasetOptions.root`). */
  allowRoots?: string[];
  /** Trust the queue: take the job's runs directory wherever it is and let runs read any file. */
  allowAnyPath?: boolean;
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

/** Where a job's run folder goes: the worker's runs directory, else the job's if it is allowed. */
function jobRunsDir(data: JobData, options: WorkerOptions): string {
  if (options.runsDir !== undefined) return resolve(options.runsDir);
  if (typeof data.runsDir !== "string" || !data.runsDir)
    throw new SculptError(`job ${data.id} names no runs dir`, "start the worker with --runs-dir DIR");
  const runsDir = resolve(data.runsDir);
  if (!options.allowAnyPath) checkRunsDir(runsDir, process.cwd());
  return runsDir;
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
      const runsDir = jobRunsDir(job.data, options);
      const outcome = await runner.run(
        { id, config },
        {
          runsDir,
          backend: options.backend,
          readRoots: options.allowAnyPath ? undefined : readRoots(runsDir, ...(options.allowRoots ?? [])),
        },
        (epoch, epochs) => options.onEvent?.({ event: "epoch", id, epoch, epochs }),
      );
      options.onEvent?.({ event: "done", id });
      return outcome;
    } catch (err) {
      const f =
        err instanceof RunFailure
          ? err
          : new RunFailure(err instanceof Error ? err.message : String(err), err instanceof SculptError, false);
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
