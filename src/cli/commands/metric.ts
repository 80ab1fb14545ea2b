/**
 * `sculpt metric NAME FILES... --json`: one metric on .npy files.
 *   lps Z.npy [--regressor gbdt|mlp] [--split random|ordered] [--seed S] [--threads N]
 *   mig|sap|dci|covariance-ratio Z.npy [F.npy]   (F: N×k factor class indices)
 *   nmse X.npy XHAT.npy
 *   fidelity Z.npy --prior SPEC
 */
import type { Command } from "commander";
import { covarianceRatio, dci, fidelity, mig, nmse, sap } from "../../core/metrics/index.js";
import type { SplitKind } from "../../core/metrics/split.js";
import { SculptError } from "../../core/registry.js";
import { lpsParallel, readFactors } from "../../node/metrics/index.js";
import { readMatrix, readNpy } from "../../node/npy-file.js";
import { loadPrior } from "../../node/priors.js";
import { printJson } from "../output.js";

interface MetricOptions {
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

function whole(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SculptError(`--${name} must be a whole number (got '${value}')`);
  return n;
}

function split(value: string | undefined): SplitKind | undefined {
  if (value !== undefined && value !== "random" && value !== "ordered")
    throw new SculptError(`unknown split '${value}'`, "use random or ordered");
  return value;
}

/** --train: a row count (≥ 1) or a fraction (< 1). */
function trainSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || (n >= 1 && !Number.isInteger(n))) throw new SculptError(`--train must be a row count or a fraction (got '${value}')`);
  return n;
}

function needFile(file: string | undefined, what: string, name: string): string {
  if (!file) throw new SculptError(`metric ${name} needs ${what}`, `usage: sculpt metric ${name} Z.npy ${what}`);
  return file;
}

const RUN: Record<string, (files: string[], o: MetricOptions) => Promise<Record<string, unknown>> | Record<string, unknown>> = {
  lps: async ([z], o) => {
    if (o.regressor !== "gbdt" && o.regressor !== "mlp") throw new SculptError(`unknown regressor '${o.regressor}'`, "use gbdt or mlp");
    const r = await lpsParallel(
      readMatrix(z),
      { regressor: o.regressor, split: split(o.split), seed: whole(o.seed, "seed") },
      { threads: whole(o.threads, "threads") },
    );
    return { ...r };
  },
  mig: ([z, f]) => ({ ...mig(readMatrix(z), readFactors(needFile(f, "F.npy", "mig"))) }),
  sap: ([z, f], o) => ({
    ...sap(readMatrix(z), readFactors(needFile(f, "F.npy", "sap")), {
      split: split(o.split),
      train: trainSize(o.train),
      seed: whole(o.seed, "seed"),
    }),
  }),
  dci: ([z, f], o) => {
    if (o.model !== "gbc" && o.model !== "forest") throw new SculptError(`unknown DCI model '${o.model}'`, "use gbc or forest");
    return {
      ...dci(readMatrix(z), readFactors(needFile(f, "F.npy", "dci")), {
        model: o.model,
        split: split(o.split),
        train: trainSize(o.train),
        seed: whole(o.seed, "seed"),
      }),
    };
  },
  "covariance-ratio": ([z]) => ({ ...covarianceRatio(readMatrix(z)) }),
  nmse: ([x, xHat]) => ({ ...nmse(readNpy(x).data, readNpy(needFile(xHat, "XHAT.npy", "nmse")).data) }),
  fidelity: ([z], o) => {
    if (!o.prior) throw new SculptError("metric fidelity needs --prior SPEC", "e.g. --prior gaussian");
    const codes = readMatrix(z);
    return {
      ...fidelity(codes, loadPrior(o.prior, codes.cols), {
        seed: whole(o.seed, "seed"),
        permutations: whole(o.permutations, "permutations"),
      }),
    };
  },
};

export function metricCommand(program: Command): void {
  program
    .command("metric <name> <files...>")
    .description(`compute one metric on .npy files: ${Object.keys(RUN).join(", ")}`)
    .option("--regressor <r>", "lps: gbdt|mlp", "gbdt")
    .option("--split <s>", "lps, sap, dci: random|ordered (ordered: first rows train)")
    .option("--seed <s>", "seed for splits and samplers", "0")
    .option("--threads <n>", "lps: worker threads (default: all cores)")
    .option("--train <n>", "sap, dci: training rows (count, or fraction below 1)")
    .option("--model <m>", "dci: gbc (disentanglement_lib) | forest (random forest)", "gbc")
    .option("--prior <spec>", "fidelity: the prior, e.g. gaussian")
    .option("--permutations <n>", "fidelity: MMD permutation-test draws", "200")
    .option("--json", "print JSON")
    .action(async (name: string, files: string[], opts: MetricOptions) => {
      const run = RUN[name];
      if (!run) throw new SculptError(`unknown metric '${name}'`, `use one of: ${Object.keys(RUN).join(", ")}`);
      const out = { metric: name, ...(await run(files, opts)) };
      if (opts.json) printJson(out);
      else for (const [k, v] of Object.entries(out)) if (typeof v === "number" || typeof v === "string") console.log(`${k}: ${v}`);
    });
}
