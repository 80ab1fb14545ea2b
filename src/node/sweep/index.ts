/** Sweeps on Node: planning from files and presets, the ledger, the local pool, the Redis queue and its workers. */
export { runSweep, sweepTable, defaultSweepDir, type SweepOptions, type SweepSummary, type TableOptions } from "./sweep.js";
export { planSweep, readSweepSpec, listSweepPresets, PlanStopped, PRESETS_DIR, type PlanOptions } from "./plan.js";
export { Ledger, LEDGER_FILE, type LedgerRun, type RunOutcome, type RunState, type SweepMeta } from "./ledger.js";
export { executeRun, SWEEP_LOG, type RunTask } from "./execute.js";
export { runLocalPool, DEFAULT_MAX_ATTEMPTS, type SweepProgress, type RunEvent, type PoolOptions } from "./pool.js";
export { runQueued, redisConnection, DEFAULT_QUEUE, type QueueOptions, type JobData } from "./queue.js";
export { runWorker, DEFAULT_LOCK_MS, type WorkerOptions } from "./worker.js";
