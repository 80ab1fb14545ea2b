/**
 * `sculpt train --dataset NAME --model SPEC [--prior SPEC] [--kernel SPEC] [--lambda L] [--latent D]
 *  [--epochs E | --budget paper|quick|smoke] [--batch B] [--init torch|glorot] [--seed S] [--root DIR] [--limit N]
 *  [--download] --out DIR [--resume] [--json]`
 */
import type { Command } from "commander";
import { KERNELS, MODELS, SculptError, trainRun, type BudgetName, type InitScheme } from "../../node/index.js";
import { dataOptions, ensureDataFiles, withDataOptions, withDownload, type DataFlags } from "../data-options.js";
import { intOption, optionalNumber } from "../numbers.js";
import { printJson } from "../output.js";
import { jsonLines, progressBar } from "../progress.js";

interface TrainFlags extends DataFlags {
  dataset?: string;
  model?: string;
  prior?: string;
  kernel?: string;
  lambda?: string;
  latent?: string;
  depth?: string;
  channels?: string;
  epochs?: string;
  budget?: string;
  batch?: string;
  lr?: string;
  init?: string;
  seed?: string;
  checkpointEvery?: string;
  out: string;
  resume?: boolean;
  json?: boolean;
}

const num = (v: string | undefined, name: string) => optionalNumber(v, name);

export function trainCommand(program: Command): void {
  const cmd = program
    .command("train")
    .description("train a model; writes a run folder (config, history, model, latents)")
    .option("--dataset <name>", "data set (see `sculpt data list`)")
    .option("--model <spec>", `${Object.keys(MODELS).join(" | ")}, with options, e.g. 'beta-vae(beta=8)'`)
    .option("--prior <spec>", "prior for ae-mmd (see `sculpt prior --help`), default gaussian")
    .option("--kernel <spec>", `MMD kernel for ae-mmd: ${Object.keys(KERNELS).join(" | ")}, with options, e.g. 'imq(scales=0.1|1|10)'`)
    .option("--lambda <l>", "regulariser weight (default 0.3)")
    .option("--latent <d>", "latent size (default: the data set's, paper Table 3)")
    .option("--depth <n>", "number of conv layers (default: the data set's)")
    .option("--channels <list>", "conv channels, encoder order, e.g. 16,16,32,32 (sets the depth too)")
    .option("--epochs <e>", "epochs (a fraction trains part of the last epoch)")
    .option("--budget <name>", "paper | quick | smoke (default quick)")
    .option("--batch <b>", "batch size (default: 64 with the quick budget, else 512)")
    .option("--lr <lr>", "Adam learning rate (default 5e-4)")
    .option("--init <scheme>", "weight initialisation: torch (PyTorch's, default) | glorot")
    .option("--seed <s>", "random seed (default 0)")
    .option("--checkpoint-every <n>", "also checkpoint every n steps")
    .requiredOption("--out <dir>", "run folder")
    .option("--resume", "continue the run in --out from its last checkpoint")
    .option("--json", "JSON lines per epoch, and a JSON summary");
  withDownload(withDataOptions(cmd)).action(async (f: TrainFlags) => {
    if (!f.resume && (!f.dataset || !f.model))
      throw new SculptError("--dataset and --model are required", "e.g. sculpt train --dataset xy --model ae-mmd --out runs/xy");
    if (f.download && f.resume)
      throw new SculptError("--download takes the --dataset of a new run", "fetch a resumed run's set with `sculpt data fetch NAME`");
    if (f.dataset) await ensureDataFiles(f.dataset, f);
    const summary = await trainRun(
      {
        dataset: f.dataset ?? "",
        model: f.model ?? "",
        prior: f.prior,
        kernel: f.kernel,
        lambda: num(f.lambda, "lambda"),
        latentDim: f.latent ? intOption(f.latent, "latent") : undefined,
        convLayers: f.depth ? intOption(f.depth, "depth") : undefined,
        channels: f.channels?.split(",").map((c) => intOption(c.trim(), "channels")),
        epochs: num(f.epochs, "epochs"),
        budget: f.budget as BudgetName | undefined,
        batchSize: f.batch ? intOption(f.batch, "batch") : undefined,
        lr: num(f.lr, "lr"),
        seed: f.seed ? intOption(f.seed, "seed") : undefined,
        init: f.init as InitScheme | undefined,
        checkpointEvery: f.checkpointEvery ? intOption(f.checkpointEvery, "checkpoint-every") : undefined,
        datasetOptions: f.root !== undefined || f.limit !== undefined ? dataOptions(f) : undefined,
      },
      { outDir: f.out, resume: f.resume, reporters: [f.json ? jsonLines() : progressBar("train")] },
    );
    if (f.json) printJson({ event: "done", ...summary });
    else {
      console.log(`done in ${summary.seconds.toFixed(1)} s on ${summary.backend}: ${f.out}`);
      if (summary.collapse)
        console.log(
          `warning: the codes collapsed (variance → 0) from epoch ${summary.collapse.epoch}; try --init glorot (codes start wider than from PyTorch's initialisation), another prior or a larger latent size`,
        );
    }
  });
}
