/**
 * A sweep worker process (forked by the local pool or by `sculpt worker`): takes runs over IPC one
 * at a time, runs them with `executeRun`, and reports the outcome. It exits as soon as its parent
 * goes away (the IPC channel closes even when the parent is SIGKILLed), so a killed worker never
 * leaves an orphan training the same run as the process that picks it up again.
 */
import { SculptError } from "../../core/registry.js";
import type { ChildReply, ChildRequest } from "./child-runner.js";
import { executeRun } from "./execute.js";

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

process.on("message", (msg: ChildRequest) => {
  if (msg.type !== "run") return;
  const { task } = msg;
  executeRun(task, {
    ...msg.options,
    reporters: [
      {
        onStepEnd: exitIfOrphaned,
        onEpochEnd: (r) => send({ type: "progress", id: task.id, epoch: r.epoch, epochs: task.config.epochs }),
      },
    ],
  }).then(
    (outcome) => send({ type: "done", outcome }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      // A SculptError is deterministic (bad config, diverged loss): retrying would fail again.
      send({ type: "error", id: task.id, message: e.message, deterministic: e instanceof SculptError });
    },
  );
});
send({ type: "ready" });
