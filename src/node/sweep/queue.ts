/**
 * Running a sweep on many machines through BullMQ on Redis. The coordinator enqueues each ready run
 * as a job whose id is the run id (so enqueueing twice is a no-op), keeps the ledger on its own
 * machine, and collects results two ways: QueueEvents for promptness and polling job states as a
 * safety net (events are missed while the coordinator is down). Both go through the ledger's
 * idempotent upsert, so each result lands exactly once. Runs that depend on others are enqueued
 * when their sources are done. Workers: see worker.ts.
 */
import { Queue, QueueEvents, type ConnectionOptions, type Job } from "bullmq";
import { SculptError } from "../../core/registry.js";
import type { TrainConfig } from "../../core/train/config.js";
import type { Ledger, LedgerRun, RunOutcome } from "./ledger.js";
import { DEFAULT_MAX_ATTEMPTS, progressOf, type RunnerOptions } from "./pool.js";

export const DEFAULT_QUEUE = "sculpt-runs";

/** What a job carries: the run and where the coordinator expects run folders (a worker may override). */
export interface JobData {
  id: string;
  config: TrainConfig;
  runsDir: string;
}

/** Connection attempts before a first connection is given up (ioredis would retry forever). */
export const CONNECT_ATTEMPTS = 3;
// Connections that have been up once: from then on a lost connection is retried without end.
const everConnected = new WeakSet<object>();

/** ioredis options from redis://[user:password@]host[:port][/db] (rediss:// for TLS). */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SculptError(`--queue '${url}' is not a URL`, "use redis://HOST:PORT, e.g. redis://127.0.0.1:6379");
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new SculptError(`--queue '${url}' is not a redis:// URL`, "use redis://HOST:PORT, e.g. redis://127.0.0.1:6379");
  const db = u.pathname.replace(/^\//, "");
  if (db && !/^\d+$/.test(db)) throw new SculptError(`--queue '${url}': the database must be a number`, "use redis://HOST:PORT/0");
  const options: ConnectionOptions = {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: db ? Number(db) : undefined,
    tls: u.protocol === "rediss:" ? {} : undefined,
    // BullMQ's blocking commands need this; a lost connection is retried, not failed.
    maxRetriesPerRequest: null,
    // Until the first connection, CONNECT_ATTEMPTS attempts (null ends the client); then BullMQ's backoff.
    retryStrategy: (times: number) =>
      everConnected.has(options) ? Math.max(Math.min(Math.exp(times), 20_000), 1000) : times < CONNECT_ATTEMPTS ? 500 * times : null,
  };
  return options;
}

/** A BullMQ client as `connected` sees it (Queue, QueueEvents, Worker). */
interface Client {
  waitUntilReady(): Promise<unknown>;
  disconnect(): Promise<void>;
}

/**
 * Wait for BullMQ clients made with `connection` (from redisConnection) to connect, or fail with
 * the URL, the reason and a fix: a refused or unresolvable address fails after CONNECT_ATTEMPTS
 * attempts, anything else after `timeoutMs`. Once connected, a lost connection is retried forever.
 */
export async function connected(clients: Client[], connection: ConnectionOptions, url: string, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(clients.map((c) => c.waitUntilReady())), timeout]);
    everConnected.add(connection);
  } catch (err) {
    // Stop the clients still trying (each gives up after its attempts anyway), not waiting for them.
    for (const c of clients) c.disconnect().catch(() => undefined);
    throw new SculptError(`cannot reach Redis at ${url}: ${(err as Error).message}`, "start redis-server there, or fix --queue");
  } finally {
    clearTimeout(timer);
  }
}

