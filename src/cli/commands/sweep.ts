/**
 * `sculpt sweep SPEC [--out DIR] [--budget paper|quick|smoke] [--datasets a,b] [--seeds N] [--workers N] [--queue redis://HOST:PORT]
 *  [--runs-dir DIR] [--allow-root DIR]… [--allow-any-path] [--max-attempts N] [--download] [--dry-run] [--json]`: run a
 *  sweep file or preset, then print its table.
 */
import type { Command } from "commander";
import {
  listSweepPresets,
  PlanStopped,
  runSweep,
  SculptError,
  sweepTable,
  TABLE_FORMATS,
  type BudgetName,
  type RunEvent,
  type SweepProgress,
  type TableFormat,
} from "../../node/index.js";
import { ensureDataFiles, withDownload } from "../data-options.js";
import { positiveInt } from "../numbers.js";
import { printJson } from "../output.js";

interface SweepFlags {
  out?: string;
  budget?: string;
  datasets?: string;
  seeds?: string;
  workers?: string;
  queue?: string;
  queueName?: string;
  runsDir?: string;
  allowRoot?: string[];
  allowAnyPath?: boolean;
  maxAttempts?: string;
  dryRun?: boolean;
  download?: boolean;
  format: string;
  json?: boolean;
}

const duration = (s: number) =>
  s >= 3600
    ? `${(s / 3600).toFixed(1)}h`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`
      : `${Math.round(s)}s`;

const describe = (e: RunEvent) => {
  const c = e.coords;
  return [c.experiment !== c.model ? c.experiment : "", c.dataset, c.model, c.prior ?? "", `seed ${c.seed}`, `(${e.id})`]
    .filter(Boolean)
    .join(" ");
};

export function sweepCommand(program: Command): void {
  withDownload(program.command("sweep"))
    .description("run a sweep (grid of data sets × models × priors × … × seeds) with a ledger; resumable")
    .argument("<spec>", `sweep file (YAML or JSON) or preset: ${listSweepPresets().join(", ")}`)
    .option("--out <dir>", "sweep folder for the ledger and runs (default sweeps/<name>-<budget>)")
    .option("--budget <name>", "paper | quick | smoke (default: the sweep file's)")
    .option("--datasets <names>", "run only these data sets of the sweep, comma-separated")
    .option("--seeds <n>", "seeds 0…n−1 instead of the sweep file's (a rerun with more keeps the runs done)")
    .option("--workers <n>", "worker processes on this machine (default: one per core)")
    .option("--queue <url>", "enqueue runs on Redis (redis://HOST:PORT) for `sculpt worker` processes")
    .option("--queue-name <name>", "BullMQ queue name (default sculpt-runs)")
    .option("--runs-dir <dir>", "run folders (default OUT/runs; with --queue a folder every worker can reach)")
    .option(
      "--allow-root <dir>",
      "runs on this machine may also read files (empirical(PATH), datasetOptions.root) here; repeatable (default: only the sweep file's folder, the runs dir and the current directory)",
      (dir: string, dirs: string[] = []) => [...dirs, dir],
    )
    .option("--allow-any-path", "let runs on this machine read files anywhere")
    .option("--max-attempts <n>", "attempts per run before it is marked failed (default 3)")
    .option("--dry-run", "plan the runs and say what would run; write nothing")
    .option("--format <f>", `table printed at the end: ${TABLE_FORMATS.join(" | ")}`, "markdown")
    .option("--json", "JSON lines of progress on stderr and a JSON summary on stdout")
    .action(async (spec: string, f: SweepFlags) => {
      if (!TABLE_FORMATS.includes(f.format as TableFormat))
        throw new SculptError(`unknown --format '${f.format}'`, `use one of: ${TABLE_FORMATS.join(", ")}`);
      if (f.queue && (f.allowRoot || f.allowAnyPath))
        throw new SculptError(
          `--${f.allowRoot ? "allow-root" : "allow-any-path"} applies to runs on this machine, not to queued ones`,
          "give it to each `sculpt worker` instead",
        );
      // Queued runs train on the workers: a download here would land on the wrong machine.
      if (f.queue && f.download)
        throw new SculptError(
          "--download fetches on this machine, but queued runs train on the workers",
          "run `sculpt data fetch NAME` on each worker",
        );
      const controller = new AbortController();
      let planning = true;
      const stop = () => {
        if (!controller.signal.aborted && !planning)
          process.stderr.write("\nstopping: running runs go back to pending; rerun the same command to resume\n");
        controller.abort();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      let last = "";
      const log = (obj: Record<string, unknown>, text: string) => process.stderr.write((f.json ? JSON.stringify(obj) : text) + "\n");
      const onProgress = (p: SweepProgress) => {
        const text = `sweep: ${p.done}/${p.total} done · ${p.running} running · ${p.failed} failed${p.etaSeconds === null ? "" : ` · ETA ${duration(p.etaSeconds)}`}`;
        if (text !== last) log({ event: "progress", ...p }, text);
        last = text;
      };
      const onRunEvent = (e: RunEvent) => {
        if (e.event === "epoch") return;
        log({ ...e }, `  ${e.event.padEnd(7)} ${describe(e)}${e.error ? `: ${e.error}` : ""}`);
      };
      try {
        const summary = await runSweep(spec, {
          out: f.out,
          budget: f.budget as BudgetName | undefined,
          datasets: f.datasets
            ?.split(",")
            .map((s) => s.trim())
            .filter(Boolean),
          seeds: positiveInt(f.seeds, "seeds"),
          workers: positiveInt(f.workers, "workers"),
          queue: f.queue,
          queueName: f.queueName,
          runsDir: f.runsDir,
          allowRoots: f.allowRoot,
          allowAnyPath: f.allowAnyPath,
          maxAttempts: positiveInt(f.maxAttempts, "max-attempts"),
          dryRun: f.dryRun,
          prepareData: f.download ? (name, { root }) => ensureDataFiles(name, { root, download: true }) : undefined,
          signal: controller.signal,
          onProgress,
          onRunEvent,
          onWarning: (message) => log({ event: "warning", message }, `warning: ${message}`),
          onCount: (requests) => log({ event: "planning", runs: requests }, `sweep: planning ${requests} runs`),
          onPlan: ({ out, runs, added, done }) => {
            planning = false;
            log(
              { event: "plan", out, runs: runs.length, added, done, dryRun: f.dryRun ?? false },
              `sweep: ${runs.length} runs planned ${f.dryRun ? "for" : "in"} ${out} (${added} new, ${done} already done)${f.dryRun ? "; dry run, nothing written" : ""}`,
            );
          },
        });
        if (f.json) printJson(summary);
        else {
          console.error(
            `sweep ${summary.name} (${summary.budget}): ${summary.done}/${summary.total} done, ${summary.failed} failed in ${duration(summary.seconds)}: ${summary.out}`,
          );
          if (summary.done > 0) console.log(sweepTable(summary.out, { format: f.format as TableFormat }));
        }
        if (summary.failed > 0 || (summary.pending > 0 && !f.dryRun)) process.exitCode = 1;
      } catch (err) {
        if (!(err instanceof PlanStopped)) throw err;
        log({ event: "stopped", message: err.message }, `sweep: ${err.message}`);
        process.exitCode = 130;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
}
