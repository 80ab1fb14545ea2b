/**
 * LPS on every core: the d regressions of the Latent Predictability Score are independent, so
 * they are handed out one dimension at a time to a pool of worker threads (one per core). When
 * workers cannot start (or the job is tiny) the dimensions run in this thread; results are the
 * same either way, since each dimension's job is deterministic given the plan.
 */
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Matrix } from "../../core/matrix.js";
import { lpsAsync, lpsDim, type LpsOptions, type LpsPlan, type LpsResult, type LpsRunner } from "../../core/metrics/lps.js";
import { SculptError } from "../../core/registry.js";

export interface ParallelOptions {
  /** Worker threads (default: the machine's available parallelism). 1 runs in this thread. */
  threads?: number;
  /** Below this many latent values (rows × dims) the job runs in this thread (workers take ~1 s to start). */
  minValues?: number;
  /** Called as each dimension finishes (for progress), with whether a worker computed it. */
  onDone?: (dim: number, inWorker: boolean) => void;
}

/** A worker running lps-worker; from TypeScript sources (tests, tsx) the worker registers tsx first. */
function startWorker(): Worker {
  const self = import.meta.url;
  if (self.endsWith(".ts")) {
    const target = new URL("./lps-worker.ts", self).href;
    // require.resolve finds the CommonJS build; the ES module build sits beside it
    const tsx = pathToFileURL(
      createRequire(self)
        .resolve("tsx/esm/api")
        .replace(/\.cjs$/, ".mjs"),
    ).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return new Worker(boot, { eval: true });
  }
  return new Worker(new URL("./lps-worker.js", self));
}

/** An LpsRunner that spreads the dimensions over worker threads. */
export function workerLpsRunner(options: ParallelOptions = {}): LpsRunner {
  return (plan) => runPlan(plan, options);
}

async function runPlan(plan: LpsPlan, options: ParallelOptions): Promise<number[]> {
  const d = plan.z.cols;
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), d));
  const here = (i: number) => {
    const r2 = lpsDim(plan, i);
    options.onDone?.(i, false);
    return r2;
  };
  const inThread = () => Array.from({ length: d }, (_, i) => here(i));
  if (threads === 1 || plan.z.rows * d < (options.minValues ?? 50_000)) return inThread();

  const results = new Array<number>(d).fill(NaN);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let alive = 0;
      let failure: Error | null = null;
      const finishOrFallback = () => {
        if (failure) return reject(failure);
        if (done === d) return resolve();
        if (alive === 0) {
          // no worker could run: do the rest here
          try {
            for (let i = 0; i < d; i++) if (Number.isNaN(results[i])) results[i] = here(i);
          } catch (err) {
            return reject(err);
          }
          resolve();
        }
      };
      const dispatch = (w: Worker) => {
        if (next < d) w.postMessage({ dim: next++ });
      };
      for (let t = 0; t < threads; t++) {
        let w: Worker;
        try {
          w = startWorker();
        } catch {
          continue;
        }
        workers.push(w);
        alive++;
        let current = -1;
        w.on("message", (msg: { ready?: boolean; dim?: number; r2?: number; error?: { problem: string; fix?: string } }) => {
          if (msg.error) {
            failure = new SculptError(msg.error.problem, msg.error.fix);
            return finishOrFallback();
          }
          if (msg.dim !== undefined && msg.r2 !== undefined) {
            results[msg.dim] = msg.r2;
            done++;
            options.onDone?.(msg.dim, true);
            if (done === d) return finishOrFallback();
          }
          current = next;
          dispatch(w);
        });
        w.on("error", () => {
          // the job it held goes back to the queue's owner: run it here
          alive--;
          if (current >= 0 && current < d && Number.isNaN(results[current])) {
            try {
              results[current] = here(current);
            } catch (err) {
              failure = err as Error;
            }
            done++;
          }
          current = -1;
          finishOrFallback();
        });
        w.postMessage({ plan });
      }
      finishOrFallback();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/**
 * LPS with its regressions spread over worker threads.
 * @example
 * const { lps, perDim } = await lpsParallel(codes, { regressor: "gbdt" });
 */
export function lpsParallel(z: Matrix, options: LpsOptions = {}, parallel: ParallelOptions = {}): Promise<LpsResult> {
  return lpsAsync(z, options, workerLpsRunner(parallel));
}