export interface QueueOptions extends RunnerOptions {
  url: string;
  queueName?: string;
  /** How often job states are polled (ms). */
  pollMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/** Coordinate a sweep through the queue until every run in the ledger is done or failed. */
export async function runQueued(ledger: Ledger, options: QueueOptions): Promise<void> {
  const connection = redisConnection(options.url);
  const name = options.queueName ?? DEFAULT_QUEUE;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const queue = new Queue<JobData, RunOutcome>(name, { connection });
  const events = new QueueEvents(name, { connection });
  // Connection errors are retried by ioredis; say so once per message instead of failing the sweep.
  const seen = new Set<string>();
  const warn = (e: Error) => {
    if (!seen.has(e.message)) options.onWarning?.(`queue: ${e.message}`);
    seen.add(e.message);
  };
  queue.on("error", warn);
  events.on("error", warn);
  await connected([queue, events], connection, options.url);

  const durations: number[] = [];
  const report = () => {
    const p = progressOf(ledger, durations, Math.max(1, ledger.counts().running));
    options.onProgress?.(p);
  };
  const event = (run: LedgerRun | undefined, e: { event: "started" | "done" | "failed" | "retry"; error?: string }) => {
    if (run) options.onRunEvent?.({ id: run.id, coords: run.coords, ...e });
  };

  const record = (outcome: RunOutcome | null | undefined) => {
    if (!outcome || typeof outcome !== "object" || !outcome.id) return;
    if (ledger.complete(outcome)) {
      durations.push(outcome.trainSeconds + outcome.evalSeconds);
      event(ledger.get(outcome.id), { event: "done" });
      report();
    }
  };
  const recordFailure = (id: string, reason: string) => {
    const state = ledger.fail(id, reason, { retry: false, maxAttempts });
    if (state === "failed") {
      event(ledger.get(id), { event: "failed", error: reason });
      ledger.failBlocked();
      report();
    }
  };
  const enqueued = new Set<string>();
  const enqueueReady = async () => {
    for (const run of ledger.ready()) {
      if (enqueued.has(run.id)) continue;
      const existing = await queue.getJob(run.id);
      if (existing && (await existing.getState()) === "failed") await existing.retry("failed");
      else if (!existing)
        await queue.add(
          "run",
          { id: run.id, config: run.config as TrainConfig, runsDir: options.runsDir },
          {
            jobId: run.id,
            attempts: maxAttempts,
            backoff: { type: "exponential", delay: 2000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        );
      enqueued.add(run.id);
    }
  };
  // One activation (a job moved to active, first time or after a stall) is seen by the event and
  // by polling; its start time tells them apart, and the job's own count of starts is the attempts.
  const activations = new Map<string, number>();
  const noteActive = (job: Job<JobData, RunOutcome>) => {
    const id = job.id!;
    const key = job.processedOn ?? 0;
    if (activations.get(id) === key) return;
    activations.set(id, key);
    const run = ledger.get(id);
    if (run && ledger.markRunning(id, job.processedBy ?? "queue", job.attemptsStarted || undefined)) {
      event(run, { event: "started" });
      report();
    }
  };
  /** Bring the ledger up to date with the queue (after a restart, or a missed event). */
  const reconcile = async () => {
    for (const run of [...ledger.list("pending"), ...ledger.list("running")]) {
      const job: Job<JobData, RunOutcome> | undefined = await queue.getJob(run.id);
      if (!job) continue;
      const state = await job.getState();
      if (state === "completed") record(job.returnvalue);
      else if (state === "failed") {
        // A job failed before this coordinator asked for it again gets retried by enqueueReady.
        if (enqueued.has(run.id)) recordFailure(run.id, job.failedReason ?? "failed");
      } else if (state === "active") noteActive(job);
    }
  };

  events.on("completed", ({ returnvalue }) =>
    record((typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as RunOutcome),
  );
  events.on("active", ({ jobId }) => {
    void queue
      .getJob(jobId)
      .then((job) => job && noteActive(job))
      .catch(warn);
  });
  events.on("failed", ({ jobId, failedReason }) => {
    void queue
      .getJob(jobId)
      .then(async (job) => {
        if (!job) return;
        if ((await job.getState()) === "failed") recordFailure(jobId, failedReason);
        else event(ledger.get(jobId), { event: "retry", error: failedReason });
      })
      .catch(warn);
  });

  try {
    // 'running' rows are re-derived from the queue: active jobs are marked running again below.
    ledger.requeueInterrupted();
    ledger.failBlocked();
    await reconcile();
    report();
    while (!options.signal?.aborted) {
      await enqueueReady();
      const c = ledger.counts();
      if (c.pending + c.running === 0) break;
      await sleep(options.pollMs ?? 2000, options.signal);
      await reconcile();
    }
  } finally {
    await events.close();
    await queue.close();
  }
}
