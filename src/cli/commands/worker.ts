/**
 * `sculpt worker --queue redis://HOST:PORT [--concurrency N] [--runs-dir DIR] [--allow-root DIR]…
 *  [--allow-any-path] [--lock-duration MS] [--json]`: take sweep runs from the queue until stopped
 * (Ctrl-C or SIGTERM), confined to the folders it is given.
 */
import type { Command } from "commander";
import { DEFAULT_LOCK_MS, runWorker } from "../../node/index.js";
import { positiveInt } from "../numbers.js";

interface WorkerFlags {
  queue: string;
  queueName?: string;
  concurrency?: string;
  runsDir?: string;
  allowRoot?: string[];
  allowAnyPath?: boolean;
  lockDuration?: string;
  json?: boolean;
}

export function workerCommand(program: Command): void {
  program
    .command("worker")
    .description("take sweep runs from a Redis queue (see `sculpt sweep --queue`) until stopped")
    .addHelpText(
      "after",
      `
Anyone who can write to the Redis queue chooses what a worker runs, so a worker confines each job:
its run folder must resolve (symlinks and .. followed) inside --runs-dir (or, without it, inside
the current directory), and the files its config reads (empirical(PATH) priors,
datasetOptions.root) inside the runs dir, the current directory or an --allow-root folder. A job
that breaks either rule fails at once with the reason; the worker goes on to the next.
--allow-any-path lifts both rules but one: a run folder never leads (by a link) out of its runs dir.`,
    )
    .requiredOption("--queue <url>", "Redis URL, redis://HOST:PORT")
    .option("--queue-name <name>", "BullMQ queue name (default sculpt-runs)")
    .option("--concurrency <n>", "runs at once on this machine (default 1)")
    .option(
      "--runs-dir <dir>",
      "write every run folder here, whatever the job says (default: the job's runs dir, refused unless inside the current directory)",
    )
    .option(
      "--allow-root <dir>",
      "a run may also read files (empirical(PATH), datasetOptions.root) here; repeatable (default: only the runs dir and the current directory)",
      (dir: string, dirs: string[] = []) => [...dirs, dir],
    )
    .option("--allow-any-path", "trust the queue: take the job's runs dir wherever it is, and let runs read any file")
    .option("--lock-duration <ms>", `job lock; a dead worker's run is taken up again after about this long (default ${DEFAULT_LOCK_MS})`)
    .option("--json", "JSON lines of events on stdout")
    .action(async (f: WorkerFlags) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const say = (obj: Record<string, unknown>, text: string) => console.log(f.json ? JSON.stringify(obj) : text);
      say({ event: "ready", pid: process.pid }, `worker ${process.pid} waiting for runs on ${f.queue}`);
      await runWorker({
        url: f.queue,
        queueName: f.queueName,
        concurrency: positiveInt(f.concurrency, "concurrency"),
        runsDir: f.runsDir,
        allowRoots: f.allowRoot,
        allowAnyPath: f.allowAnyPath,
        lockDuration: positiveInt(f.lockDuration, "lock-duration"),
        signal: controller.signal,
        onEvent: (e) => {
          if (e.event === "epoch" && !f.json) return;
          say({ ...e, pid: process.pid }, `${e.event.padEnd(8)} ${e.id}${e.error ? `: ${e.error}` : ""}`);
        },
        onWarning: (message) => say({ event: "warning", message }, `warning: ${message}`),
      });
      say({ event: "stopped", pid: process.pid }, "worker stopped");
    });
}
