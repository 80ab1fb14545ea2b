/** `sculpt eval --run DIR [--only m1,m2] [--download] --json`: every metric that applies, also written to RUN/metrics.json. */
import type { Command } from "commander";
import { evaluateRun, type MetricName } from "../../node/index.js";
import { ensureDataFiles, withDownload } from "../data-options.js";
import { printJson } from "../output.js";

export function evalCommand(program: Command): void {
  withDownload(program.command("eval"))
    .description("evaluate a run folder with every metric that applies (writes metrics.json)")
    .requiredOption("--run <dir>", "run folder")
    .option("--only <names>", "comma-separated metric names")
    .option("--json", "print JSON")
    .action(async (o: { run: string; only?: string; download?: boolean; json?: boolean }) => {
      const only = o.only ? (o.only.split(",").map((s) => s.trim()) as MetricName[]) : undefined;
      const m = await evaluateRun(o.run, {
        only,
        onMetric: o.json ? undefined : (n) => process.stderr.write(`  ${n}…\n`),
        prepareData: o.download ? (name, { root }) => ensureDataFiles(name, { root, download: true }) : undefined,
      });
      if (o.json) printJson(m);
      else {
        for (const [k, v] of Object.entries(m.values)) if (typeof v === "number") console.log(`${k.padEnd(32)} ${v.toPrecision(4)}`);
        for (const [k, why] of Object.entries(m.skipped)) console.log(`${k.padEnd(32)} skipped: ${why}`);
      }
    });
}
