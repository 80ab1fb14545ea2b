/** `sculpt prior sample --spec SPEC --n N --seed S [--dim D] --out FILE.npy` */
import type { Command } from "commander";
import { checkPriorDim, loadPrior, priorConfigFromSpec, Rng, SculptError, writeMatrix } from "../../node/index.js";

/** Most values `prior sample` writes: 2^28 float32 values, 1 GiB. */
const MAX_SAMPLE_VALUES = 2 ** 28;
import { intOption } from "../numbers.js";
import { printJson } from "../output.js";

const GRAMMAR = `
Prior specs:
  gaussian | gaussian(mean, std)            i.i.d. N(mean, std²) per dimension
  uniform  | uniform(low, high)             i.i.d. U(low, high)
  gmm(-5|5, 5)                              auto-gmm: modes at -5 and 5, common std 5
  gmm(means, stds, weights)                 1-D Gaussian mixture, e.g. gmm(-1|2, 0.5|1, 0.3|0.7)
  hybrid[p1, p2*2, ...]                     per-dimension product; *k repeats
  mvn(0|0, 1|0.8;0.8|1)                     correlated Gaussian (mean, covariance rows)
  mixture(mvn(..), mvn(..), weights=a|b)    mixture of joint components
  empirical(z.npy)                          resample rows of a stored latent set
A 1-D prior broadcasts to the latent size; any other prior must match it.`;

export function priorCommand(program: Command): void {
  const prior = program.command("prior").description("programmable priors").addHelpText("after", GRAMMAR);
  prior
    .command("sample")
    .description("draw samples from a prior into a .npy file")
    .requiredOption("--spec <spec>", "prior spec, e.g. 'hybrid[uniform(-5,5), gaussian(0,2)]'")
    .requiredOption("--n <n>", "number of samples")
    .option("--seed <seed>", "random seed", "0")
    .option("--dim <d>", "dimension for i.i.d. priors (default: the spec's own, or 1)")
    .requiredOption("--out <file>", "output .npy (float32, n×d)")
    .option("--json", "print a JSON summary")
    .addHelpText("after", GRAMMAR)
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
