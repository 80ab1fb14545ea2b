/** `sculpt report --run DIR | --sweep DIR [--out FILE.html] [--svg DIR] [--json]`: one self-contained HTML report. */
import type { Command } from "commander";
import { writeReport } from "../../node/index.js";
import { printJson } from "../output.js";

export function reportCommand(program: Command): void {
  program
    .command("report")
    .description("write a self-contained HTML report of a run folder or of a sweep")
    .option("--run <dir>", "a run folder written by `sculpt train`")
    .option("--sweep <dir>", "a sweep folder (its ledger lists the finished runs) or any folder of run folders")
    .option("--out <file>", "output HTML file (default: report.html in the run or sweep folder)")
    .option("--title <title>", "page title")
    .option("--svg <dir>", "also write each figure as an SVG file into this new (or empty) folder")
    .option("--json", "print a JSON summary")
    .action(async (opts: { run?: string; sweep?: string; out?: string; title?: string; svg?: string; json?: boolean }) => {
      const written = await writeReport({ run: opts.run, sweep: opts.sweep, out: opts.out, title: opts.title, svgDir: opts.svg });
      if (opts.json) printJson(written);
      else {
        console.log(`wrote ${written.out} (${Math.round(written.bytes / 1024)} KiB: ${written.sections.join(", ")})`);
        if (written.svgs) console.log(`wrote ${written.svgs.length} SVG figure(s) into ${opts.svg}`);
      }
    });
}
