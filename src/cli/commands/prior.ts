/** `sculpt prior sample --spec SPEC --n N --seed S [--dim D] --out FILE.npy` */
import type { Command } from "commander";
import {
  checkPriorDim,
  loadPrior,
  optionFields,
  PRIORS,
  priorConfigFromSpec,
  Rng,
  SculptError,
  writeMatrix,
  type PriorEntry,
} from "../../node/index.js";

/** Most values `prior sample` writes: 2^28 float32 values, 1 GiB. */
const MAX_SAMPLE_VALUES = 2 ** 28;
import { intOption } from "../numbers.js";
import { printJson } from "../output.js";

/** A default as spec text: lists as a|b. */
const specValue = (v: unknown): string =>
  Array.isArray(v) ? v.map(specValue).join("|") : typeof v === "object" ? JSON.stringify(v) : String(v);

/** The prior grammar for help, from the registry: each prior's parameters (with defaults), summary and examples. */
export function priorGrammar(): string {
  const entries = Object.entries(PRIORS) as [string, PriorEntry][];
  const width = Math.max(...entries.map(([name]) => name.length)) + 2;
  const pad = " ".repeat(2 + width);
  const lines = entries.flatMap(([name, entry]) => {
    const params = optionFields(entry).map((f) =>
      f.default !== undefined ? `${f.name} = ${specValue(f.default)}` : f.optional ? `${f.name}?` : f.name,
    );
    return [
      `  ${name.padEnd(width)}${entry.help.summary}`,
      `${pad}parameters: ${params.join(", ") || "none"}`,
      `${pad}e.g. ${entry.help.examples.join(", ")}`,
    ];
  });
  return [
    "",
    "Prior specs: NAME, or NAME(arguments) in the order of its parameters or as name=value",
    "(= default; ? optional). Lists are written a|b, matrix rows separated by ;.",
    ...lines,
    "A 1-D prior broadcasts to the latent size; any other prior must match it.",
  ].join("\n");
}

export function priorCommand(program: Command): void {
  const prior = program.command("prior").description("programmable priors").addHelpText("after", priorGrammar);
  prior
    .command("sample")
    .description("draw samples from a prior into a .npy file")
    .requiredOption("--spec <spec>", "prior spec, e.g. 'hybrid[uniform(-5,5), gaussian(0,2)]'")
    .requiredOption("--n <n>", "number of samples")
    .option("--seed <seed>", "random seed", "0")
    .option("--dim <d>", "dimension for i.i.d. priors (default: the spec's own, or 1)")
    .requiredOption("--out <file>", "output .npy (float32, n×d)")
    .option("--json", "print a JSON summary")
    .addHelpText("after", priorGrammar)
    .action((opts: { spec: string; n: string; seed: string; dim?: string; out: string; json?: boolean }) => {
      const n = intOption(opts.n, "n");
      if (n < 1) throw new SculptError(`--n must be at least 1 (got ${n})`);
      const dim = opts.dim ? intOption(opts.dim, "dim") : naturalDim(opts.spec);
      checkPriorDim(dim, "--dim");
      if (n * dim > MAX_SAMPLE_VALUES) {
        throw new SculptError(
          `--n ${n} × ${dim} dimensions is ${(n * dim).toExponential(2)} values; at most ${MAX_SAMPLE_VALUES.toLocaleString("en")} (1 GiB of float32) are written at once`,
          "draw fewer samples per file (several --seed values give independent files)",
        );
      }
      const p = loadPrior(opts.spec, dim);
      const samples = p.sample(n, new Rng(intOption(opts.seed, "seed")));
      writeMatrix(opts.out, samples);
      const summary = { out: opts.out, n, dim: p.dim, prior: p.description };
      if (opts.json) printJson(summary);
      else console.log(`wrote ${n}×${p.dim} samples of ${p.description} to ${opts.out}`);
    });
}

/** The dimension a spec implies on its own (1 for i.i.d. priors), found by building it once. */
function naturalDim(spec: string): number {
  priorConfigFromSpec(spec); // syntax errors first, with their positions
  try {
    return loadPrior(spec, 1).dim;
  } catch (err) {
    const m = /prior has (\d+) dimension/.exec((err as Error).message);
    if (m) return Number(m[1]);
    throw err;
  }
}
