/**
 * `writeReport`: one self-contained HTML report of a run folder or of a sweep (a folder of run
 * folders, or a list of them), written atomically. `sculpt report` and `sculpt demo` call this.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SculptError } from "../../core/registry.js";
import { writeFileAtomic } from "../atomic.js";
import type { BuiltReport } from "./html.js";
import { runReportHtml, type RunReportOptions } from "./run-report.js";
import { readSweep, sweepRecordsFromRuns, sweepReportHtml } from "./sweep-report.js";

export interface WriteReportOptions extends RunReportOptions {
  /** A run folder. */
  run?: string;
  /** A sweep folder (with its ledger), a folder of run folders, or the run folders themselves. */
  sweep?: string | readonly string[];
  /** Output file (default: report.html inside the run or sweep folder). */
  out?: string;
  /** Also write each figure as an SVG file (`<section>-<n>.svg`) into this new or empty folder. */
  svgDir?: string;
}

export interface WrittenReport {
  out: string;
  bytes: number;
  /** Ids of the report's sections. */
  sections: string[];
  /** The SVG files written (with svgDir). */
  svgs?: string[];
}

/**
 * @example
 * const { out } = await writeReport({ run: "runs/xy-ae-mmd" }); // → runs/xy-ae-mmd/report.html
 */
export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  if ((options.run === undefined) === (options.sweep === undefined)) {
    throw new SculptError("a report is of one run or of one sweep", "pass exactly one of --run DIR or --sweep DIR");
  }
  if (options.out !== undefined && existsSync(options.out) && statSync(options.out).isDirectory()) {
    throw new SculptError(`--out ${options.out} is a folder`, `give a file name, e.g. --out ${join(options.out, "report.html")}`);
  }
  // The figures' folder must be new or empty: nothing there is overwritten.
  if (
    options.svgDir !== undefined &&
    existsSync(options.svgDir) &&
    (!statSync(options.svgDir).isDirectory() || readdirSync(options.svgDir).length > 0)
  ) {
    throw new SculptError(
      `--svg ${options.svgDir} exists and is not an empty folder`,
      "name a new folder (it is created) or empty this one",
    );
  }
  let built: BuiltReport;
  let out: string;
  if (options.run !== undefined) {
    built = await runReportHtml(options.run, options);
    out = options.out ?? join(options.run, "report.html");
  } else {
    const sweep = options.sweep!;
    const input = typeof sweep === "string" ? readSweep(sweep) : { records: sweepRecordsFromRuns(sweep), notes: [] };
    built = await sweepReportHtml(input.records, { title: options.title, notes: input.notes, onWarning: options.onWarning });
    out = options.out ?? join(typeof sweep === "string" ? sweep : ".", "report.html");
  }
  writeFileAtomic(out, built.html);
  let svgs: string[] | undefined;
  if (options.svgDir !== undefined) {
    mkdirSync(options.svgDir, { recursive: true });
    svgs = built.figures.map((f) => {
      const file = resolve(options.svgDir!, `${f.name}.svg`);
      writeFileAtomic(file, f.svg + "\n");
      return file;
    });
  }
  return { out: resolve(out), bytes: Buffer.byteLength(built.html), sections: built.sections, ...(svgs ? { svgs } : {}) };
}

export { runReportHtml, runReportSections, type RunDecoder, type RunReportOptions } from "./run-report.js";
export { page, table, note, type Section } from "./html.js";
export { sweepReportHtml, sweepRecordsFromRuns, listRunFolders, readSweep, SWEEP_METRICS, type SweepInput } from "./sweep-report.js";
export { renderSvg, encodePng, pngDataUri } from "./render.js";
