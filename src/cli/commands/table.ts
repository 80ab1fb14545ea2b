/**
 * `sculpt table SWEEP_DIR [--format markdown|csv|latex|json] [--layout compact|full] [--metrics k1,k2] [--out FILE]`:
 * mean ± std over seeds per model and data set, best per column marked (paper Table 1 / Appendix B).
 */
import type { Command } from "commander";
import {
  SculptError,
  sweepTable,
  TABLE_FORMATS,
  TABLE_LAYOUTS,
  writeFileAtomic,
  type TableFormat,
  type TableLayout,
} from "../../node/index.js";

export function tableCommand(program: Command): void {
  program
    .command("table")
    .description("a sweep's results as a table: mean ± std over seeds, best per column marked")
    .argument("<dir>", "sweep folder (the --out of `sculpt sweep`)")
    .option("--format <f>", TABLE_FORMATS.join(" | "), "markdown")
    .option("--layout <l>", "compact (Table 1: a few metrics per data set) | full (Appendix B: every metric)", "compact")
    .option("--metrics <keys>", "metrics of the compact layout, comma-separated (default lps.gbdt,nmse.db)")
    .option("--out <file>", "write to a file instead of stdout")
    .action((dir: string, f: { format: string; layout: string; metrics?: string; out?: string }) => {
      if (!TABLE_FORMATS.includes(f.format as TableFormat))
        throw new SculptError(`unknown --format '${f.format}'`, `use one of: ${TABLE_FORMATS.join(", ")}`);
      if (!TABLE_LAYOUTS.includes(f.layout as TableLayout))
        throw new SculptError(`unknown --layout '${f.layout}'`, `use one of: ${TABLE_LAYOUTS.join(", ")}`);
      const text = sweepTable(dir, {
        format: f.format as TableFormat,
        layout: f.layout as TableLayout,
        metrics: f.metrics
          ? f.metrics
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      });
      if (f.out) writeFileAtomic(f.out, text + "\n");
      else console.log(text);
    });
}
