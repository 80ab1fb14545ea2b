/**
 * A worker process (forked by the local pool, by `sculpt worker` or by `sculpt demo`): takes jobs
 * over IPC one at a time (a sweep run through `executeRun`, or a plain `trainRun`), and reports the
 * outcome. It exits as soon as its parent
 * goes away (the IPC channel closes even when the parent is SIGKILLed), so a killed worker never
 * leaves an orphan training the same run as the process that picks it up again.
 */
import { SculptError } from "../../core/registry.js";
import type { ChildReply, ChildRequest } from "./child-runner.js";
import type { Reporter } from "../../core/train/reporter.js";

const send = (msg: ChildReply) => process.send?.(msg);

if (!process.send) {
  console.error("child.js is started by the sweep pool, not by hand");
  process.exit(2);
}
// The parent is gone when the IPC channel closes or this process is re-parented. Training keeps the
// event loop busy for a whole epoch, so the check also runs after every step.
const parent = process.ppid;
const orphaned = () => process.ppid !== parent;
const exitIfOrphaned = () => {
  if (orphaned()) process.exit(1);
};
process.on("disconnect", () => process.exit(1));
setInterval(exitIfOrphaned, 1000).unref();

/** Progress and warnings of the job `id` (of `epochs` epochs) back to the parent. */
const reporter = (id: string, epochs: number | undefined): Reporter => ({
  onStepEnd: exitIfOrphaned,
  onEpochEnd: (r) => send({ type: "progress", id, epoch: r.epoch, epochs: epochs ?? 0, loss: r["loss/total"] }),
  onWarning: (message) => send({ type: "warning", id, message }),
});

process.on("message", (msg: ChildRequest) => {
  const id = msg.type === "run" ? msg.task.id : msg.job.dir;
  // Loaded on demand: a training job need not load the evaluation code.
  const work =
    msg.type === "run"
      ? import("./execute.js").then(({ executeRun }) =>
          executeRun(msg.task, { ...msg.options, reporters: [reporter(id, msg.task.config.epochs)] }),
        )
      : import("../train.js")
          .then(({ trainRun }) =>
            trainRun(msg.job.user, {
              outDir: msg.job.dir,
              resume: msg.job.resume,
              backend: msg.job.backend,
              reporters: [reporter(id, msg.job.user.epochs)],
            }),
          )
          .then(() => null);
  work.then(
    (outcome) => send({ type: "done", outcome }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      // A SculptError is deterministic (bad config, diverged loss): retrying would fail again.
      send({ type: "error", id, message: e.message, deterministic: e instanceof SculptError });
    },
  );
});
send({ type: "ready" });
