/**
 * The embedded runner: a pool of worker processes on this machine taking runs from the ledger.
 * Each run is claimed in a transaction (pending → running), run in a child process, and recorded
 * (done, or failed / retried); a run whose dependencies are not done waits. A crashed worker is
 * replaced and its run retried (up to maxAttempts); stopping the pool returns in-flight runs to
 * pending without spending an attempt, and they resume from their checkpoints next time.
 */
import { availableParallelism } from "node:os";
import type { RunCoords } from "../../core/sweep/expand.js";
import type { TrainConfig } from "../../core/train/config.js";
import { ChildRunner, RunFailure, workerEnv } from "./child-runner.js";
import type { Ledger, RunState } from "./ledger.js";

export interface SweepProgress {
  total: number;
  done: number;
  running: number;
  failed: number;
  pending: number;
  /** Seconds left, from the mean duration of the runs finished so far; null before the first. */
  etaSeconds: number | null;
}

export interface RunEvent {
  id: string;
  coords: RunCoords;
  event: "started" | "done" | "retry" | "failed" | "epoch";
  error?: string;
  epoch?: number;
  epochs?: number;
}

export interface RunnerOptions {
  /** Where run folders go (RUNS/<id>). */
  runsDir: string;
  backend?: string;
  /** Attempts per run before it is marked failed (crashes and transient errors are retried). */
  maxAttempts?: number;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  onRunEvent?: (e: RunEvent) => void;
  onWarning?: (message: string) => void;
}

export interface PoolOptions extends RunnerOptions {
  /** Worker processes (default: one per core). */
  workers?: number;
  /** Folders a run's files may lie in (ExecuteOptions.readRoots); undefined: anywhere. */
  readRoots?: string[];
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/** Progress from the ledger's counts and the durations of the runs finished in this session. */
export function progressOf(ledger: Ledger, durations: readonly number[], parallel: number): SweepProgress {
  const c = ledger.counts();
  const mean = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null;
  const left = c.pending + c.running / 2;
  return {
    total: c.total,
    done: c.done,
    running: c.running,
    failed: c.failed,
    pending: c.pending,
    etaSeconds: mean === null ? null : (mean * left) / Math.max(1, Math.min(parallel, left || 1)),
  };
}

export async function runLocalPool(ledger: Ledger, options: PoolOptions): Promise<void> {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const signal = options.signal;
  ledger.requeueInterrupted();
  ledger.failBlocked();
  const slots: (ChildRunner | undefined)[] = new Array(workers).fill(undefined);
  const busy = new Set<number>();
  const active = new Set<Promise<void>>();
  const inFlight = new Map<number, string>();
  const durations: number[] = [];
  const report = () => options.onProgress?.(progressOf(ledger, durations, workers));
  const event = (id: string, coords: RunCoords, e: Omit<RunEvent, "id" | "coords">) => options.onRunEvent?.({ id, coords, ...e });

  const start = (slot: number) => {
    const run = ledger.claimNext(`local/${slot}`);
    if (!run) return false;
    let runner = slots[slot];
    if (!runner || !runner.alive) runner = slots[slot] = new ChildRunner(workerEnv(workers));
    busy.add(slot);
    inFlight.set(slot, run.id);
    event(run.id, run.coords, { event: "started" });
    report();
    const t0 = performance.now();
    const p = runner
      .run(
        { id: run.id, config: run.config as TrainConfig },
        { runsDir: options.runsDir, backend: options.backend, readRoots: options.readRoots },
        (epoch, epochs) => event(run.id, run.coords, { event: "epoch", epoch, epochs }),
      )
      .then(
        (outcome) => {
          ledger.complete(outcome);
          durations.push((performance.now() - t0) / 1000);
          event(run.id, run.coords, { event: "done" });
        },
        (err: unknown) => {
          if (signal?.aborted) return ledger.release(run.id);
          const f = err instanceof RunFailure ? err : new RunFailure(String(err), false, false);
          const state: RunState | undefined = ledger.fail(run.id, f.message, { retry: !f.deterministic, maxAttempts });
          event(run.id, run.coords, { event: state === "pending" ? "retry" : "failed", error: f.message });
          if (state === "failed") ledger.failBlocked();
        },
      )
      .finally(() => {
        busy.delete(slot);
        inFlight.delete(slot);
        active.delete(p);
        report();
      });
    active.add(p);
    return true;
  };

  const onAbort = () => slots.forEach((r) => r?.kill("SIGTERM"));
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    report();
    while (!signal?.aborted) {
      for (let s = 0; s < workers; s++) if (!busy.has(s) && !start(s)) break;
      if (active.size === 0) break;
      await Promise.race(active);
    }
    await Promise.allSettled([...active]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const id of inFlight.values()) ledger.release(id);
    slots.forEach((r) => r?.kill("SIGTERM"));
    await Promise.all(slots.map((r) => r?.exit()));
  }
}
