/** `sculpt demo [--out DIR] [--epochs E]`: train AE and AE-MMD (Gaussian, Uniform) on XY, evaluate, report. */
import type { Command } from "commander";
import { demoTable, describePlan, runDemo } from "../../node/index.js";
import { intOption } from "../numbers.js";
import { printJson } from "../output.js";

export function demoCommand(program: Command): void {
  program
    .command("demo")
    .description("train AE and AE-MMD (Gaussian and Uniform priors) on XY, evaluate, write an HTML report")
    .option("--out <dir>", "folder for the runs and the report", "sculpt-demo")
    .option("--epochs <e>", "epochs per run (default 10)")
    .option("--parallel <n>", "runs trained at once (default: 2 with the native kernels, else 3)")
    .option("--json", "print JSON")
    .action(async (o: { out: string; epochs?: string; parallel?: string; json?: boolean }) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      if (!o.json) log(`sculpt demo: training 3 models on XY in ${o.out}/ (rerun to resume)`);
      const r = await runDemo({
        out: o.out,
        epochs: o.epochs === undefined ? undefined : intOption(o.epochs, "epochs"),
        parallel: o.parallel === undefined ? undefined : intOption(o.parallel, "parallel"),
        onProgress: o.json ? undefined : log,
      });
      if (o.json) printJson(r);
      else {
        console.log("\n" + demoTable(r.rows) + "\n");
        console.log(`LPS: mean R² of predicting each latent from the others (lower = more independent).`);
        console.log(`KS max: largest Kolmogorov–Smirnov distance of a code marginal to its prior (– for the AE: it has no prior).`);
        console.log(`\ndone in ${(r.seconds / 60).toFixed(1)} min (${describePlan(r.plan)}). Report: ${r.report}`);
      }
    });
}
