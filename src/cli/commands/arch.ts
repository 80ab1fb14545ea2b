/** `sculpt arch --dataset NAME [--latent D] [--depth N] [--model M] [--batch B] --json`: the network in ARCH_SCHEMA format. */
import type { Command } from "commander";
import { archFor } from "../../node/index.js";
import { intOption } from "../numbers.js";
import { printJson } from "../output.js";

export function archCommand(program: Command): void {
  program
    .command("arch")
    .description("print a data set's network as JSON (format: docs/ARCH_SCHEMA.md)")
    .requiredOption("--dataset <name>", "data set")
    .option("--latent <d>", "latent size")
    .option("--depth <n>", "conv layers")
    .option("--model <name>", "model (sets the encoder's output size)", "ae-mmd")
    .option("--batch <b>", "batch size recorded in the file", "64")
    .option("--json", "print JSON (the default)")
    .action(async (o: { dataset: string; latent?: string; depth?: string; model: string; batch: string }) => {
      const arch = await archFor({
        dataset: o.dataset,
        model: o.model,
        latentDim: o.latent ? intOption(o.latent, "latent") : undefined,
        convLayers: o.depth ? intOption(o.depth, "depth") : undefined,
      });
      printJson({
        ...arch,
        batch: intOption(o.batch, "batch"),
        regularizer: o.model === "ae-mmd" ? { kind: "mmd", weight: 0.3 } : { kind: "none" },
      });
    });
}
