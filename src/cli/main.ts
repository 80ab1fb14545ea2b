/**
 * The `sculpt` command: parses arguments and calls the public API, nothing more. Each command
 * lives in commands/<name>.ts and is one line in COMMANDS.
 */
import { Command, CommanderError } from "commander";
import { SculptError } from "../node/index.js";
import { dataCommand } from "./commands/data.js";
import { infoCommand } from "./commands/info.js";
import { metricCommand } from "./commands/metric.js";
import { mmdCommand } from "./commands/mmd.js";
import { priorCommand } from "./commands/prior.js";
import { reportCommand } from "./commands/report.js";
import { trainCommand } from "./commands/train.js";
import { archCommand } from "./commands/arch.js";
import { evalCommand } from "./commands/eval.js";
import { serveCommand } from "./commands/serve.js";
import { sweepCommand } from "./commands/sweep.js";
import { tableCommand } from "./commands/table.js";
import { workerCommand } from "./commands/worker.js";
import { demoCommand } from "./commands/demo.js";

export type CommandInstaller = (program: Command) => void;

const COMMANDS: CommandInstaller[] = [
  infoCommand,
  priorCommand,
  mmdCommand,
  metricCommand,
  reportCommand,
  dataCommand,
  trainCommand,
  evalCommand,
  demoCommand,
  archCommand,
  serveCommand,
  sweepCommand,
  workerCommand,
  tableCommand,
];

export function buildProgram(): Command {
  const program = new Command("sculpt")
    .description("Programmable-prior representation learning: sculpt latent spaces with MMD")
    .option("--backend <name>", "auto|tensorflow|webgpu|native|wasm|cpu (or SCULPT_BACKEND)")
    .showHelpAfterError()
    .exitOverride();
  program.hook("preAction", (cmd) => {
    const backend = cmd.opts().backend;
    if (backend) process.env.SCULPT_BACKEND = backend;
  });
  for (const install of COMMANDS) install(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof SculptError) {
      console.error(`error: ${err.problem}${err.fix ? `\n  fix: ${err.fix}` : ""}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
