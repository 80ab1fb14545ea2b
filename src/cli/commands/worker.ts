/**
 * `sculpt worker --queue redis://HOST:PORT [--concurrency N] [--runs-dir DIR] [--lock-duration MS] [--json]`:
 * take sweep runs from the queue until stopped (Ctrl-C or SIGTERM).
 */
import type { Command } from "commander";
import { DEFAULT_LOCK_MS, runWorker } from "../../node/index.js";
import { positiveInt } from "../numbers.js";

interface WorkerFlags {
  queue: string;
  queueName?: string;
  concurrency?: string;
  runsDir?: string;
  lockDuration?: string;
  json?: boolean;
}

export function workerCommand(program: Command): void {
  program
    .command("worker")
    .description("take sweep runs from a Redis queue (see `sculpt sweep --queue`) until stopped")
    .requiredOption("--queue <url>", "Redis URL, redis://HOST:PORT")
    .option("--queue-name <name>", "BullMQ queue name (default sculpt-runs)")
    .option("--concurrency <n>", "runs at once on this machine (default 1)")
    .option("--runs-dir <dir>", "shared folder for run folders (default: the coordinator's)")
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
