/**
 * Worker-thread side of the parallel LPS runner: receives a plan once, then one dimension at a
 * time, and answers each with that dimension's held-out R² (or the error it raised).
 */
import { parentPort } from "node:worker_threads";
import { lpsDim, type LpsPlan } from "../../core/metrics/lps.js";

let plan: LpsPlan | null = null;
const port = parentPort!;
port.on("message", (msg: { plan?: LpsPlan; dim?: number }) => {
  if (msg.plan) {
    plan = msg.plan;
    port.postMessage({ ready: true });
    return;
  }
  const dim = msg.dim!;
  try {
    port.postMessage({ dim, r2: lpsDim(plan!, dim) });
  } catch (err) {
    const e = err as { problem?: string; fix?: string; message?: string };
    port.postMessage({ dim, error: { problem: e.problem ?? e.message ?? String(err), fix: e.fix } });
  }
});
