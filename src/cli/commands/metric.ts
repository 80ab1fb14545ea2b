/**
 * `sculpt metric NAME FILES... --json`: one metric on .npy files. Which metrics, their files and
 * the options each reads come from the metric registry (each entry's `command`).
 */
import type { Command } from "commander";
import {
  loadPrior,
  METRICS,
  readFactors,
  readMatrix,
  readNpy,
  SculptError,
  workerLpsRunner,
  type MetricCommandInputs,
  type MetricCommandOptions,
  type MetricEntry,
  type MetricFile,
} from "../../node/index.js";
import { optionalNumber, parseNumber } from "../numbers.js";
import { printJson } from "../output.js";

interface MetricFlags {
  regressor: string;
  split?: string;
  seed: string;
  threads?: string;
  train?: string;
  model: string;
  prior?: string;
  permutations: string;
  json?: boolean;
}

/** The metrics `sculpt metric` runs, by name. */
const COMMANDS = Object.fromEntries(
  Object.entries(METRICS as Record<string, MetricEntry>).flatMap(([name, m]) => (m.command ? [[name, m.command]] : [])),
);

const FILE_NAMES: Record<MetricFile, string> = { latents: "Z.npy", factors: "F.npy", images: "X.npy", reconstructions: "XHAT.npy" };

/** The metrics that read an option, for its help line. */
const users = (option: keyof MetricCommandOptions | "threads") =>
  Object.keys(COMMANDS)
    .filter((n) => COMMANDS[n].options.includes(option))
    .join(", ");

function split(value: string | undefined): MetricCommandOptions["split"] {
  if (value !== undefined && value !== "random" && value !== "ordered")
    throw new SculptError(`unknown split '${value}'`, "use random or ordered");
  return value;
}

/** --train: a row count (≥ 1) or a fraction (< 1). */
function trainSize(value: string | undefined): number | undefined {
  const n = optionalNumber(value, "train");
  if (n !== undefined && (!(n > 0) || (n >= 1 && !Number.isInteger(n))))
    throw new SculptError(`--train must be a row count or a fraction (got '${value}')`);
  return n;
}

function readInputs(name: string, kinds: readonly MetricFile[], files: string[], prior: string | undefined): MetricCommandInputs {
  const usage = `usage: sculpt metric ${name} ${kinds.map((k) => FILE_NAMES[k]).join(" ")}`;
  const inputs: MetricCommandInputs = {};
  kinds.forEach((kind, i) => {
    const file = files[i];
    if (!file) throw new SculptError(`metric ${name} needs ${FILE_NAMES[kind]}`, usage);
    if (kind === "latents") inputs.latents = readMatrix(file);
    else if (kind === "factors") inputs.factors = readFactors(file);
    else inputs[kind] = readNpy(file).data as ArrayLike<number>;
  });
  if ((METRICS as Record<string, MetricEntry>)[name].needs.prior) {
    if (!prior) throw new SculptError(`metric ${name} needs --prior SPEC`, "e.g. --prior gaussian");
    inputs.prior = loadPrior(prior, inputs.latents!.cols);
  }
  return inputs;
}

export function metricCommand(program: Command): void {
  program
    .command("metric <name> <files...>")
    .description(`compute one metric on .npy files: ${Object.keys(COMMANDS).join(", ")}`)
    .option("--regressor <r>", `${users("regressor")}: gbdt|mlp`, "gbdt")
    .option("--split <s>", `${users("split")}: random|ordered (ordered: first rows train)`)
    .option("--seed <s>", "seed for splits and samplers", "0")
    .option("--threads <n>", `${users("threads")}: worker threads (default: all cores)`)
    .option("--train <n>", `${users("train")}: training rows (count, or fraction below 1)`)
    .option("--model <m>", `${users("model")}: gbc (disentanglement_lib) | forest (random forest)`, "gbc")
    .option("--prior <spec>", "fidelity: the prior, e.g. gaussian")
    .option("--permutations <n>", `${users("permutations")}: MMD permutation-test draws`, "200")
    .option("--json", "print JSON")
    .action(async (name: string, files: string[], f: MetricFlags) => {
      const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
      if (!command) throw new SculptError(`unknown metric '${name}'`, `use one of: ${Object.keys(COMMANDS).join(", ")}`);
      const options: MetricCommandOptions = {
        regressor: f.regressor,
        split: split(f.split),
        seed: parseNumber(f.seed, "seed", { integer: true, min: 0 }),
        train: trainSize(f.train),
        model: f.model,
        permutations: parseNumber(f.permutations, "permutations", { integer: true, min: 0 }),
      };
      const threads = optionalNumber(f.threads, "threads", { integer: true, min: 0 });
      const inputs = readInputs(name, command.files, files, f.prior);
      const out = { metric: name, ...(await command.run(inputs, options, { runLps: workerLpsRunner({ threads }) })) };
      if (f.json) printJson(out);
      else for (const [k, v] of Object.entries(out)) if (typeof v === "number" || typeof v === "string") console.log(`${k}: ${v}`);
    });
}
