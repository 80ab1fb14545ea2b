/**
 * `runSweep`: plan a sweep, record the plan in the sweep folder's ledger, and run what is not done,
 * on this machine (a pool of worker processes, the default) or through a Redis queue. Layout:
 *
 *   OUT/ledger.sqlite   every run's state, config, metrics, folder, attempts and timings
 *   OUT/runs/<id>/      one run folder per run (run-format.ts), named by the run id
 *
 * `sweepTable` reads the ledger back as a table (mean ± std over seeds).
 */
import { dirname, resolve, join } from "node:path";
import type { BudgetName } from "../../core/nets/presets.js";
import { BUDGETS } from "../../core/nets/presets.js";
import { lookup } from "../../core/registry.js";
import type { PlannedRun } from "../../core/sweep/expand.js";
import type { SweepSpec } from "../../core/sweep/spec.js";
import { aggregate, formatTable, type TableFormat, type TableLayout } from "../../core/sweep/table.js";
import type { TrainConfig } from "../../core/train/config.js";
import { readRoots } from "./confine.js";
import { Ledger } from "./ledger.js";
import { planSweep, readSweepSpec, type PlanOptions } from "./plan.js";
import { runLocalPool, type PoolOptions } from "./pool.js";
import { runQueued } from "./queue.js";

export interface SweepOptions extends Omit<PoolOptions, "runsDir" | "readRoots"> {
  /** Sweep folder (default sweeps/<name>-<budget>). */
  out?: string;
  budget?: BudgetName;
  /** Run only these data sets of the sweep. */
  datasets?: string[];
  /** Seeds 0…n−1 instead of the sweep file's; runs already done for the lower seeds are kept. */
  seeds?: number;
  /** Run folders (default OUT/runs); with a queue, a directory every worker can reach. */
  runsDir?: string;
  /** redis://HOST:PORT: enqueue runs for `sculpt worker` processes instead of running them here. */
  queue?: string;
  queueName?: string;
  pollMs?: number;
  /**
   * Further folders the runs on this machine may read files from (`empirical(PATH)`,
   * `datasetOptions.root`), besides the sweep file's folder, the runs directory and the current
   * directory. Queued runs are confined by each worker's own options.
   */
  allowRoots?: string[];
  /** Let the runs on this machine read files anywhere. */
  allowAnyPath?: boolean;
  /** Plan only: record nothing, run nothing (an existing ledger is read to say what is done). */
  dryRun?: boolean;
  /** Called once the runs are counted, before planning them (which may take seconds for large sweeps). */
  onCount?: (requests: number) => void;
  /** Called once per data set and options while planning, before any is opened; not on a dry run. */
  prepareData?: PlanOptions["prepareData"];
  /** Called once the plan is recorded, before any run starts. */
  onPlan?: (info: { out: string; runs: PlannedRun<TrainConfig>[]; added: number; done: number }) => void;
}

export interface SweepSummary {
  name: string;
  budget: BudgetName;
  out: string;
  runsDir: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  seconds: number;
}

export const defaultSweepDir = (name: string, budget: string) => join("sweeps", `${name}-${budget}`);

export async function runSweep(specOrPath: string | SweepSpec, options: SweepOptions = {}): Promise<SweepSummary> {
  const t0 = performance.now();
  const read = typeof specOrPath === "string" ? readSweepSpec(specOrPath) : { spec: specOrPath, source: undefined };
  const spec = read.spec;
  const budget = options.budget ?? spec.budget;
  lookup(BUDGETS, budget, "budget");
  const runs = await planSweep(spec, {
    budget,
    datasets: options.datasets,
    seeds: options.seeds,
    signal: options.signal,
    onCount: options.onCount,
    prepareData: options.dryRun ? undefined : options.prepareData,
  });
  const out = resolve(options.out ?? defaultSweepDir(spec.name, budget));
  const runsDir = resolve(options.runsDir ?? join(out, "runs"));
  if (options.dryRun) {
    const states = Ledger.peekStates(out) ?? new Map<string, string>();
    const count = (state: string) => runs.filter((r) => states.get(r.id) === state).length;
    const done = count("done");
    options.onPlan?.({ out, runs, added: runs.filter((r) => !states.has(r.id)).length, done });
    return {
      name: spec.name,
      budget,
      out,
      runsDir,
      total: runs.length,
      done,
      failed: 0,
      pending: runs.length - done,
      seconds: (performance.now() - t0) / 1000,
    };
  }
  const ledger = Ledger.open(out);
  try {
    const { added } = ledger.sync({ name: spec.name, budget, tableMetrics: spec.table?.metrics }, runs);
    options.onPlan?.({ out, runs, added, done: ledger.counts().done });
    if (options.queue) await runQueued(ledger, { ...options, url: options.queue, runsDir });
    else
      await runLocalPool(ledger, {
        ...options,
        runsDir,
        readRoots: options.allowAnyPath
          ? undefined
          : readRoots(runsDir, read.source && dirname(read.source), ...(options.allowRoots ?? [])),
      });
    const c = ledger.counts();
    return {
      name: spec.name,
      budget,
      out,
      runsDir,
      total: c.total,
      done: c.done,
      failed: c.failed,
      pending: c.pending + c.running,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    ledger.close();
  }
}

export interface TableOptions {
  format?: TableFormat;
  layout?: TableLayout;
  /** Metrics of the compact layout (default: the sweep file's table.metrics, else LPS-gbdt and NMSE dB). */
  metrics?: string[];
}

/** The sweep in DIR as a table of mean ± std over seeds. */
export function sweepTable(dir: string, options: TableOptions = {}): string {
  const ledger = Ledger.openExisting(dir);
  try {
    const meta = ledger.meta();
    return formatTable(aggregate(ledger.results()), {
      format: options.format ?? "markdown",
      layout: options.layout ?? "compact",
      metrics: options.metrics ?? meta?.tableMetrics,
    });
  } finally {
    ledger.close();
  }
}
